"""Flash-sale tables: sessions (time slots), the SKUs in them with their allotment, per-member counters, and one
reservation per flash-sale order (the database's record of who holds which unit).

How the allotment relates to the SKU's stock (catalog's ledger, `StockReason.ALLOT` / `UNALLOT`):

- scheduling a session moves each item's `allotment` out of `Sku.stock` (so normal sales cannot take those units);
- a flash-sale checkout puts the units it buys back into `Sku.stock` just before the order reserves them, in the
  same transaction (`orders.hooks.before_stock_reserve`), so the order holds and releases stock like any other;
- an order cancelled or expired unpaid returns its unit to `Sku.stock` (orders does that); the cancelled moment
  then moves it out again into the allotment (or, when a normal sale took it in between, shrinks the allotment
  by it: a unit is never counted twice);
- ending the session (by hand, or its end time passing) returns what is left (`allotment - reserved`) to stock.

So at any moment: units set aside = `allotment - reserved`, and they are in no SKU's stock and in no order.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from quanzi.catalog.models import Merchant, Sku
from quanzi.core.messages import shown
from quanzi.growth.flashsale.enums import ReservationStatus, SessionStatus, TicketStatus
from quanzi.orders.models import CheckoutSession, Order


class FlashSession(models.Model):
    """A time slot (e.g. 今晚 20:00 场). Platform-wide when `merchant` is empty (operators run it), else a merchant's
    own session of its own SKUs."""

    title = models.CharField(_("标题"), max_length=60)
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="flash_sessions", verbose_name=_("商家"))
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"), db_index=True)
    pay_minutes = models.PositiveSmallIntegerField(_("支付时限（分钟）"), default=5)
    status = models.CharField(_("状态"), max_length=12, choices=SessionStatus.choices, default=SessionStatus.DRAFT,
                              db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    ended_at = models.DateTimeField(_("结束于"), null=True, blank=True)

    class Meta:
        verbose_name = _("秒杀场次")
        verbose_name_plural = _("秒杀场次")
        ordering = ["starts_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="flash_session_window")]

    def __str__(self) -> str:
        return self.title


class FlashItem(models.Model):
    """One SKU in a session: its flash price, its allotment and how much of it is held by orders."""

    session = models.ForeignKey(FlashSession, on_delete=models.CASCADE, related_name="items",
                                verbose_name=_("场次"))
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="flash_items", verbose_name=_("SKU"))
    flash_price_fen = models.PositiveIntegerField(_("秒杀价（分）"))
    allotment = models.PositiveIntegerField(_("秒杀名额"))
    # units held by this session's orders (unpaid within their window, or paid); never above the allotment
    reserved = models.PositiveIntegerField(_("已占用"), default=0)
    per_member_limit = models.PositiveSmallIntegerField(_("每人限购"), default=1)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    allotted_at = models.DateTimeField(_("库存锁定于"), null=True, blank=True)  # scheduled: units left stock
    returned_at = models.DateTimeField(_("库存归还于"), null=True, blank=True)  # ended: the rest went back
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("秒杀商品")
        verbose_name_plural = _("秒杀商品")
        ordering = ["session_id", "sort", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "sku"], name="flash_item_once_per_session"),
            models.CheckConstraint(condition=Q(reserved__lte=F("allotment")), name="flash_item_never_oversold"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.sku_id}"

    @property
    def remaining(self) -> int:
        return max(0, self.allotment - self.reserved)


class FlashMemberCount(models.Model):
    """How many units of an item a member holds now (reserved or paid); a cancelled order gives its units back."""

    item = models.ForeignKey(FlashItem, on_delete=models.CASCADE, related_name="member_counts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    units = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("限购计数")
        verbose_name_plural = _("限购计数")
        constraints = [models.UniqueConstraint(fields=["item", "user"], name="flash_member_count_once")]


class FlashReservation(models.Model):
    """The units one flash-sale order holds. Written in the checkout transaction, moved by the order's moments."""

    item = models.ForeignKey(FlashItem, on_delete=models.PROTECT, related_name="reservations",
                             verbose_name=_("秒杀商品"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("买家"))
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="+", verbose_name=_("订单"))
    order_line_id = models.BigIntegerField(_("订单行ID"))
    quantity = models.PositiveIntegerField(_("数量"))
    goods_fen = models.PositiveIntegerField(_("商品应付（分）"))  # the line's goods payable at the flash price
    payable_fen = models.PositiveIntegerField(_("实付（分）"))  # goods + the line's share of shipping
    refunded_fen = models.PositiveIntegerField(_("已退款（分）"), default=0)
    status = models.CharField(_("状态"), max_length=10, choices=ReservationStatus.choices,
                              default=ReservationStatus.RESERVED, db_index=True)
    # False when the order's unit could not go back into the allotment (a normal sale took it first): the allotment
    # shrank by it instead
    returned_to_allotment = models.BooleanField(_("名额已退回"), default=False)
    created_at = models.DateTimeField(_("下单时间"), auto_now_add=True)
    paid_at = models.DateTimeField(_("支付时间"), null=True, blank=True)
    released_at = models.DateTimeField(_("释放时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("秒杀订单")
        verbose_name_plural = _("秒杀订单")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["order", "item"], name="flash_reservation_once_per_order")]

    def __str__(self) -> str:
        return f"{self.item} · {self.user} × {self.quantity}"


