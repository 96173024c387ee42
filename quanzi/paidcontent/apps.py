from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaidContentConfig(AppConfig):
    name = "quanzi.paidcontent"
    label = "paidcontent"
    verbose_name = _("知识付费")

    def ready(self) -> None:
        """Plug into the lower apps' registries (none of them imports this app):

        - `orders.hooks`: a purchase's `paid` moment opens it, `refunded` and `cancelled` close it;
        - `settlements.selectors.commission_elsewhere`: paid content's commission is its own revenue line, so the
          goods' commission line leaves those orders out (each fen counted once in the revenue mix);
        - `ads.revenue.revenue_line("paid_content")`: the platform's share per day, reconciled with the purchases."""
        from quanzi.ads.revenue import revenue_line
        from quanzi.orders import hooks
        from quanzi.paidcontent import jobs, selectors, services  # noqa: F401  (jobs: huey tasks)
        from quanzi.settlements.selectors import commission_elsewhere

        hooks.on_paid("paidcontent", services.on_order_paid)
        hooks.on_refunded("paidcontent", services.on_order_refunded)
        hooks.on_cancelled("paidcontent", services.on_order_cancelled)
        commission_elsewhere("paidcontent", selectors.paid_order_ids)
        revenue_line("paid_content", label=_("知识付费"), order=40,
                     by_day=lambda since: selectors.revenue_by_day(since=since),
                     ledger_total=selectors.revenue_total)
        from quanzi.content import hooks as content_hooks

        content_hooks.card_annotation("paidcontent", selectors.card_annotations)
