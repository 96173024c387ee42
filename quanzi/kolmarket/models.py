"""The KOL marketplace (达人广场): the KOLs listed in the directory with their figures, the merchant↔KOL
cooperation deals with their products, status history and ledger, and the orders credited under a deal.

- `KolProfile`: a KOL's listing (they list themselves) with the figures the directory filters and sorts on,
  computed from the apps below by `selectors.kol_figures` and cached on the row (`stats_at`): the directory is a
  plain indexed query, whatever the number of KOLs.
- `Deal`: one cooperation; its terms (products, commission rate, fixed fee, period, deliverables, message) are the
  latest proposed — the merchant's, or the KOL's counter. Every status move is a conditional update plus a
  `DealStatusChange` row carrying the terms at that moment (core.statemachine).
- `DealCredit`: an order line credited to the deal's KOL on a deal product within the period, written at the
  order's `paid` moment (the same rule the commission override answers with).
- `DealEntry`: the append-only deal ledger (unique `reference`): the fixed fee and the platform's service fees."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quanzi.core.money import format_yuan
from quanzi.kolmarket.enums import DealStatus, EntryKind

RATE_MAX = Decimal("0.5")  # the distribution rates' legal range (referrals.distribution.rules.RATE_MAX)


class KolProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("达人"))
    bio = models.CharField(_("合作介绍"), max_length=200, blank=True, default="")
    listed = models.BooleanField(_("在达人广场展示"), default=True, db_index=True)
    # where accepted deals put their products: a community the KOL may pick products for
    shelf_community = models.ForeignKey("communities.Community", on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+", verbose_name=_("货架社群"))
    # the cached figures (selectors.kol_figures); rates are in basis points (1/10000), integers
    verticals = models.CharField(_("垂类"), max_length=200, blank=True, default="")  # "|beauty|food|"
    community_ids = models.CharField(_("所在社群"), max_length=500, blank=True, default="")  # "|3|7|"
    followers = models.PositiveIntegerField(_("粉丝数"), default=0, db_index=True)
    posts_90d = models.PositiveIntegerField(_("近90天帖子"), default=0)
    engagement_bp = models.PositiveIntegerField(_("互动率（万分比）"), default=0, db_index=True)
    favourite_bp = models.PositiveIntegerField(_("收藏率（万分比）"), default=0)
    avg_interactions = models.PositiveIntegerField(_("篇均互动"), default=0)
    orders_30d = models.PositiveIntegerField(_("近30天带货订单"), default=0)
    gmv_30d_fen = models.BigIntegerField(_("近30天带货成交额（分）"), default=0, db_index=True)
    audience = models.JSONField(_("粉丝画像"), default=list, blank=True)  # [[label, share_bp], ...] top first
    audience_text = models.CharField(_("粉丝画像标签"), max_length=500, blank=True, default="")  # "|label|..."
    stats_at = models.DateTimeField(_("数据更新时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("入驻时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("达人广场达人")
        verbose_name_plural = _("达人广场达人")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def engagement_pct(self) -> str:
        return f"{self.engagement_bp // 100}.{self.engagement_bp % 100:02d}%"

    @property
    def favourite_pct(self) -> str:
        return f"{self.favourite_bp // 100}.{self.favourite_bp % 100:02d}%"


class Deal(models.Model):
    merchant = models.ForeignKey("catalog.Merchant", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("商家"))
    kol = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                            verbose_name=_("达人"))
    status = models.CharField(_("状态"), max_length=12, choices=DealStatus.choices, default=DealStatus.PROPOSED,
                              db_index=True)
    commission_rate = models.DecimalField(_("佣金比例"), max_digits=5, decimal_places=4)
    fixed_fee_fen = models.PositiveIntegerField(_("固定合作费（分）"), default=0)
    starts_on = models.DateField(_("合作开始"))
    ends_on = models.DateField(_("合作结束"))
    posts_required = models.PositiveSmallIntegerField(_("约定种草帖数"), default=0)
    lives_required = models.PositiveSmallIntegerField(_("约定直播场次"), default=0)
    message = models.CharField(_("留言"), max_length=300, blank=True, default="")
    expires_at = models.DateTimeField(_("回复截止"))
    service_fee_rate = models.DecimalField(_("平台服务费率"), max_digits=5, decimal_places=4, default=Decimal(0))
    shelf_community = models.ForeignKey("communities.Community", on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+", verbose_name=_("上架社群"))
    accepted_at = models.DateTimeField(_("达成时间"), null=True, blank=True)
    service_fee_fen = models.BigIntegerField(_("已计平台服务费（分）"), default=0)  # the ledger's sum, cached
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("达人合作")
        verbose_name_plural = _("达人合作")
        indexes = [models.Index(fields=["kol", "status", "starts_on", "ends_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(commission_rate__gte=0) & Q(commission_rate__lte=RATE_MAX),
                                   name="kolmarket_deal_rate_range"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="kolmarket_deal_period"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.merchant} × {self.kol}"

    @property
    def rate_pct(self) -> str:
        return f"{(self.commission_rate * 100).normalize():f}%"

    @property
    def fixed_fee_yuan(self) -> str:
        return format_yuan(self.fixed_fee_fen)


class DealProduct(models.Model):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="products", verbose_name=_("合作"))
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("商品"))

    class Meta:
        verbose_name = _("合作商品")
        verbose_name_plural = _("合作商品")
        constraints = [models.UniqueConstraint(fields=["deal", "product"], name="uniq_kolmarket_deal_product")]

    def __str__(self) -> str:
        return f"#{self.deal_id} {self.product}"


class DealStatusChange(models.Model):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("合作"))
    from_status = models.CharField(_("原状态"), max_length=12, blank=True, default="")
    to_status = models.CharField(_("新状态"), max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    note = models.CharField(_("说明"), max_length=300, blank=True, default="")  # what the person typed
    terms = models.JSONField(_("当时条款"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("合作状态记录")
        verbose_name_plural = _("合作状态记录")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"#{self.deal_id} {self.from_status}→{self.to_status}"

    @property
    def to_label(self) -> str:
        return str(DealStatus(self.to_status).label) if self.to_status in DealStatus.values else self.to_status


class DealCredit(models.Model):
    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="credits", verbose_name=_("合作"))
    order_id = models.BigIntegerField(_("订单ID"), db_index=True)
    order_line_id = models.BigIntegerField(_("订单行ID"), unique=True)
    product_id = models.BigIntegerField(_("商品ID"))
    goods_payable_fen = models.BigIntegerField(_("商品实付（分）"))
    paid_at = models.DateTimeField(_("付款时间"))

    class Meta:
        verbose_name = _("合作成交")
        verbose_name_plural = _("合作成交")

    def __str__(self) -> str:
        return f"#{self.deal_id} line {self.order_line_id}"


class DealEntry(models.Model):
    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="entries", verbose_name=_("合作"))
    kind = models.CharField(_("类型"), max_length=20, choices=EntryKind.choices)
    amount_fen = models.BigIntegerField(_("金额（分）"))
    base_fen = models.BigIntegerField(_("计费基数（分）"), default=0)
    reference = models.CharField(_("唯一参考"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("合作账目")
        verbose_name_plural = _("合作账目")

    def __str__(self) -> str:
        return f"#{self.deal_id} {self.get_kind_display()} {format_yuan(self.amount_fen)}"
