from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupBuyConfig(AppConfig):
    name = "quanzi.growth.groupbuy"
    label = "growth_groupbuy"
    verbose_name = _("拼团")

    def ready(self) -> None:
        """Plug into the lower apps through their registries (none of them imports this app): the group price in
        the waterfall, the place taken at checkout, counted when paid, freed when the unpaid order is cancelled,
        withdrawn on an after-sales refund; the product and checkout page panels; who owns a group share token
        (the order credit); the live "还差 N 人" of the shipping hold."""
        from quanzi.catalog import hooks as catalog_hooks
        from quanzi.core.messages import converter
        from quanzi.growth.groupbuy import panels, pricing, selectors, services
        from quanzi.orders import hooks
        from quanzi.orders import pricing as order_pricing

        if pricing.group_price not in order_pricing.CAMPAIGN_ADJUSTERS:
            order_pricing.CAMPAIGN_ADJUSTERS.append(pricing.group_price)
        hooks.on_checkout("groupbuy.place", services.place_reserve)
        hooks.on_paid("groupbuy.place", services.place_pay)
        hooks.on_cancelled("groupbuy.place", services.place_release)
        hooks.on_refunded("groupbuy.place", services.place_withdraw)
        hooks.checkout_panel("groupbuy", panels.checkout_panel)
        hooks.share_token_owner("groupbuy", selectors.share_owners)
        catalog_hooks.product_panel("groupbuy", panels.product_panel)
        converter("groupbuy_places_left", selectors.places_to_pay_text)
