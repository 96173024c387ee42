from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LotteriesConfig(AppConfig):
    name = "quanzi.loyalty.lotteries"
    label = "loyalty_lotteries"
    verbose_name = _("抽奖")

    def ready(self) -> None:
        """Plug into the lower apps' registries (none of them imports this app):

        - `orders.hooks`: a paid order of a buyers' lottery's product gives its buyer one number (`on_paid`); a
          full refund before the draw revokes it (`on_refunded`);
        - `communities.hooks`: the community's lotteries and the organiser's "new lottery" link."""
        from quanzi.communities import hooks as community_hooks
        from quanzi.loyalty.lotteries import jobs, panels, services  # noqa: F401  (jobs: huey tasks)
        from quanzi.orders import hooks

        hooks.on_paid("loyalty.lotteries", services.on_order_paid)
        hooks.on_refunded("loyalty.lotteries", services.on_order_refunded)
        community_hooks.community_panel("loyalty.lotteries", panels.community_panel)
