"""Advertising bought by merchants.

Money: a merchant's ad balance is a ledger (`AdLedgerEntry`, append-only, one unique `reference` per movement):
+ top-ups (paid at the cashier as a platform virtual good), − the budget a campaign reserves when it is submitted
for review, + what a campaign did not spend when it is rejected or ends. The balance is the sum of the entries;
`AdAccount` is the row a reservation locks, so two submissions of one merchant cannot both spend the same yuan.

Spend: a campaign's `spent_fen` moves only by a conditional update that checks the budget (`services._bill`),
and every fen of it is one `AdEvent` row's `charge_fen` (a billed impression or click, unique `key`), written in
the same transaction. So `spent_fen <= budget_fen` and `spent_fen == sum(charge_fen)` hold under any concurrency.
The platform's ad revenue is the sum of the charges."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from quanzi.ads.enums import Billing, CampaignStatus, EventKind, LedgerKind, Placement, TopUpStatus
from quanzi.core.money import format_yuan


class AdAccount(models.Model):
    """The lock anchor of one merchant's ad balance (no amount here: the balance is the sum of the entries)."""

    merchant = models.OneToOneField("catalog.Merchant", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("商家"))
    created_at = models.DateTimeField(_("开户时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("广告账户")
        verbose_name_plural = _("广告账户")

    def __str__(self) -> str:
        return str(self.merchant)


class AdLedgerEntry(models.Model):
    """One movement of a merchant's ad balance: + a top-up or a released rest, − a reserved budget."""

    merchant = models.ForeignKey("catalog.Merchant", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("商家"))
    amount_fen = models.IntegerField(_("金额（分）"))
    kind = models.CharField(_("类型"), max_length=10, choices=LedgerKind.choices)
    reference = models.CharField(_("业务单号"), max_length=80, unique=True)
    campaign = models.ForeignKey("AdCampaign", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("广告计划"))
    order_id = models.BigIntegerField(_("支付订单"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("广告余额明细")
        verbose_name_plural = _("广告余额明细")
        ordering = ["-id"]
        indexes = [models.Index(fields=["merchant", "-id"])]
        constraints = [models.CheckConstraint(condition=~Q(amount_fen=0), name="ads_ledger_amount_nonzero")]

    def __str__(self) -> str:
        return f"{self.merchant} · {self.get_kind_display()} · {format_yuan(self.amount_fen)}"


class AdTopUp(models.Model):
    """A top-up waiting for (or paid by) its order: a platform virtual good at the top-up's amount."""

    merchant = models.ForeignKey("catalog.Merchant", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("商家"))
    amount_fen = models.PositiveIntegerField(_("金额（分）"))
    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("支付订单"))
    status = models.CharField(_("状态"), max_length=20, choices=TopUpStatus.choices,
                              default=TopUpStatus.AWAITING_PAYMENT)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    paid_at = models.DateTimeField(_("到账时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("广告充值")
        verbose_name_plural = _("广告充值")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.merchant} · {format_yuan(self.amount_fen)}"


class AdCampaign(models.Model):
    """A merchant's campaign: one placement, a budget reserved from the ad balance, a schedule, one creative
    (image, title, and a target: a product or a path inside the site), optional targeting (a community or a
    persona segment), CPM or CPC billing. Shown only while `active` (approved by an operator) and in schedule."""

    merchant = models.ForeignKey("catalog.Merchant", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("商家"))
    name = models.CharField(_("计划名称"), max_length=40)
    placement = models.CharField(_("广告位"), max_length=10, choices=Placement.choices)
    billing = models.CharField(_("计费方式"), max_length=4, choices=Billing.choices)
    # CPM: fen per thousand impressions; CPC: fen per click
    price_fen = models.PositiveIntegerField(_("出价（分）"))
    budget_fen = models.PositiveIntegerField(_("预算（分）"))
    spent_fen = models.PositiveIntegerField(_("已消耗（分）"), default=0)
    # impressions (CPM) or clicks (CPC) billed so far: spent = floor(billed_units × price / unit)
    billed_units = models.PositiveIntegerField(_("已计费次数"), default=0)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"), db_index=True)
    frequency_cap = models.PositiveSmallIntegerField(_("每人每天最多展示"), default=3)
    # the creative
    title = models.CharField(_("广告标题"), max_length=40)
    image = models.ImageField(_("广告图"), upload_to="ads/")
    target_product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("推广商品"))
    target_path = models.CharField(_("落地页（站内路径）"), max_length=200, blank=True, default="")
    # targeting (empty: everyone)
    target_community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, null=True,
                                         blank=True, related_name="+", verbose_name=_("定向社群"))
    target_segment_id = models.BigIntegerField(_("定向人群"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=CampaignStatus.choices,
                              default=CampaignStatus.DRAFT, db_index=True)
    # each submission reserves the budget once (`reserve:<id>:<n>`) and gives back the rest once (`release:…`)
    submissions = models.PositiveIntegerField(_("提交次数"), default=0)
    review_note = models.CharField(_("审核说明"), max_length=200, blank=True, default="")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("审核人"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("广告计划")
        verbose_name_plural = _("广告计划")
        ordering = ["-id"]
        indexes = [models.Index(fields=["placement", "status", "ends_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(spent_fen__lte=F("budget_fen")), name="ads_spent_le_budget"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="ads_ends_after_start"),
            models.CheckConstraint(condition=Q(price_fen__gte=1), name="ads_price_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def remaining_fen(self) -> int:
        return self.budget_fen - self.spent_fen

    @property
    def is_targeted(self) -> bool:
        return self.target_community_id is not None or self.target_segment_id is not None


class AdEvent(models.Model):
    """A shown ad (impression) or a click on one, and what it was billed (0 for what the billing does not charge:
    a CPC campaign's impression, a CPM campaign's click). `key` is unique (`imp:<token>`, `click:<token>`), so a
    retried impression or a second click on one impression is never billed twice."""

    campaign = models.ForeignKey(AdCampaign, on_delete=models.PROTECT, related_name="events",
                                 verbose_name=_("广告计划"))
    kind = models.CharField(_("类型"), max_length=10, choices=EventKind.choices)
    key = models.CharField(_("幂等键"), max_length=48, unique=True)
    token = models.CharField(_("展示码"), max_length=32, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("会员"))
    placement = models.CharField(_("广告位"), max_length=10, choices=Placement.choices)
    charge_fen = models.PositiveIntegerField(_("计费（分）"), default=0)
    created_at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        verbose_name = _("广告展示与点击")
        verbose_name_plural = _("广告展示与点击")
        ordering = ["-id"]
        indexes = [models.Index(fields=["campaign", "kind", "created_at"]),
                   models.Index(fields=["user", "kind", "created_at"])]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.get_kind_display()}"


class AdFrequency(models.Model):
    """How many times a member saw a campaign on one day (Asia/Shanghai): the frequency cap's counter, moved by a
    conditional update."""

    campaign = models.ForeignKey(AdCampaign, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("广告计划"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("会员"))
    day = models.DateField(_("日期"))
    shown = models.PositiveIntegerField(_("展示次数"), default=0)

    class Meta:
        verbose_name = _("广告频次")
        verbose_name_plural = _("广告频次")
        constraints = [models.UniqueConstraint(fields=["campaign", "user", "day"], name="ads_frequency_unique")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.day} · {self.shown}"


class AdConversion(models.Model):
    """An order credited to a campaign: paid by a member who clicked one of its ads within the attribution window
    before paying (the latest click wins), for the campaign's product (or, for a campaign with a landing path, any
    of the merchant's goods in the order). One per order."""

    campaign = models.ForeignKey(AdCampaign, on_delete=models.PROTECT, related_name="conversions",
                                 verbose_name=_("广告计划"))
    click = models.ForeignKey(AdEvent, on_delete=models.PROTECT, related_name="+", verbose_name=_("点击"))
    order_id = models.BigIntegerField(_("订单"), unique=True)
    amount_fen = models.PositiveIntegerField(_("归因成交额（分）"))
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("广告归因订单")
        verbose_name_plural = _("广告归因订单")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.campaign} → #{self.order_id}"
