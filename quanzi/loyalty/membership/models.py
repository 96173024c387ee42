"""Levels (会员等级) from growth value (成长值), and paid membership (付费会员).

Growth value is a ledger: `GrowthEntry` rows, append-only, each with a unique `key` naming the business fact
(`order:<id>` for a completed order, `refund:<moment id>` for its reversal, `task:first_post:42` for a task's
reward), so a fact pays once however often it is retried. `MemberAccount` is one row per member: the lock anchor
of that member's growth and paid periods, and a cache of their growth total (moved by `F()` in the transaction of
each entry; the ledger is the truth and a test checks they agree).

A member's level is the highest active `Level` whose threshold their growth reaches, read from the table now (an
operator moving a threshold moves members at once); `MemberAccount.level` is the last level the member was told
about (so an upgrade is announced once, with a `LevelChange` audit row).

Paid membership: a `Plan` is sold as a virtual SKU through the normal order and payment flow; each paid plan line
starts a `MembershipPeriod`, stacked after the member's current one. A refund of the line ends it."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from quanzi.core.money import format_yuan
from quanzi.loyalty.membership.enums import GrowthKind, PeriodStatus, PlanKind, RefundAfterUse


class Level(models.Model):
    """One level of the operator's table: a growth threshold and the benefits it gives."""

    name = models.CharField(_("等级名称"), max_length=20, unique=True)
    threshold = models.PositiveIntegerField(_("成长值门槛"), unique=True)
    member_price = models.BooleanField(_("享受会员价"), default=False,
                                       help_text=_("商品设置了会员价时，按会员价结算"))
    # None: no free shipping from the level; 0: every parcel ships free
    free_shipping_threshold_fen = models.PositiveIntegerField(
        _("包邮门槛（分）"), null=True, blank=True, help_text=_("同一商家商品实付满此金额免运费；留空为不包邮，0 为全部包邮"))
    monthly_coupons = models.ManyToManyField("growth_coupons.CouponTemplate", blank=True, related_name="+",
                                             verbose_name=_("每月礼券"),
                                             help_text=_("每月 1 日给本等级会员各发一张"))
    birthday_coupons = models.ManyToManyField("growth_coupons.CouponTemplate", blank=True, related_name="+",
                                              verbose_name=_("生日礼券"),
                                              help_text=_("会员生日当天（同意保存生日的会员）各发一张"))
    description = models.CharField(_("说明"), max_length=200, blank=True, default="")
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("会员等级")
        verbose_name_plural = _("会员等级")
        ordering = ["threshold"]

    def __str__(self) -> str:
        return self.name


class MemberAccount(models.Model):
    """One row per member: the row their growth grants and paid periods lock, and the cached totals."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("会员"))
    growth = models.IntegerField(_("成长值（缓存）"), default=0)
    level = models.ForeignKey(Level, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("已通知的等级"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("会员账户")
        verbose_name_plural = _("会员账户")

    def __str__(self) -> str:
        return str(self.user)


class GrowthEntry(models.Model):
    """One movement of growth value: + earned, - reversed. Never updated nor deleted."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("会员"))
    amount = models.IntegerField(_("成长值"))
    kind = models.CharField(_("类型"), max_length=16, choices=GrowthKind.choices)
    key = models.CharField(_("业务键"), max_length=100, unique=True)
    order_id = models.BigIntegerField(_("订单"), null=True, blank=True, db_index=True)
    reason = models.CharField(_("说明"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("成长值明细")
        verbose_name_plural = _("成长值明细")
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "-id"])]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="mb_growth_amount_nonzero")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()} {self.amount:+d}"


