from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistributionConfig(AppConfig):
    name = "quanzi.referrals.distribution"
    label = "referrals_distribution"
    verbose_name = _("分销佣金")

    def ready(self) -> None:
        """Plug into the lower apps' registries (none of them imports this app): `orders.hooks` — accrue pending
        commission on `paid`, reverse it pro rata on `refunded`, release it into available on `completed`."""
        from quanzi.orders import hooks
        from quanzi.referrals.distribution import jobs, services  # noqa: F401  (jobs: huey tasks)

        hooks.on_paid("referrals.distribution", services.on_order_paid)
        hooks.on_refunded("referrals.distribution", services.on_order_refunded)
        hooks.on_completed("referrals.distribution", services.on_order_completed)
