from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    name = "quanzi.loyalty.points"
    label = "loyalty_points"
    verbose_name = _("积分")

    def ready(self) -> None:
        """Plug into the lower apps' registries (none of them imports this app):

        - `orders.pricing`: redeeming points, in the `points` stage (source `points`);
        - `orders.hooks`: book the redemption inside the checkout transaction; give it back on `cancelled`, pro
          rata on `refunded` (and claw back what a refunded order earned); earn on `completed`; the checkout
          page's points choice;
        - `loyalty.rewards`: the "points" reward (tasks, check-in streaks, invitations call `points_grant`)."""
        from quanzi.loyalty import rewards
        from quanzi.loyalty.points import jobs, panels, pricing, services  # noqa: F401  (jobs: huey tasks)
        from quanzi.orders import funding, hooks
        from quanzi.orders import pricing as order_pricing

        if pricing.points_adjuster not in order_pricing.POINTS_ADJUSTERS:
            order_pricing.POINTS_ADJUSTERS.append(pricing.points_adjuster)
        # points are the platform's currency: what they take off a line, the platform pays the merchant
        funding.register_platform_funded("loyalty.points", lambda sources: {pricing.POINTS_SOURCE} & set(sources))
        hooks.on_checkout("loyalty.points", services.points_redeem)
        hooks.on_cancelled("loyalty.points", services.on_order_cancelled)
        hooks.on_refunded("loyalty.points", services.on_order_refunded)
        hooks.on_completed("loyalty.points", services.on_order_completed)
        hooks.checkout_panel("loyalty.points", panels.checkout_panel)
        rewards.register("points", services.points_grant)
