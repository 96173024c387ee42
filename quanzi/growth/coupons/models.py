"""Coupons: a template (what the coupon is worth, where it applies, when it is valid, how many exist and who may
have one), the coupons members hold (one row per coupon claimed or granted), a per-member counter that holds the
per-member limit, the redemptions (which orders a coupon paid for, how much) and the audit rows of every status
change."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from quanzi.core.money import format_yuan
from quanzi.growth.coupons.enums import (
    ChangeReason,
    ClaimMode,
    CouponKind,
    CouponScope,
    CouponSource,
    CouponStatus,
    RedemptionStatus,
    RefundPolicy,
    TemplateStatus,
)


class CouponTemplate(models.Model):
    """What a coupon is: its value, scope, validity and limits. Issued by the platform (`merchant` empty: a
    platform coupon, the platform pays for it) or by a merchant (a shop coupon, limited to that merchant's goods).
    At most one platform coupon and one shop coupon per merchant order (see `growth.coupons.pricing`)."""

    name = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=16, choices=CouponKind.choices)
    # amount off (满减, no threshold); the cap of a percent-off or free-shipping coupon (0: no cap)
    amount_fen = models.PositiveIntegerField(_("面额或封顶（分）"), default=0)
    # percent-off only: the fraction taken off, 0.1500 = 15 % off (八五折)
    discount_rate = models.DecimalField(_("折扣比例"), max_digits=5, decimal_places=4, default=Decimal("0"))
    threshold_fen = models.PositiveIntegerField(_("使用门槛（分）"), default=0)
    scope = models.CharField(_("适用范围"), max_length=16, choices=CouponScope.choices, default=CouponScope.PLATFORM)
    merchant = models.ForeignKey("catalog.Merchant", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("发券商家（空为平台券）"))
    # the community scope's community, and the community whose new members receive an on-join coupon
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("社群"))
    category = models.ForeignKey("catalog.Category", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("类目（含子类目）"))
    products = models.ManyToManyField("catalog.Product", blank=True, related_name="+", verbose_name=_("指定商品"))
    claim_mode = models.CharField(_("发放方式"), max_length=16, choices=ClaimMode.choices, default=ClaimMode.PUBLIC)
    total_quota = models.PositiveIntegerField(_("发行总量"), null=True, blank=True,
                                              help_text=_("留空为不限量"))
    claimed_count = models.PositiveIntegerField(_("已发放"), default=0)
    used_count = models.PositiveIntegerField(_("已使用"), default=0)
    per_member_limit = models.PositiveSmallIntegerField(_("每人限领"), default=1)
    claim_starts_at = models.DateTimeField(_("开始领取"))
    claim_ends_at = models.DateTimeField(_("停止领取"), null=True, blank=True)
    # validity: a fixed window, or N days from the moment a member gets it
    valid_from = models.DateTimeField(_("有效期开始"), null=True, blank=True)
    valid_until = models.DateTimeField(_("有效期结束"), null=True, blank=True)
    valid_days = models.PositiveSmallIntegerField(_("领取后有效天数"), null=True, blank=True)
    refund_policy = models.CharField(_("退款后"), max_length=24, choices=RefundPolicy.choices,
                                     default=RefundPolicy.RETURN_ON_FULL_REFUND)
    status = models.CharField(_("状态"), max_length=10, choices=TemplateStatus.choices,
                              default=TemplateStatus.ACTIVE, db_index=True)
    # limited to an audience a higher app registered (`audiences.py`: personas' "segment" + its id); empty: anyone
    audience_kind = models.CharField(_("限定人群类型"), max_length=20, blank=True, default="")
    audience_ref = models.BigIntegerField(_("限定人群ID"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("优惠券模板")
        verbose_name_plural = _("优惠券模板")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(total_quota__isnull=True) | Q(claimed_count__lte=F("total_quota")),
                                   name="coupon_quota_never_exceeded"),
            models.CheckConstraint(condition=Q(used_count__lte=F("claimed_count")), name="coupon_used_le_claimed"),
            models.CheckConstraint(condition=Q(discount_rate__gte=0) & Q(discount_rate__lt=1),
                                   name="coupon_rate_range"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_platform(self) -> bool:
        return self.merchant_id is None

    @property
    def remaining(self) -> int | None:
        return None if self.total_quota is None else max(0, self.total_quota - self.claimed_count)


class CouponHolding(models.Model):
    """How many coupons of a template a member has received: the per-member limit is held by a conditional update
    of this row (`claimed_count < limit`), never by counting coupons first."""

    template = models.ForeignKey(CouponTemplate, on_delete=models.CASCADE, related_name="holdings",
                                 verbose_name=_("优惠券模板"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("会员"))
    claimed_count = models.PositiveIntegerField(_("已领"), default=0)

    class Meta:
        verbose_name = _("会员领券计数")
        verbose_name_plural = _("会员领券计数")
        constraints = [models.UniqueConstraint(fields=["template", "user"], name="uniq_coupon_holding")]


class Coupon(models.Model):
    """One coupon a member holds. `status` is stored (unused / used); expired and not-yet-valid are read from the
    validity window, so a coupon expires on time without a job."""

    template = models.ForeignKey(CouponTemplate, on_delete=models.PROTECT, related_name="coupons",
                                 verbose_name=_("优惠券模板"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coupons",
                             verbose_name=_("会员"))
    status = models.CharField(_("状态"), max_length=10, choices=CouponStatus.choices, default=CouponStatus.UNUSED,
                              db_index=True)
    source = models.CharField(_("来源"), max_length=16, choices=CouponSource.choices, default=CouponSource.CLAIM)
    # a rule's or a grant batch's reference: the same one never gives the same member a second coupon
    grant_ref = models.CharField(_("发放批次"), max_length=64, blank=True, default="")
    valid_from = models.DateTimeField(_("生效时间"))
    valid_until = models.DateTimeField(_("过期时间"), db_index=True)
    claimed_at = models.DateTimeField(_("领取时间"), auto_now_add=True)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    checkout_id = models.BigIntegerField(_("结算单ID"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("会员优惠券")
        verbose_name_plural = _("会员优惠券")
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["template", "user", "grant_ref"], condition=~Q(grant_ref=""),
                                    name="uniq_coupon_grant_ref"),
            models.CheckConstraint(condition=Q(valid_until__gt=F("valid_from")), name="coupon_validity_order"),
        ]

    def __str__(self) -> str:
        return f"{self.template.name} #{self.pk}"


class CouponRedemption(models.Model):
    """What a coupon paid for in one order (a platform coupon spread over a checkout of several merchants has one
    row per order). Void once that order is cancelled unpaid, or fully refunded under a template that returns the
    coupon; the coupon itself comes back when none of its redemptions is active any more."""

    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="redemptions",
                               verbose_name=_("优惠券"))
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="+", verbose_name=_("订单"))
    checkout_id = models.BigIntegerField(_("结算单ID"))
    amount_fen = models.PositiveIntegerField(_("优惠金额（分）"))
    status = models.CharField(_("状态"), max_length=10, choices=RedemptionStatus.choices,
                              default=RedemptionStatus.ACTIVE)
    void_reason = models.CharField(_("退回原因"), max_length=24, choices=ChangeReason.choices, blank=True,
                                   default="")
    created_at = models.DateTimeField(_("核销时间"), auto_now_add=True)
    voided_at = models.DateTimeField(_("退回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("优惠券核销")
        verbose_name_plural = _("优惠券核销")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["coupon", "order"], name="uniq_coupon_redemption")]

    def __str__(self) -> str:
        return f"{self.coupon} · {format_yuan(self.amount_fen)}"


class CouponStatusChange(models.Model):
    coupon = models.ForeignKey(Coupon, on_delete=models.CASCADE, related_name="status_changes",
                               verbose_name=_("优惠券"))
    from_status = models.CharField(_("原状态"), max_length=10)
    to_status = models.CharField(_("新状态"), max_length=10)
    reason = models.CharField(_("原因"), max_length=24, choices=ChangeReason.choices)
    ref = models.CharField(_("关联"), max_length=64, blank=True, default="")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("优惠券状态记录")
        verbose_name_plural = _("优惠券状态记录")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"


class CouponTemplateStatusChange(models.Model):
    template = models.ForeignKey(CouponTemplate, on_delete=models.CASCADE, related_name="status_changes",
                                 verbose_name=_("优惠券模板"))
    from_status = models.CharField(_("原状态"), max_length=10)
    to_status = models.CharField(_("新状态"), max_length=10)
    reason = models.CharField(_("原因"), max_length=24, choices=ChangeReason.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("优惠券模板状态记录")
        verbose_name_plural = _("优惠券模板状态记录")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"


class CouponPacket(models.Model):
    """A coupon packet (券包) posted into a community: `shares` coupons of one template, one per member, first come
    first served, until `expires_at`. Works like a red packet but pays in coupons: the template's quota and
    per-member limit still hold at every claim."""

    template = models.ForeignKey(CouponTemplate, on_delete=models.PROTECT, related_name="packets",
                                 verbose_name=_("券模板"))
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("社群"))
    funder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("发券包的人"))
    shares = models.PositiveIntegerField(_("份数"))
    claimed_count = models.PositiveIntegerField(_("已领份数"), default=0)
    greeting = models.CharField(_("祝福语"), max_length=40, blank=True, default="")
    expires_at = models.DateTimeField(_("截止时间"), db_index=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("券包")
        verbose_name_plural = _("券包")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(shares__gte=1), name="coupon_packet_shares_ge_1"),
            models.CheckConstraint(condition=Q(claimed_count__lte=F("shares")), name="coupon_packet_claims_le_shares"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.greeting}".strip()

    @property
    def shares_left(self) -> int:
        return max(0, self.shares - self.claimed_count)


class CouponPacketClaim(models.Model):
    packet = models.ForeignKey(CouponPacket, on_delete=models.CASCADE, related_name="claims", verbose_name=_("券包"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("领取人"))
    coupon = models.OneToOneField(Coupon, on_delete=models.PROTECT, related_name="+", verbose_name=_("优惠券"))
    created_at = models.DateTimeField(_("领取时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("券包领取")
        verbose_name_plural = _("券包领取")
        constraints = [models.UniqueConstraint(fields=["packet", "user"], name="uniq_coupon_packet_claim")]

    def __str__(self) -> str:
        return f"{self.packet} · {self.user}"
