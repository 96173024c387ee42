"""Distribution commission (分销): the settings, the promoters and their accounts, the commission ledger and the
withdrawals.

The ledger (`CommissionEntry`) is append-only: every movement of a promoter's money is a row with a unique
`reference`, written once however often its cause (an order moment, a retried job) comes again. Each row sits in
a bucket, `pending` (frozen until the order's after-sales window closes) or `available` (withdrawable); moving
money between buckets is two rows, never an edit. `Promoter` is the promoter's account row: the row a withdrawal
and every ledger write lock, with the sums of the ledger cached on it (`pending_fen`, `available_fen`,
`withdrawn_fen`), each moved by `F()` in the transaction of the entry that moves it. The ledger is the truth:
`selectors.ledger_totals` sums it and the tests check the cache agrees.

The three-level cap is a constant (`rules.MAX_LEVELS`) checked in code and by the database (check constraints on
the settings, the per-community override and the entries): no setting can raise it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from quanzi.core.messages import shown
from quanzi.core.money import format_yuan
from quanzi.referrals.distribution.enums import (
    Bucket,
    EntryKind,
    PromoterMode,
    PromoterSource,
    PromoterStatus,
    WithdrawalStatus,
)

HARD_CAP = 3  # rules.MAX_LEVELS; repeated here so the migration's constraints do not import the rules
RATE_MAX = Decimal("0.5")


def _rate(name: Any, **kw: Any) -> models.DecimalField:
    return models.DecimalField(name, max_digits=5, decimal_places=4, **kw)


def _rate_checks(prefix: str, fields: tuple[str, ...]) -> list[models.CheckConstraint]:
    return [models.CheckConstraint(condition=Q(**{f"{f}__isnull": True}) | (Q(**{f"{f}__gte": 0})
                                                                          & Q(**{f"{f}__lte": RATE_MAX})),
                                   name=f"{prefix}_{f}_range") for f in fields]


RATE_FIELDS = ("level1_rate", "level2_rate", "level3_rate", "kol_rate")


class DistributionSettings(models.Model):
    """The platform's distribution settings: one row (id 1), edited by operators in the back office."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    promoter_mode = models.CharField(_("推广员资格"), max_length=16, choices=PromoterMode.choices,
                                     default=PromoterMode.EVERYONE)
    spend_threshold_fen = models.PositiveIntegerField(_("消费门槛（分）"), default=10000)
    levels = models.PositiveSmallIntegerField(_("分佣层级"), default=2,
                                              help_text=_("0 关闭分佣；最多 3 级（法定上限，不可提高）"))
    level1_rate = _rate(_("一级佣金比例"), default=Decimal("0.1000"))
    level2_rate = _rate(_("二级佣金比例"), default=Decimal("0.0500"))
    level3_rate = _rate(_("三级佣金比例"), default=Decimal("0"))
    kol_rate = _rate(_("达人自有货架佣金比例"), default=Decimal("0.1200"))
    sharer_first = models.BooleanField(_("分享人优先"), default=True,
                                       help_text=_("订单来自推广员的分享链接时，一级佣金归分享人，否则归绑定的邀请人"))
    withdraw_min_fen = models.PositiveIntegerField(_("单笔提现下限（分）"), default=1000)
    withdraw_max_fen = models.PositiveIntegerField(_("单笔提现上限（分）"), default=500000)
    withdraw_fee_fen = models.PositiveIntegerField(_("每笔提现手续费（分）"), default=100)
    withdraw_fee_rate = _rate(_("提现手续费比例"), default=Decimal("0"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("分销设置")
        verbose_name_plural = _("分销设置")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="dist_settings_singleton"),
            models.CheckConstraint(condition=Q(levels__lte=HARD_CAP), name="dist_settings_levels_cap"),
            models.CheckConstraint(condition=Q(withdraw_min_fen__gte=1) & Q(withdraw_max_fen__gte=F("withdraw_min_fen"))
                                   & Q(withdraw_min_fen__gt=F("withdraw_fee_fen")), name="dist_settings_withdraw"),
            models.CheckConstraint(condition=Q(withdraw_fee_rate__gte=0) & Q(withdraw_fee_rate__lte=Decimal("0.2")),
                                   name="dist_settings_fee_rate"),
            *_rate_checks("dist_settings", RATE_FIELDS),
        ]

    def __str__(self) -> str:
        return str(_("分销设置"))


