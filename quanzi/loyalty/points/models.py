"""Points (积分): an append-only ledger kept in lots, and the points mall.

- `PointsEntry` is the ledger: one row per movement (+ in, - out), never updated nor deleted, each with a unique
  `key` naming the business fact (`earn:order:12`, `redeem:order:34`, `expire:lot:56`, the caller's key of a
  grant ...), so a movement happens once however often its cause is retried.
- `PointsLot` is a parcel of points with its dates: every earn creates one (`amount`, `earned_at`, `expires_at`
  = the end of the year after it was earned, Asia/Shanghai). Its `remaining` is the only number that changes, by
  conditional updates (`remaining >= n`), only downwards.
- `PointsDraw` says which lots a *draw* entry (a spend, a claw-back, an expiry) took from and how much, so a
  cancellation or a refund gives back exactly those points: as new lots with the drawn lot's dates
  (`origin_draw`), never by raising a `remaining` again (a lot is expired once, by its own key).
- `PointsAccount` holds no number: it is the row every drawer of one member locks, so two spends of one member
  are serialised and the member's points can never go below zero.

Invariant (tested with hypothesis): the ledger sum of a member = the sum of their lots' `remaining`; the balance
shown is that sum over the lots not yet past their expiry, which equals it once the expiry job has run.

The mall: `MallItem` (a coupon or goods an operator lists, with stock and a per-member limit held by conditional
updates on `redeemed_count` and `MallMemberCount.count`), `MallRedemption` (what a member got; goods wait for the
operator or merchant to ship them to the address copied from the member's order addresses)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from quanzi.core.messages import shown
from quanzi.loyalty.points.enums import MallItemKind, PointsKind, RedemptionStatus


class PointsAccount(models.Model):
    """The lock anchor of one member's points (no number here: the points are the lots)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("会员"))
    created_at = models.DateTimeField(_("开户时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("积分账户")
        verbose_name_plural = _("积分账户")

    def __str__(self) -> str:
        return str(self.user)


class PointsEntry(models.Model):
    """One movement of a member's points. Never updated nor deleted."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("会员"))
    kind = models.CharField(_("类型"), max_length=20, choices=PointsKind.choices)
    points = models.IntegerField(_("积分"))
    key = models.CharField(_("业务键"), max_length=120, unique=True)
    order_id = models.BigIntegerField(_("订单"), null=True, blank=True, db_index=True)
    # what the granting app says it is for ("连续签到 7 天"), kept as given; the kind's label is shown translated
    reason = models.CharField(_("说明"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("积分明细")
        verbose_name_plural = _("积分明细")
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "-id"])]
        constraints = [models.CheckConstraint(condition=~Q(points=0), name="pts_entry_points_nonzero")]

    def __str__(self) -> str:
        return f"{self.key} {self.points:+d}"


class PointsLot(models.Model):
    """A parcel of points with its dates; spends take from the lot that expires first."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("会员"))
    entry = models.ForeignKey(PointsEntry, on_delete=models.PROTECT, related_name="lots", verbose_name=_("来源明细"))
    amount = models.PositiveIntegerField(_("积分"))
    remaining = models.PositiveIntegerField(_("剩余"))
    earned_at = models.DateTimeField(_("获得时间"))
    expires_at = models.DateTimeField(_("过期时间"))
    # a lot given back by a cancellation or refund: the draw it restores (same dates as the drawn lot)
    origin_draw = models.ForeignKey("PointsDraw", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="restored_lots", verbose_name=_("退回自"))

    class Meta:
        verbose_name = _("积分批次")
        verbose_name_plural = _("积分批次")
        ordering = ["expires_at", "id"]
        indexes = [models.Index(fields=["user", "expires_at"]),
                   models.Index(fields=["expires_at"], condition=Q(remaining__gt=0), name="pts_lot_live_expiry")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=1), name="pts_lot_amount_positive"),
            models.CheckConstraint(condition=Q(remaining__lte=F("amount")), name="pts_lot_remaining_le_amount"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.remaining}/{self.amount}"


class PointsDraw(models.Model):
    """How many points one draw entry took from one lot."""

    entry = models.ForeignKey(PointsEntry, on_delete=models.PROTECT, related_name="draws", verbose_name=_("明细"))
    lot = models.ForeignKey(PointsLot, on_delete=models.PROTECT, related_name="draws", verbose_name=_("批次"))
    points = models.PositiveIntegerField(_("积分"))

    class Meta:
        verbose_name = _("积分扣减来源")
        verbose_name_plural = _("积分扣减来源")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "lot"], name="pts_draw_entry_lot_unique"),
            models.CheckConstraint(condition=Q(points__gte=1), name="pts_draw_points_positive"),
        ]


