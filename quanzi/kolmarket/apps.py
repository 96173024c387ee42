from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KolMarketConfig(AppConfig):
    name = "quanzi.kolmarket"
    label = "kolmarket"
    verbose_name = _("达人广场")

    def ready(self) -> None:
        """Plug into the registries of the apps below (none of them imports this app):

        - `referrals.distribution.overrides.kol_rate`: the agreed rate of an accepted deal is the KOL's commission
          rate on its products over its period;
        - `orders.hooks`: at `paid`, record the lines credited to a KOL under a deal; at `completed`, book the
          platform's service fee on the commission they earned (final by then);
        - `ads.revenue.revenue_line("service_fees")`: the platform's service fees, from the deal ledger (total from
          the deals' cached counters)."""
        from quanzi.ads.revenue import revenue_line
        from quanzi.kolmarket import jobs, selectors, services  # noqa: F401  (jobs: huey tasks)
        from quanzi.orders import hooks
        from quanzi.referrals.distribution import overrides

        overrides.kol_rate("kolmarket", selectors.agreed_kol_rate)
        hooks.on_paid("kolmarket", services.on_order_paid)
        hooks.on_completed("kolmarket", services.on_order_completed)
        revenue_line("service_fees", label=_("达人合作服务费"), order=45, by_day=selectors.service_fees_by_day,
                     ledger_total=selectors.service_fees_total)
