from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RedPacketsConfig(AppConfig):
    name = "quanzi.growth.redpackets"
    label = "growth_redpackets"
    verbose_name = _("红包与余额")

    def ready(self) -> None:
        """Plug into the lower apps' registries (none of them imports this app):

        - `orders.pricing`: spending the balance, in the `points` stage (source `balance`);
        - `orders.hooks`: book the spend inside the checkout transaction; give it back on `cancelled`, and pro
          rata on `refunded`; the checkout page's balance choice;
        - `communities.hooks`: the community's open red packets and the "send a red packet" link;
        - `orders.funding`: the balance spent is the platform's to pay the merchant (settlements)."""
        from quanzi.communities import hooks as community_hooks
        from quanzi.growth.redpackets import jobs, panels, pricing, services  # noqa: F401  (jobs: huey tasks)
        from quanzi.orders import funding, hooks
        from quanzi.orders import pricing as order_pricing

        if pricing.balance_adjuster not in order_pricing.POINTS_ADJUSTERS:
            order_pricing.POINTS_ADJUSTERS.append(pricing.balance_adjuster)
        # the balance a member spends is money the platform holds (the packets were paid to it): settlements pay
        # it to the merchant
        funding.register_platform_funded("growth.redpackets", lambda sources: {pricing.BALANCE_SOURCE} & set(sources))
        hooks.on_checkout("growth.redpackets", services.balance_redeem)
        hooks.on_paid("growth.redpackets", services.on_order_paid)
        hooks.on_cancelled("growth.redpackets", services.on_order_cancelled)
        hooks.on_refunded("growth.redpackets", services.on_order_refunded)
        hooks.checkout_panel("growth.redpackets", panels.checkout_panel)
        community_hooks.community_panel("growth.redpackets", panels.community_panel)
