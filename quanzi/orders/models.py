"""Order tables: addresses, shipping templates, carts, checkout sessions, orders and their lines, the status audit,
shipments and refund bookkeeping. Money is integer fen."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quanzi.core.messages import shown
from quanzi.core.money import format_yuan
from quanzi.orders.enums import OrderStatus, ShippingMode


class Address(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses",
                             verbose_name=_("用户"))
    name = models.CharField(_("收货人"), max_length=40)
    phone = models.CharField(_("手机号"), max_length=20)
    province = models.CharField(_("省"), max_length=20)
    city = models.CharField(_("市"), max_length=20)
    district = models.CharField(_("区县"), max_length=20)
    detail = models.CharField(_("详细地址"), max_length=200)
    is_default = models.BooleanField(_("默认地址"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("收货地址")
        verbose_name_plural = _("收货地址")
        ordering = ["-is_default", "-id"]

    def __str__(self) -> str:
        return f"{self.name} {self.city}{self.district}"

    @property
    def full_text(self) -> str:
        return f"{self.province}{self.city}{self.district}{self.detail}"


class ShippingTemplate(models.Model):
    """One fee rule per merchant: first unit fee + each additional unit, free at or above a threshold."""

    merchant = models.OneToOneField("catalog.Merchant", on_delete=models.CASCADE, related_name="shipping_template",
                                    verbose_name=_("商家"))
    mode = models.CharField(_("计费方式"), max_length=10, choices=ShippingMode.choices, default=ShippingMode.PIECE)
    first_units = models.PositiveIntegerField(_("首件/首重（件或克）"), default=1)
    first_fee_fen = models.PositiveIntegerField(_("首费（分）"), default=0)
    additional_units = models.PositiveIntegerField(_("续件/续重（件或克）"), default=1)
    additional_fee_fen = models.PositiveIntegerField(_("续费（分）"), default=0)
    free_threshold_fen = models.PositiveIntegerField(_("包邮门槛（分）"), null=True, blank=True)

    class Meta:
        verbose_name = _("运费模板")
        verbose_name_plural = _("运费模板")

    def __str__(self) -> str:
        return f"{self.merchant} · {self.get_mode_display()}"


class Cart(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cart",
                                verbose_name=_("用户"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("购物车")
        verbose_name_plural = _("购物车")


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items", verbose_name=_("购物车"))
    sku = models.ForeignKey("catalog.Sku", on_delete=models.CASCADE, related_name="+", verbose_name=_("SKU"))
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    price_seen_fen = models.PositiveIntegerField(_("加购时单价（分）"), default=0)
    created_at = models.DateTimeField(_("加入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("购物车商品")
        verbose_name_plural = _("购物车商品")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["cart", "sku"], name="uniq_cart_sku")]

    def __str__(self) -> str:
        return f"{self.sku} × {self.quantity}"


class CheckoutSession(models.Model):
    """One checkout: groups the per-merchant orders it produced. Its idempotency key makes a replay return the
    first result."""

    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="checkouts",
                              verbose_name=_("买家"))
    idempotency_key = models.CharField(_("幂等键"), max_length=64)
    # sha256 of what was asked (items, address, options, note, expected total): a replay of the key with another
    # body is refused instead of answered with this checkout ("" on checkouts placed before it was recorded)
    request_fingerprint = models.CharField(_("请求指纹"), max_length=64, blank=True, default="")
    total_fen = models.PositiveIntegerField(_("应付合计（分）"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("结算单")
        verbose_name_plural = _("结算单")
        constraints = [models.UniqueConstraint(fields=["buyer", "idempotency_key"], name="uniq_checkout_key")]

    def __str__(self) -> str:
        return f"#{self.pk} · {self.buyer} · {format_yuan(self.total_fen)}"


class Order(models.Model):
    number = models.CharField(_("订单号"), max_length=32, unique=True)
    checkout = models.ForeignKey(CheckoutSession, on_delete=models.PROTECT, related_name="orders",
                                 verbose_name=_("结算单"))
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders",
                              verbose_name=_("买家"))
    merchant = models.ForeignKey("catalog.Merchant", on_delete=models.PROTECT, related_name="orders",
                                 verbose_name=_("商家"))
    status = models.CharField(_("状态"), max_length=20, choices=OrderStatus.choices,
                              default=OrderStatus.PENDING_PAYMENT, db_index=True)
    # address snapshot
    ship_name = models.CharField(_("收货人"), max_length=40)
    ship_phone = models.CharField(_("手机号"), max_length=20)
    ship_address = models.CharField(_("收货地址"), max_length=300)
    # money (fen)
    goods_fen = models.PositiveIntegerField(_("商品原价合计（分）"), default=0)
    discount_fen = models.PositiveIntegerField(_("优惠合计（分）"), default=0)
    shipping_fen = models.PositiveIntegerField(_("运费（分）"), default=0)
    payable_fen = models.PositiveIntegerField(_("应付（分）"), default=0)
    paid_fen = models.PositiveIntegerField(_("已付（分）"), default=0)
    refunded_fen = models.PositiveIntegerField(_("已退（分）"), default=0)
    commission_fen = models.PositiveIntegerField(_("平台佣金（分）"), default=0)
    payment_ref = models.CharField(_("支付流水"), max_length=64, blank=True, default="")
    note = models.CharField(_("买家备注"), max_length=200, blank=True, default="")
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True, default="")
    # ours (expired, cancelled by the buyer) as a message (core.messages); a reason the buyer typed is text
    cancel_message_id = models.CharField(_("取消原因消息"), max_length=60, blank=True, default="")
    cancel_params = models.JSONField(_("取消原因参数"), default=dict, blank=True)
    expires_at = models.DateTimeField(_("支付截止"), null=True, blank=True, db_index=True)
    paid_at = models.DateTimeField(_("付款时间"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("发货时间"), null=True, blank=True, db_index=True)
    delivered_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    stock_released = models.BooleanField(_("库存已释放"), default=False)
    # every line is a virtual good (catalog `Fulfilment.VIRTUAL`): no address, nothing to ship, delivered on payment
    is_virtual = models.BooleanField(_("虚拟订单"), default=False)
    created_at = models.DateTimeField(_("下单时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("订单")
        verbose_name_plural = _("订单")
        ordering = ["-id"]
        indexes = [models.Index(fields=["buyer", "status"]), models.Index(fields=["merchant", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(refunded_fen__lte=models.F("paid_fen")),
                                   name="order_refund_not_above_paid"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def display_cancel_reason(self) -> str:
        return shown(self.cancel_reason, self.cancel_message_id, self.cancel_params)


class OrderLine(models.Model):
    """One SKU in an order: snapshots, the price waterfall amounts, the commission and the closed-loop credit."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("订单"))
    sku = models.ForeignKey("catalog.Sku", on_delete=models.PROTECT, related_name="+", verbose_name=_("SKU"))
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("商品"))
    title = models.CharField(_("商品标题"), max_length=120)
    spec = models.JSONField(_("规格"), default=dict, blank=True)
    return_exemption = models.CharField(_("七天无理由例外"), max_length=20, default="none")
    quantity = models.PositiveIntegerField(_("数量"))
    unit_price_fen = models.PositiveIntegerField(_("单价（分）"))
    list_fen = models.PositiveIntegerField(_("原价小计（分）"))
    member_discount_fen = models.PositiveIntegerField(_("会员优惠（分）"), default=0)
    campaign_discount_fen = models.PositiveIntegerField(_("活动优惠（分）"), default=0)
    coupon_discount_fen = models.PositiveIntegerField(_("优惠券（分）"), default=0)
    points_discount_fen = models.PositiveIntegerField(_("积分抵扣（分）"), default=0)
    shipping_fen = models.PositiveIntegerField(_("运费分摊（分）"), default=0)
    goods_payable_fen = models.PositiveIntegerField(_("商品实付（分）"), default=0)
    payable_fen = models.PositiveIntegerField(_("实付（分）"), default=0)
    commission_fen = models.PositiveIntegerField(_("平台佣金（分）"), default=0)
    refunded_fen = models.PositiveIntegerField(_("已退（分）"), default=0)
    cancelled_quantity = models.PositiveIntegerField(_("发货前取消数量"), default=0)
    # closed-loop credit (last touch within the attribution window)
    share_token = models.CharField(_("分享码"), max_length=32, blank=True, default="")
    post_id = models.BigIntegerField(_("帖子ID"), null=True, blank=True, db_index=True)
    sharer_id = models.BigIntegerField(_("分享人ID"), null=True, blank=True, db_index=True)
    kol_id = models.BigIntegerField(_("达人ID"), null=True, blank=True, db_index=True)
    community_id = models.BigIntegerField(_("社群ID"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("订单商品")
        verbose_name_plural = _("订单商品")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(refunded_fen__lte=models.F("payable_fen")),
                                   name="order_line_refund_not_above_payable"),
            models.CheckConstraint(condition=Q(cancelled_quantity__lte=models.F("quantity")),
                                   name="order_line_cancel_not_above_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.title} × {self.quantity}"

    @property
    def quantity_to_ship(self) -> int:
        return int(self.quantity - self.cancelled_quantity)


class OrderStatusChange(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_changes",
                              verbose_name=_("订单"))
    from_status = models.CharField(_("原状态"), max_length=20, blank=True, default="")
    to_status = models.CharField(_("新状态"), max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    reason = models.CharField(_("说明"), max_length=200, blank=True, default="")
    message_id = models.CharField(_("消息"), max_length=60, blank=True, default="")
    params = models.JSONField(_("消息参数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("订单状态记录")
        verbose_name_plural = _("订单状态记录")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"

    @property
    def display_text(self) -> str:
        """The reason in the reader's language (ours), or as typed (a carrier and tracking number)."""
        return shown(self.reason, self.message_id, self.params)


class Shipment(models.Model):
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="shipment", verbose_name=_("订单"))
    carrier = models.CharField(_("快递公司"), max_length=40)
    tracking_no = models.CharField(_("运单号"), max_length=40)
    shipped_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("发货人"))
    created_at = models.DateTimeField(_("发货时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("发货单")
        verbose_name_plural = _("发货单")

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_no}"


class TrackingEvent(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events",
                                 verbose_name=_("发货单"))
    happened_at = models.DateTimeField(_("时间"))
    location = models.CharField(_("地点"), max_length=60, blank=True, default="")
    description = models.CharField(_("描述"), max_length=200)
    message_id = models.CharField(_("消息"), max_length=60, blank=True, default="")
    params = models.JSONField(_("消息参数"), default=dict, blank=True)

    class Meta:
        verbose_name = _("物流轨迹")
        verbose_name_plural = _("物流轨迹")
        ordering = ["-happened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.happened_at:%Y-%m-%d %H:%M} {self.location}"

    @property
    def display_text(self) -> str:
        """Ours ("商家已发货") in the reader's language; a step the merchant or carrier wrote, as written."""
        return shown(self.description, self.message_id, self.params)


class OrderPayment(models.Model):
    """Every payment that reached the order, one row per payment reference (a replay finds it). `applied` is
    False for money the order could not take (cancelled, or already paid), which payments refunds."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments_received",
                              verbose_name=_("订单"))
    payment_ref = models.CharField(_("支付流水"), max_length=64, unique=True)
    amount_fen = models.PositiveIntegerField(_("金额（分）"))
    applied = models.BooleanField(_("已用于付款"), default=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("收款记录")
        verbose_name_plural = _("收款记录")

    def __str__(self) -> str:
        return f"{self.payment_ref} · {format_yuan(self.amount_fen)}"


class OrderRefund(models.Model):
    """Refund bookkeeping on the order, one row per refund reference (idempotent)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("订单"))
    refund_ref = models.CharField(_("退款单号"), max_length=64, unique=True)
    amount_fen = models.PositiveIntegerField(_("金额（分）"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("退款记录")
        verbose_name_plural = _("退款记录")

    def __str__(self) -> str:
        return f"{self.refund_ref} · {format_yuan(self.amount_fen)}"


class OrderRefundLine(models.Model):
    """How one refund booked on the order splits over its lines (append-only; the lines' `refunded_fen` is the
    sum of these rows)."""

    refund = models.ForeignKey(OrderRefund, on_delete=models.PROTECT, related_name="lines", verbose_name=_("退款记录"))
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="refund_lines",
                                   verbose_name=_("订单商品"))
    amount_fen = models.PositiveIntegerField(_("金额（分）"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("退款分摊")
        verbose_name_plural = _("退款分摊")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["refund", "order_line"], name="uniq_refund_line")]

    def __str__(self) -> str:
        return f"{self.order_line} · {format_yuan(self.amount_fen)}"


class OrderLineCancellation(models.Model):
    """Units of a line cancelled before shipment (their stock returned), one row per line and reference; a
    replay of the same reference finds its rows and changes nothing. Append-only."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="line_cancellations",
                              verbose_name=_("订单"))
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="cancellations",
                                   verbose_name=_("订单商品"))
    quantity = models.PositiveIntegerField(_("数量"))
    ref = models.CharField(_("业务单号"), max_length=64)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("发货前取消")
        verbose_name_plural = _("发货前取消")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["ref", "order_line"], name="uniq_line_cancel_ref"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="line_cancel_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order_line} × {self.quantity}"


class OrderLineAdjustment(models.Model):
    """What one source took off one line at checkout (stage `member`, `campaign`, `coupon`, `points`,
    `shipping`; source such as `coupon:12` or `groupbuy:7`), so refunds, commissions and reports know which coupon
    or campaign paid for what. Written once at placement; the line's stage amounts are their sums."""

    order_line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="adjustments",
                                   verbose_name=_("订单商品"))
    stage = models.CharField(_("环节"), max_length=16)
    source = models.CharField(_("来源"), max_length=64)
    label = models.CharField(_("说明"), max_length=80, blank=True, default="")
    amount_fen = models.PositiveIntegerField(_("金额（分）"))

    class Meta:
        verbose_name = _("订单优惠明细")
        verbose_name_plural = _("订单优惠明细")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["order_line", "stage", "source"], name="uniq_line_adjustment"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="line_adjustment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.label} · {format_yuan(self.amount_fen)}"


class OrderHold(models.Model):
    """A plug-in holds a paid order from shipping (a group-buy that has not filled yet), with a reason the buyer
    and the merchant both see, until it releases it. One active hold per order and source."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="holds", verbose_name=_("订单"))
    source = models.CharField(_("来源"), max_length=64)
    reason = models.CharField(_("原因"), max_length=200)
    message_id = models.CharField(_("消息"), max_length=60, blank=True, default="")
    params = models.JSONField(_("消息参数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    released_at = models.DateTimeField(_("解除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("暂缓发货")
        verbose_name_plural = _("暂缓发货")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["order", "source"], condition=Q(released_at__isnull=True),
                                               name="uniq_active_order_hold")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"

    @property
    def display_text(self) -> str:
        """The reason in the reader's language when the plug-in gave one of our messages."""
        return shown(self.reason, self.message_id, self.params)


class OrderMoment(models.Model):
    """A moment of an order's life (paid, cancelled, refunded, completed, shipped, delivered), written in the
    transaction of the change that made it; unique per order, kind and reference, so it happens once. `done_at` is
    set when every hook registered for it ran (orders.hooks)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="moments", verbose_name=_("订单"))
    kind = models.CharField(_("时刻"), max_length=16)
    ref = models.CharField(_("业务单号"), max_length=64, blank=True, default="")
    amount_fen = models.PositiveIntegerField(_("金额（分）"), default=0)
    payload = models.JSONField(_("明细"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    done_at = models.DateTimeField(_("处理完成"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("订单时刻")
        verbose_name_plural = _("订单时刻")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["order", "kind", "ref"], name="uniq_order_moment")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"


class OrderMomentRun(models.Model):
    """One hook's run for one moment, written in the same transaction as the hook's own writes."""

    moment = models.ForeignKey(OrderMoment, on_delete=models.CASCADE, related_name="runs", verbose_name=_("时刻"))
    hook = models.CharField(_("插件"), max_length=80)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("订单时刻处理")
        verbose_name_plural = _("订单时刻处理")
        constraints = [models.UniqueConstraint(fields=["moment", "hook"], name="uniq_moment_hook_run")]