class LevelChange(models.Model):
    """The audit row of a member's level moving (up on growth, down when a refund reverses growth)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("会员"))
    from_level = models.ForeignKey(Level, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("原等级"))
    to_level = models.ForeignKey(Level, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("新等级"))
    growth = models.IntegerField(_("当时成长值"))
    entry = models.ForeignKey(GrowthEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("引起变化的明细"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("等级变更")
        verbose_name_plural = _("等级变更")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.from_level} → {self.to_level}"


class Plan(models.Model):
    """A paid membership plan (圈子PLUS 月卡、年卡) or the free trial. A paid plan is sold as a virtual SKU
    (`sku_id`, made by `catalog.services.virtual_sku_ensure` with the key `membership:plan:<id>`)."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=30)
    kind = models.CharField(_("类型"), max_length=10, choices=PlanKind.choices)
    days = models.PositiveIntegerField(_("天数"), validators=[MinValueValidator(1), MaxValueValidator(3660)])
    price_fen = models.PositiveIntegerField(_("价格（分）"), default=0, help_text=_("试用为 0"))
    extra_discount_percent = models.PositiveSmallIntegerField(
        _("额外折扣（%）"), default=0, validators=[MaxValueValidator(30)],
        help_text=_("会员价之后再减商品实付的百分比，例如 5 即 95 折；0 为不打折"))
    free_shipping = models.BooleanField(_("包邮"), default=True)
    full_refund_days = models.PositiveSmallIntegerField(_("无理由全额退款天数"), default=7,
                                                        help_text=_("付款后此天数内且未使用任何会员权益，可全额退款"))
    refund_after_use = models.CharField(_("超期或已使用后的退款"), max_length=10, choices=RefundAfterUse.choices,
                                        default=RefundAfterUse.PRO_RATA)
    sku_id = models.BigIntegerField(_("虚拟商品 SKU"), null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("在售"), default=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("付费会员方案")
        verbose_name_plural = _("付费会员方案")
        ordering = ["sort", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind="trial", price_fen=0) | (~Q(kind="trial") & Q(price_fen__gte=1)),
                                   name="mb_plan_trial_free_paid_priced"),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipPeriod(models.Model):
    """One stretch of paid membership: a bought plan line (`key` = `order-line:<line id>`) or the trial
    (`trial:<user id>`, so once per member). Periods of one member are contiguous: a renewal starts where the
    last one ends. A refund ends the period now (or drops it, if it had not started) and pulls the later ones
    forward by what it took away."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("会员"))
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="periods", verbose_name=_("方案"))
    key = models.CharField(_("业务键"), max_length=64, unique=True)
    status = models.CharField(_("状态"), max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.ACTIVE)
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"), db_index=True)
    order_id = models.BigIntegerField(_("订单"), null=True, blank=True, db_index=True)
    order_line_id = models.BigIntegerField(_("订单商品"), null=True, blank=True)
    paid_fen = models.PositiveIntegerField(_("实付（分）"), default=0)
    refunded_fen = models.PositiveIntegerField(_("已退（分）"), default=0)
    created_at = models.DateTimeField(_("开通时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("会员期")
        verbose_name_plural = _("会员期")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["user", "status", "ends_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=F("starts_at")), name="mb_period_ends_after_start"),
            models.CheckConstraint(condition=Q(refunded_fen__lte=F("paid_fen")), name="mb_period_refund_le_paid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.plan} · {self.get_status_display()}"


class PeriodChange(models.Model):
    """The audit row of a period: started, ended by a refund, moved forward when an earlier one was refunded."""

    period = models.ForeignKey(MembershipPeriod, on_delete=models.CASCADE, related_name="changes",
                               verbose_name=_("会员期"))
    from_status = models.CharField(_("原状态"), max_length=10, blank=True, default="")
    to_status = models.CharField(_("新状态"), max_length=10)
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("会员期变更")
        verbose_name_plural = _("会员期变更")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"


class BenefitUse(models.Model):
    """An order that took a paid member's benefit (member price a level alone would not give, the plan's extra
    discount, its free shipping) while a paid period was running: it decides the refund rule of that period.
    Written in the checkout transaction; an order cancelled unpaid does not count."""

    period = models.ForeignKey(MembershipPeriod, on_delete=models.CASCADE, related_name="uses",
                               verbose_name=_("会员期"))
    order_id = models.BigIntegerField(_("订单"), unique=True)
    amount_fen = models.PositiveIntegerField(_("节省（分）"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("会员权益使用")
        verbose_name_plural = _("会员权益使用")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.period} · {format_yuan(self.amount_fen)}"