class FlashTicket(models.Model):
    """A winner's place in the order queue. With Redis the gate answers the rush: a shopper it lets through gets a
    ticket at once (the unit is already taken in Redis) and a worker places the order (services.ticket_place), so
    the HTTP answer never waits on the sale's hot rows. `(user, idempotency_key)` is unique: a retried buy gets
    its ticket back. The ticket moves queued → placing → placed / failed by conditional updates; its times are
    its record (the order it made has its own audit)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("买家"))
    item = models.ForeignKey(FlashItem, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("秒杀商品"))
    sku_id = models.BigIntegerField(_("SKU ID"))
    quantity = models.PositiveIntegerField(_("数量"))
    address_id = models.BigIntegerField(_("收货地址ID"), null=True, blank=True)
    idempotency_key = models.CharField(_("幂等键"), max_length=64)
    status = models.CharField(_("状态"), max_length=10, choices=TicketStatus.choices, default=TicketStatus.QUEUED,
                              db_index=True)
    checkout = models.ForeignKey(CheckoutSession, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("结算"))
    error_code = models.CharField(_("错误码"), max_length=64, blank=True, default="")
    error_message = models.CharField(_("原因"), max_length=300, blank=True, default="")
    created_at = models.DateTimeField(_("排队时间"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("开始下单"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("秒杀排队")
        verbose_name_plural = _("秒杀排队")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["user", "idempotency_key"], name="flash_ticket_once_per_key")]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.user_id}:{self.get_status_display()}"


class FlashSessionStatusChange(models.Model):
    """Audit row of every session move (core.statemachine)."""

    session = models.ForeignKey(FlashSession, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("原状态"), max_length=12)
    to_status = models.CharField(_("新状态"), max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    message_id = models.CharField(_("消息"), max_length=60, blank=True, default="")
    params = models.JSONField(_("消息参数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("场次状态变更")
        verbose_name_plural = _("场次状态变更")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"

    @property
    def display_note(self) -> str:
        return shown(self.note, self.message_id, self.params)


class FlashReservationStatusChange(models.Model):
    """Audit row of every reservation move (core.statemachine)."""

    reservation = models.ForeignKey(FlashReservation, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("原状态"), max_length=10)
    to_status = models.CharField(_("新状态"), max_length=10)
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    message_id = models.CharField(_("消息"), max_length=60, blank=True, default="")
    params = models.JSONField(_("消息参数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("秒杀订单状态变更")
        verbose_name_plural = _("秒杀订单状态变更")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"
