"""Payment tables: payments (one per attempt to pay an order), combined payments (one gateway trade for the orders
of one checkout), the gateway callback log, refunds.

Money is integer fen. `Payment.refunded_fen` counts every refund that is pending, processing or succeeded; it
only moves by conditional updates, and a database check keeps it at or below the amount paid.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from quanzi.core.messages import shown
from quanzi.payments.enums import (
    CallbackKind,
    CallbackResult,
    GatewayName,
    PaymentStatus,
    ReconciliationStatus,
    RefundKind,
    RefundStatus,
)


class CombinedPayment(models.Model):
    """One gateway trade paying several orders of one checkout at once (合单支付). The gateway sees only this
    number and the total; each order keeps its own `Payment` (a child, `Payment.combined`), so refunds, after-sales
    and settlement work per order as before. A verified notification of the trade books every child once."""

    combined_no = models.CharField(_("合单支付单号"), max_length=32, unique=True)
    payer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="combined_payments",
                              verbose_name=_("付款人"))
    checkout = models.ForeignKey("orders.CheckoutSession", on_delete=models.PROTECT,
                                 related_name="combined_payments", verbose_name=_("结算单"))
    gateway = models.CharField(_("支付方式"), max_length=16, choices=GatewayName.choices)
    kind = models.CharField(_("支付场景"), max_length=16, blank=True, default="")
    amount_fen = models.PositiveIntegerField(_("合计金额（分）"))
    # CREATED, SUCCEEDED or CLOSED (refunds are per child payment)
    status = models.CharField(_("状态"), max_length=16, choices=PaymentStatus.choices,
                              default=PaymentStatus.CREATED, db_index=True)
    gateway_txn_id = models.CharField(_("渠道交易号"), max_length=64, null=True, blank=True)
    client_data = models.JSONField(_("客户端支付参数"), default=dict, blank=True)
    next_query_at = models.DateTimeField(_("下次查单"), null=True, blank=True, db_index=True)
    queries = models.PositiveIntegerField(_("查单次数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    paid_at = models.DateTimeField(_("支付时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("合单支付")
        verbose_name_plural = _("合单支付")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="combined_amount_positive"),
            models.UniqueConstraint(fields=["gateway", "gateway_txn_id"], name="uniq_combined_gateway_txn"),
        ]

    def __str__(self) -> str:
        return self.combined_no

    @property
    def payment_no(self) -> str:
        """The number the gateway sees, under the name a payment has it (the sandbox cashier shows either)."""
        return self.combined_no


class CombinedPaymentStatusChange(models.Model):
    """Audit row of every combined payment move (payments.rules.COMBINED_TRANSITIONS)."""

    combined = models.ForeignKey(CombinedPayment, on_delete=models.CASCADE, related_name="status_changes",
                                 verbose_name=_("合单支付"))
    from_status = models.CharField(_("原状态"), max_length=16)
    to_status = models.CharField(_("新状态"), max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    message_id = models.CharField(_("消息"), max_length=60, blank=True, default="")
    params = models.JSONField(_("消息参数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("合单支付状态记录")
        verbose_name_plural = _("合单支付状态记录")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"

    @property
    def display_text(self) -> str:
        return shown(self.note, self.message_id, self.params)


class Payment(models.Model):
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="payments",
                              verbose_name=_("订单"))
    # set on an order's share of a combined trade: the gateway knows the combined number, never this one
    combined = models.ForeignKey(CombinedPayment, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="children", verbose_name=_("合单支付"))
    payer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments",
                              verbose_name=_("付款人"))
    payment_no = models.CharField(_("支付单号"), max_length=32, unique=True)
    gateway = models.CharField(_("支付方式"), max_length=16, choices=GatewayName.choices)
    amount_fen = models.PositiveIntegerField(_("金额（分）"))
    refunded_fen = models.PositiveIntegerField(_("已退及退款中（分）"), default=0)
    status = models.CharField(_("状态"), max_length=16, choices=PaymentStatus.choices,
                              default=PaymentStatus.CREATED, db_index=True)
    gateway_txn_id = models.CharField(_("渠道交易号"), max_length=64, null=True, blank=True)
    client_data = models.JSONField(_("客户端支付参数"), default=dict, blank=True)
    # how the buyer pays through the gateway (PaymentKind: jsapi, native, h5, wap, page, qr ...)
    kind = models.CharField(_("支付场景"), max_length=16, blank=True, default="")
    # the order-query job asks the gateway about an unpaid payment at this time (backing off), until it is final
    next_query_at = models.DateTimeField(_("下次查单"), null=True, blank=True, db_index=True)
    queries = models.PositiveIntegerField(_("查单次数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    paid_at = models.DateTimeField(_("支付时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("支付单")
        verbose_name_plural = _("支付单")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=Q(refunded_fen__lte=F("amount_fen")),
                                   name="payment_refunds_not_above_amount"),
            models.UniqueConstraint(fields=["gateway", "gateway_txn_id"], name="uniq_payment_gateway_txn"),
        ]

    def __str__(self) -> str:
        return self.payment_no

    @property
    def refundable_fen(self) -> int:
        if self.status not in (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED):
            return 0
        return self.amount_fen - self.refunded_fen


class PaymentCallback(models.Model):
    """Every notification a gateway sent, verified or not. (gateway, notify_id) is unique: a redelivery of the
    same notification finds the first row, returns its result and only counts the delivery."""

    gateway = models.CharField(_("支付方式"), max_length=16, choices=GatewayName.choices)
    kind = models.CharField(_("通知类型"), max_length=16, choices=CallbackKind.choices, default=CallbackKind.PAYMENT)
    notify_id = models.CharField(_("通知ID"), max_length=128, null=True, blank=True)
    payment = models.ForeignKey(Payment, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="callbacks", verbose_name=_("支付单"))
    combined = models.ForeignKey(CombinedPayment, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="callbacks", verbose_name=_("合单支付"))
    out_trade_no = models.CharField(_("商户支付单号"), max_length=64, blank=True, default="")
    gateway_txn_id = models.CharField(_("渠道交易号"), max_length=64, blank=True, default="")
    amount_fen = models.PositiveIntegerField(_("通知金额（分）"), null=True, blank=True)
    raw_body = models.TextField(_("原始报文"), blank=True, default="")
    headers = models.JSONField(_("签名相关请求头"), default=dict, blank=True)
    verified = models.BooleanField(_("验签通过"), default=False)
    result = models.CharField(_("处理结果"), max_length=16, choices=CallbackResult.choices)
    error_code = models.CharField(_("错误码"), max_length=64, blank=True, default="")
    deliveries = models.PositiveIntegerField(_("收到次数"), default=1)
    created_at = models.DateTimeField(_("首次收到"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("最近收到"), auto_now=True)

    class Meta:
        verbose_name = _("支付回调")
        verbose_name_plural = _("支付回调日志")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["gateway", "notify_id"], name="uniq_callback_notify")]

    def __str__(self) -> str:
        return f"{self.gateway}:{self.notify_id or '-'} {self.result}"


class Refund(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds",
                                verbose_name=_("支付单"))
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="payment_refunds",
                              verbose_name=_("订单"))
    refund_no = models.CharField(_("退款单号"), max_length=64, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=RefundKind.choices, default=RefundKind.AFTER_SALES)
    amount_fen = models.PositiveIntegerField(_("金额（分）"))
    # in the site's language (what the gateway is sent); ours is also kept as a message (core.messages)
    reason = models.CharField(_("原因"), max_length=200, blank=True, default="")
    reason_message_id = models.CharField(_("原因消息"), max_length=60, blank=True, default="")
    reason_params = models.JSONField(_("原因参数"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=RefundStatus.choices,
                              default=RefundStatus.PENDING, db_index=True)
    gateway_refund_id = models.CharField(_("渠道退款单号"), max_length=64, blank=True, default="")
    error_code = models.CharField(_("失败原因码"), max_length=64, blank=True, default="")
    error_message = models.CharField(_("失败说明"), max_length=200, blank=True, default="")
    book_on_order = models.BooleanField(_("退款成功后记入订单"), default=True)
    # how the refund splits over the order's lines (order line id -> fen), booked on the order with it, once
    lines = models.JSONField(_("分摊到订单商品"), default=dict, blank=True)
    attempts = models.PositiveIntegerField(_("提交次数"), default=0)
    # a processing refund is asked about (refund query) at this time, backing off, until the gateway says final
    next_query_at = models.DateTimeField(_("下次查询"), null=True, blank=True, db_index=True)
    queries = models.PositiveIntegerField(_("查询次数"), default=0)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("发起人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("退款单")
        verbose_name_plural = _("退款单")
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gt=0), name="refund_amount_positive")]

    def __str__(self) -> str:
        return self.refund_no

    @property
    def display_reason(self) -> str:
        return shown(self.reason, self.reason_message_id, self.reason_params)


class PaymentStatusChange(models.Model):
    """Audit row of every payment move (payments.rules.PAYMENT_TRANSITIONS)."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="status_changes",
                                verbose_name=_("支付单"))
    from_status = models.CharField(_("原状态"), max_length=16)
    to_status = models.CharField(_("新状态"), max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    message_id = models.CharField(_("消息"), max_length=60, blank=True, default="")
    params = models.JSONField(_("消息参数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("支付状态记录")
        verbose_name_plural = _("支付状态记录")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"

    @property
    def display_text(self) -> str:
        return shown(self.note, self.message_id, self.params)


class RefundStatusChange(models.Model):
    """Audit row of every refund move (payments.rules.REFUND_TRANSITIONS)."""

    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="status_changes",
                               verbose_name=_("退款单"))
    from_status = models.CharField(_("原状态"), max_length=16)
    to_status = models.CharField(_("新状态"), max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    message_id = models.CharField(_("消息"), max_length=60, blank=True, default="")
    params = models.JSONField(_("消息参数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("退款状态记录")
        verbose_name_plural = _("退款状态记录")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"

    @property
    def display_text(self) -> str:
        """Ours in the reader's language; a gateway's error message as the gateway sent it."""
        return shown(self.note, self.message_id, self.params)


class Reconciliation(models.Model):
    """One gateway's trade bill (交易账单) for one day compared with our payments and refunds of that day."""

    gateway = models.CharField(_("支付方式"), max_length=16, choices=GatewayName.choices)
    bill_date = models.DateField(_("账单日期"))
    status = models.CharField(_("结果"), max_length=16, choices=ReconciliationStatus.choices)
    bill_rows = models.PositiveIntegerField(_("账单笔数"), default=0)
    our_rows = models.PositiveIntegerField(_("本地笔数"), default=0)
    # [{"kind": "missing_here" | "missing_there" | "amount" | "status", "ref": ..., "ours": ..., "theirs": ...}]
    differences = models.JSONField(_("差异"), default=list, blank=True)
    error = models.CharField(_("错误"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("对账报告")
        verbose_name_plural = _("对账报告")
        ordering = ["-bill_date", "gateway"]
        constraints = [models.UniqueConstraint(fields=["gateway", "bill_date"], name="uniq_reconciliation_day")]

    def __str__(self) -> str:
        return f"{self.gateway} {self.bill_date}"
