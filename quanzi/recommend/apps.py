from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendConfig(AppConfig):
    name = "quanzi.recommend"
    label = "recommend"
    verbose_name = _("推荐")

    def ready(self) -> None:
        from quanzi.catalog import hooks as catalog_hooks
        from quanzi.communities import hooks as community_hooks
        from quanzi.recommend import panels

        community_hooks.community_panel("recommend", panels.community_panel)
        catalog_hooks.product_panel("recommend", panels.product_panel)
