from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouponsConfig(AppConfig):
    name = "quanzi.growth.coupons"
    label = "growth_coupons"
    verbose_name = _("优惠券")

    def ready(self) -> None:
        """Plug into the lower apps' registries (none of them imports this app):

        - `orders.pricing`: the shop coupons, then the platform coupon (coupon stage, in that order), then free
          shipping (shipping stage);
        - `orders.hooks`: redeem inside the checkout transaction; return on `cancelled`; return after a full
          refund (`refunded`) when the template says so; the first-order coupons on `paid`; the checkout page's
          coupon picker and its proposal (the best combination);
        - `catalog.hooks`: coupons to claim on the product page;
        - `communities.hooks`: the welcome coupons on joining, and the community's coupons on its pages;
        - `orders.funding`: platform coupons are the platform's to pay the merchant (settlements)."""
        from quanzi.catalog import hooks as catalog_hooks
        from quanzi.communities import hooks as community_hooks
        from quanzi.growth.coupons import panels, pricing, selectors, services
        from quanzi.orders import funding, hooks
        from quanzi.orders import pricing as order_pricing

        for registry, adjusters in ((order_pricing.COUPON_ADJUSTERS, (pricing.shop_coupons, pricing.platform_coupon)),
                                    (order_pricing.SHIPPING_ADJUSTERS, (pricing.free_shipping,))):
            for adjuster in adjusters:
                if adjuster not in registry:
                    registry.append(adjuster)
        funding.register_platform_funded("growth.coupons", selectors.platform_coupon_sources)
        hooks.on_checkout("growth.coupons", services.coupons_redeem)
        hooks.on_cancelled("growth.coupons", services.on_order_cancelled)
        hooks.on_refunded("growth.coupons", services.on_order_refunded)
        hooks.on_paid("growth.coupons", services.grant_on_first_order)
        hooks.checkout_panel("growth.coupons", panels.checkout_panel)
        hooks.checkout_defaults("growth.coupons", selectors.checkout_defaults)
        catalog_hooks.product_panel("growth.coupons", panels.product_panel)
        community_hooks.on_member_joined("growth.coupons", services.grant_on_join)
        community_hooks.community_panel("growth.coupons", panels.community_panel)
        community_hooks.community_panel("growth.coupons.packets", panels.community_packets_panel)
