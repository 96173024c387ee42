from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonasConfig(AppConfig):
    name = "quanzi.personas"
    label = "personas"
    verbose_name = _("用户画像")

    def ready(self) -> None:
        """Plug into the lower apps' registries (none of them imports this app): growth.coupons' audiences, so a
        coupon campaign can be limited to a segment (`audience_kind="segment"`)."""
        from quanzi.growth.coupons import audiences
        from quanzi.personas import selectors, services
        audiences.register(services.AUDIENCE_KIND, contains=selectors.segment_contains,
                           usable_by=selectors.segment_usable_by,
                           label=selectors.segment_label)