class CommunityRule(models.Model):
    """A community's override of the platform settings; an empty field inherits the platform's value."""

    community = models.OneToOneField("communities.Community", on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("社群"))
    promoter_mode = models.CharField(_("推广员资格"), max_length=16, choices=PromoterMode.choices, blank=True,
                                     default="")
    spend_threshold_fen = models.PositiveIntegerField(_("消费门槛（分）"), null=True, blank=True)
    levels = models.PositiveSmallIntegerField(_("分佣层级"), null=True, blank=True)
    level1_rate = _rate(_("一级佣金比例"), null=True, blank=True)
    level2_rate = _rate(_("二级佣金比例"), null=True, blank=True)
    level3_rate = _rate(_("三级佣金比例"), null=True, blank=True)
    kol_rate = _rate(_("达人自有货架佣金比例"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("社群分销规则")
        verbose_name_plural = _("社群分销规则")
        constraints = [
            models.CheckConstraint(condition=Q(levels__isnull=True) | Q(levels__lte=HARD_CAP),
                                   name="dist_community_levels_cap"),
            *_rate_checks("dist_community", RATE_FIELDS),
        ]

    def __str__(self) -> str:
        return str(self.community)


class ProductRate(models.Model):
    """A product's own commission rates (an override of the community's and the platform's)."""

    product = models.OneToOneField("catalog.Product", on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("商品"))
    level1_rate = _rate(_("一级佣金比例"), null=True, blank=True)
    level2_rate = _rate(_("二级佣金比例"), null=True, blank=True)
    level3_rate = _rate(_("三级佣金比例"), null=True, blank=True)
    kol_rate = _rate(_("达人自有货架佣金比例"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("商品佣金比例")
        verbose_name_plural = _("商品佣金比例")
        constraints = [*_rate_checks("dist_product", RATE_FIELDS)]

    def __str__(self) -> str:
        return str(self.product)


class Promoter(models.Model):
    """A promoter (推广员) and their account: the lock anchor of their money, with the ledger's sums cached."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("会员"))
    status = models.CharField(_("状态"), max_length=16, choices=PromoterStatus.choices,
                              default=PromoterStatus.APPLIED)
    source = models.CharField(_("来源"), max_length=16, choices=PromoterSource.choices,
                              default=PromoterSource.APPLIED)
    community = models.ForeignKey("communities.Community", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("指定所在社群"))
    pending_fen = models.BigIntegerField(_("待结算（分）"), default=0)
    available_fen = models.BigIntegerField(_("可提现（分）"), default=0)  # negative after a refund of a withdrawn sum
    withdrawn_fen = models.BigIntegerField(_("已提现（分）"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("推广员")
        verbose_name_plural = _("推广员")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(pending_fen__gte=0), name="dist_promoter_pending_ge_0"),
            models.CheckConstraint(condition=Q(withdrawn_fen__gte=0), name="dist_promoter_withdrawn_ge_0"),
        ]

    def __str__(self) -> str:
        return str(getattr(self.user, "nickname", "") or self.user_id)


class PromoterStatusChange(models.Model):
    promoter = models.ForeignKey(Promoter, on_delete=models.CASCADE, related_name="status_changes",
                                 verbose_name=_("推广员"))
    from_status = models.CharField(_("原状态"), max_length=16, blank=True, default="")
    to_status = models.CharField(_("新状态"), max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    message_id = models.CharField(_("消息"), max_length=60, blank=True, default="")
    params = models.JSONField(_("消息参数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("推广员状态变更")
        verbose_name_plural = _("推广员状态变更")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"

    @property
    def display_note(self) -> str:
        return shown(self.note, self.message_id, self.params)


class Withdrawal(models.Model):
    """A promoter's withdrawal (提现): the amount leaves `available` when requested; a rejection returns it."""

    promoter = models.ForeignKey(Promoter, on_delete=models.PROTECT, related_name="withdrawals",
                                 verbose_name=_("推广员"))
    number = models.CharField(_("提现单号"), max_length=32, unique=True)
    amount_fen = models.PositiveIntegerField(_("提现金额（分）"))
    fee_fen = models.PositiveIntegerField(_("手续费（分）"), default=0)
    payout_fen = models.PositiveIntegerField(_("到账金额（分）"))
    status = models.CharField(_("状态"), max_length=16, choices=WithdrawalStatus.choices,
                              default=WithdrawalStatus.REQUESTED, db_index=True)
    channel = models.CharField(_("打款渠道"), max_length=20, blank=True, default="")
    payout_ref = models.CharField(_("打款流水"), max_length=64, blank=True, default="")
    last_error = models.CharField(_("最近一次打款失败原因"), max_length=200, blank=True, default="")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("审核人"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    paid_at = models.DateTimeField(_("到账时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("佣金提现")
        verbose_name_plural = _("佣金提现")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gte=1) & Q(payout_fen__gte=1)
                                   & Q(amount_fen=F("fee_fen") + F("payout_fen")), name="dist_withdrawal_amounts"),
        ]

    def __str__(self) -> str:
        return self.number


class WithdrawalStatusChange(models.Model):
    withdrawal = models.ForeignKey(Withdrawal, on_delete=models.CASCADE, related_name="status_changes",
                                   verbose_name=_("提现"))
    from_status = models.CharField(_("原状态"), max_length=16, blank=True, default="")
    to_status = models.CharField(_("新状态"), max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    message_id = models.CharField(_("消息"), max_length=60, blank=True, default="")
    params = models.JSONField(_("消息参数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("提现状态变更")
        verbose_name_plural = _("提现状态变更")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"

    @property
    def display_note(self) -> str:
        return shown(self.note, self.message_id, self.params)


class CommissionEntry(models.Model):
    """One movement of a promoter's commission: + in, - out, in one bucket. Never updated nor deleted."""

    promoter = models.ForeignKey(Promoter, on_delete=models.PROTECT, related_name="entries",
                                 verbose_name=_("推广员"))
    kind = models.CharField(_("类型"), max_length=20, choices=EntryKind.choices)
    bucket = models.CharField(_("账户"), max_length=12, choices=Bucket.choices)
    amount_fen = models.BigIntegerField(_("金额（分）"))
    # what caused it, unique: "accrue:<line>:<level>", "reverse:<moment>:<line>:<level>",
    # "release:<line>:<level>:<bucket>", "withdraw:<withdrawal>", "withdraw-return:<withdrawal>"
    reference = models.CharField(_("业务单号"), max_length=80, unique=True)
    order_id = models.BigIntegerField(_("订单ID"), null=True, blank=True, db_index=True)
    order_line_id = models.BigIntegerField(_("订单商品ID"), null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("层级"), null=True, blank=True)
    buyer_id = models.BigIntegerField(_("买家ID"), null=True, blank=True)
    community_id = models.BigIntegerField(_("社群ID"), null=True, blank=True)
    base_fen = models.PositiveIntegerField(_("计佣基数（分）"), null=True, blank=True)
    line_payable_fen = models.PositiveIntegerField(_("商品实付含运费（分）"), null=True, blank=True)
    rate = _rate(_("比例"), null=True, blank=True)
    is_kol = models.BooleanField(_("达人自有货架"), default=False)
    withdrawal = models.ForeignKey(Withdrawal, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("提现"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("佣金明细")
        verbose_name_plural = _("佣金明细")
        ordering = ["-id"]
        indexes = [models.Index(fields=["promoter", "-id"]), models.Index(fields=["order_line_id", "level"])]
        constraints = [
            models.CheckConstraint(condition=~Q(amount_fen=0), name="dist_entry_amount_nonzero"),
            models.CheckConstraint(condition=Q(level__isnull=True) | (Q(level__gte=1) & Q(level__lte=HARD_CAP)),
                                   name="dist_entry_level_cap"),
            # one accrual per order line and level: whatever retries, a line pays each level once
            models.UniqueConstraint(fields=["order_line_id", "level"], condition=Q(kind=EntryKind.ACCRUE),
                                    name="dist_entry_one_accrual_per_line_level"),
        ]

    def __str__(self) -> str:
        return f"{self.promoter} · {self.get_kind_display()} · {format_yuan(self.amount_fen)}"


class RefundSeen(models.Model):
    """What one refund moment refunded of one order line (the cumulative base of the pro rata reversal)."""

    moment_id = models.BigIntegerField(_("订单时刻ID"))
    order_line_id = models.BigIntegerField(_("订单商品ID"))
    fen = models.PositiveIntegerField(_("退款（分）"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("退款记录")
        verbose_name_plural = _("退款记录")
        constraints = [models.UniqueConstraint(fields=["moment_id", "order_line_id"], name="dist_refund_seen_once")]
