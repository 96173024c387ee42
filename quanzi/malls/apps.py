from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MallsConfig(AppConfig):
    name = "quanzi.malls"
    label = "malls"
    verbose_name = _("商场社群")

    def ready(self) -> None:
        """Plug into growth's coupon audiences (growth imports no app above it): a partner's coupon offered to a
        mall's customers is limited to the members of that mall's customer community
        (`audience_kind="mall_customers"`, `audience_ref=<mall id>`)."""
        from quanzi.growth.coupons import audiences
        from quanzi.malls import selectors, services

        audiences.register(services.AUDIENCE_KIND, contains=selectors.customer_contains,
                           usable_by=selectors.audience_usable_by, label=selectors.audience_label)
