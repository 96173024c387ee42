from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdsConfig(AppConfig):
    name = "quanzi.ads"
    label = "ads"
    verbose_name = _("广告")

    def ready(self) -> None:
        """Plug into the lower apps' registries (none of them imports this app):

        - the placements: `content.hooks.home_panel` (home banner), `communities.hooks.community_panel` (the
          community feed slot), `catalog.hooks.product_panel` (the product page); the search page (web) includes
          the slot itself;
        - `orders.hooks`: a top-up's `paid` / `cancelled` moments, and an order credited to an ad click on `paid`;
        - the personal-data registry (export and erasure of the ads a member saw and clicked);
        - the revenue lines of the apps below (commission, membership) and ads' own."""
        from quanzi.ads import jobs, panels, personal_data, revenue, services  # noqa: F401  (jobs: huey tasks)
        from quanzi.catalog import hooks as catalog_hooks
        from quanzi.communities import hooks as community_hooks
        from quanzi.content import hooks as content_hooks
        from quanzi.orders import hooks

        hooks.on_paid("ads", services.on_order_paid)
        hooks.on_cancelled("ads", services.on_order_cancelled)
        hooks.on_refunded("ads", services.on_order_refunded)
        content_hooks.home_panel("ads", panels.home_panel)
        community_hooks.community_panel("ads", panels.community_panel)
        catalog_hooks.product_panel("ads", panels.product_panel)
        personal_data.register()
        revenue.register_builtin_lines()
