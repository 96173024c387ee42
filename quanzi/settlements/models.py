"""Settlement tables: one statement per merchant per period ([period_start, period_end) in Asia/Shanghai days) and
its lines, one per paid order line and one per refund, so a merchant can reconcile every fen.

Money is integer fen. Line amounts are signed: a sale is positive, a refund negative; the statement's totals are
sums of its lines (sales_fen = Σ sale amounts, refunds_fen = −Σ refund amounts, commission_fen = Σ line
commission, subsidy_fen = Σ line subsidy, net_fen = Σ line amount + subsidy_fen − commission_fen). The subsidy
(平台补贴) is what the platform paid for on the merchant's lines — platform coupons, points, the red-packet balance
a buyer spent (orders.funding) — paid to the merchant with the sale and taken back, share for share, with a
refund."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from quanzi.settlements.enums import LineKind, StatementStatus


class SettlementStatement(models.Model):
    merchant = models.ForeignKey("catalog.Merchant", on_delete=models.PROTECT, related_name="statements",
                                 verbose_name=_("商家"))
    period_start = models.DateField(_("周期开始（含）"))
    period_end = models.DateField(_("周期结束（不含）"))
    status = models.CharField(_("状态"), max_length=12, choices=StatementStatus.choices,
                              default=StatementStatus.DRAFT, db_index=True)
    sales_fen = models.BigIntegerField(_("销售额（分）"), default=0)
    refunds_fen = models.BigIntegerField(_("退款额（分）"), default=0)
    sales_commission_fen = models.BigIntegerField(_("销售佣金（分）"), default=0)
    commission_returned_fen = models.BigIntegerField(_("退款退回佣金（分）"), default=0)
    commission_fen = models.BigIntegerField(_("平台佣金（分）"), default=0)
    subsidy_fen = models.BigIntegerField(_("平台补贴（分）"), default=0)
    net_fen = models.BigIntegerField(_("应结算（分）"), default=0)
    order_count = models.PositiveIntegerField(_("订单数"), default=0)
    refund_count = models.PositiveIntegerField(_("退款笔数"), default=0)
    generated_at = models.DateTimeField(_("生成时间"))
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("确认人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("结算单")
        verbose_name_plural = _("结算单")
        ordering = ["-period_start", "merchant_id"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "period_start", "period_end"],
                                    name="uniq_statement_merchant_period"),
            models.CheckConstraint(condition=Q(period_end__gt=F("period_start")), name="statement_period_order"),
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.period_start}–{self.period_end}"


class StatementLine(models.Model):
    statement = models.ForeignKey(SettlementStatement, on_delete=models.CASCADE, related_name="lines",
                                  verbose_name=_("结算单"))
    kind = models.CharField(_("类型"), max_length=10, choices=LineKind.choices)
    happened_at = models.DateTimeField(_("发生时间"))
    order_id = models.BigIntegerField(_("订单ID"), db_index=True)
    order_number = models.CharField(_("订单号"), max_length=32)
    order_line_id = models.BigIntegerField(_("订单商品ID"), null=True, blank=True)
    refund_no = models.CharField(_("退款单号"), max_length=64, blank=True, default="")
    title = models.CharField(_("摘要"), max_length=200)
    quantity = models.PositiveIntegerField(_("数量"), default=0)
    amount_fen = models.BigIntegerField(_("金额（分，退款为负）"))
    commission_fen = models.BigIntegerField(_("佣金（分，退回为负）"))
    # what the platform paid for on the line (platform coupons, points, balance), taken back on a refund (negative)
    subsidy_fen = models.BigIntegerField(_("平台补贴（分，退回为负）"), default=0)

    class Meta:
        verbose_name = _("结算明细")
        verbose_name_plural = _("结算明细")
        ordering = ["happened_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.title}"

    @property
    def net_fen(self) -> int:
        return self.amount_fen + self.subsidy_fen - self.commission_fen
