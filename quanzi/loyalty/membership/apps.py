from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembershipConfig(AppConfig):
    name = "quanzi.loyalty.membership"
    label = "loyalty_membership"
    verbose_name = _("等级与付费会员")

    def ready(self) -> None:
        """Plug into the lower apps' registries (none of them imports this app):

        - `orders.pricing`: who is a member (`MEMBER_CHECKS`: the level's member price, or a paid period); a paid
          plan's extra discount (campaign stage, source `membership:plan`); free shipping (shipping stage: the
          plan's, or the level's threshold);
        - `orders.hooks`: record a paid member's benefit use in the checkout; `paid` starts a bought period,
          `refunded` ends it and reverses growth, `completed` grants the order's growth value;
        - `loyalty.rewards`: the `growth` reward kind."""
        from quanzi.loyalty import rewards
        from quanzi.loyalty.membership import jobs, pricing, services  # noqa: F401  (jobs: huey tasks)
        from quanzi.orders import hooks
        from quanzi.orders import pricing as order_pricing

        if pricing.member_check not in order_pricing.MEMBER_CHECKS:
            order_pricing.MEMBER_CHECKS.append(pricing.member_check)
        if pricing.plan_discount not in order_pricing.CAMPAIGN_ADJUSTERS:
            order_pricing.CAMPAIGN_ADJUSTERS.append(pricing.plan_discount)
        if pricing.free_shipping not in order_pricing.SHIPPING_ADJUSTERS:
            order_pricing.SHIPPING_ADJUSTERS.append(pricing.free_shipping)
        hooks.on_checkout("loyalty.membership", services.benefit_record)
        hooks.on_paid("loyalty.membership", services.on_order_paid)
        hooks.on_refunded("loyalty.membership", services.on_order_refunded)
        hooks.on_completed("loyalty.membership", services.on_order_completed)
        rewards.register("growth", services.growth_grant)