# --- the points mall (积分商城) --------------------------------------------------------------------------------------


class MallItem(models.Model):
    """Something members buy with points: a coupon (granted at once) or goods the merchant ships."""

    title = models.CharField(_("名称"), max_length=60)
    description = models.CharField(_("简介"), max_length=200, blank=True, default="")
    kind = models.CharField(_("类型"), max_length=10, choices=MallItemKind.choices)
    cost_points = models.PositiveIntegerField(_("所需积分"))
    coupon_template = models.ForeignKey("growth_coupons.CouponTemplate", on_delete=models.PROTECT, null=True,
                                        blank=True, related_name="+", verbose_name=_("优惠券模板"),
                                        help_text=_("类型为优惠券时必填"))
    stock = models.PositiveIntegerField(_("库存"))
    redeemed_count = models.PositiveIntegerField(_("已兑换"), default=0)
    per_member_limit = models.PositiveIntegerField(_("每人限兑"), default=1)
    is_active = models.BooleanField(_("上架"), default=True)
    sort_order = models.IntegerField(_("排序"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("积分商城商品")
        verbose_name_plural = _("积分商城商品")
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(cost_points__gte=1), name="pts_item_cost_positive"),
            models.CheckConstraint(condition=Q(per_member_limit__gte=1), name="pts_item_limit_positive"),
            models.CheckConstraint(condition=Q(redeemed_count__lte=F("stock")), name="pts_item_redeemed_le_stock"),
            models.CheckConstraint(condition=~Q(kind=MallItemKind.COUPON) | Q(coupon_template__isnull=False),
                                   name="pts_item_coupon_has_template"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def left(self) -> int:
        return max(0, self.stock - self.redeemed_count)


class MallMemberCount(models.Model):
    """How many times one member redeemed one item: the per-member limit moves by a conditional update."""

    item = models.ForeignKey(MallItem, on_delete=models.CASCADE, related_name="+", verbose_name=_("商品"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("会员"))
    count = models.PositiveIntegerField(_("次数"), default=0)

    class Meta:
        verbose_name = _("会员兑换次数")
        verbose_name_plural = _("会员兑换次数")
        constraints = [models.UniqueConstraint(fields=["item", "user"], name="pts_member_count_unique")]


class MallRedemption(models.Model):
    """One redemption: the points it cost (its ledger entry) and, for goods, where to ship them."""

    item = models.ForeignKey(MallItem, on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("商品"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("会员"))
    points = models.PositiveIntegerField(_("积分"))
    status = models.CharField(_("状态"), max_length=10, choices=RedemptionStatus.choices)
    # the member's idempotency key (a form's hidden field, the API's `request_key`): a replay returns this row
    request_key = models.CharField(_("请求键"), max_length=64)
    entry = models.OneToOneField(PointsEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("积分明细"))
    ship_name = models.CharField(_("收货人"), max_length=40, blank=True, default="")
    ship_phone = models.CharField(_("手机号"), max_length=20, blank=True, default="")
    ship_address = models.CharField(_("收货地址"), max_length=300, blank=True, default="")
    carrier = models.CharField(_("快递公司"), max_length=40, blank=True, default="")
    tracking_no = models.CharField(_("运单号"), max_length=60, blank=True, default="")
    created_at = models.DateTimeField(_("兑换时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("积分兑换记录")
        verbose_name_plural = _("积分兑换记录")
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "-id"]), models.Index(fields=["status", "id"])]
        constraints = [models.UniqueConstraint(fields=["user", "request_key"], name="pts_redemption_request_unique")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.item_id}"


class MallRedemptionStatusChange(models.Model):
    """The audit row of a redemption's move (pending → shipped / cancelled)."""

    redemption = models.ForeignKey(MallRedemption, on_delete=models.CASCADE, related_name="status_changes",
                                   verbose_name=_("兑换记录"))
    from_status = models.CharField(_("原状态"), max_length=10, blank=True, default="")
    to_status = models.CharField(_("新状态"), max_length=10)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    message_id = models.CharField(_("消息"), max_length=60, blank=True, default="")
    params = models.JSONField(_("消息参数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("兑换状态变更")
        verbose_name_plural = _("兑换状态变更")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"

    @property
    def display_note(self) -> str:
        return shown(self.note, self.message_id, self.params)
