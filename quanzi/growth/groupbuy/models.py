"""Group-buy (拼团) tables: a campaign per SKU, its groups, each group's members (one per order), the audit rows of
campaign and group status moves, and the share links members mint for a group.

The counters of a group (`taken_count`: places held by unpaid or paid members, `paid_count`: places paid) move only
by conditional updates, and the database also refuses `paid_count <= taken_count <= size` being broken; a member is
in at most one open group per campaign (a partial unique constraint on `active`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quanzi.core.messages import shown
from quanzi.growth.groupbuy.enums import CampaignStatus, CloseReason, GroupStatus, MemberRole, MemberStatus

DEFAULT_FILL_MINUTES = 24 * 60


class GroupBuyCampaign(models.Model):
    merchant = models.ForeignKey("catalog.Merchant", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("商家"))
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("商品"))
    sku = models.ForeignKey("catalog.Sku", on_delete=models.PROTECT, related_name="+", verbose_name=_("SKU"))
    title = models.CharField(_("活动名称"), max_length=60)
    group_price_fen = models.PositiveIntegerField(_("拼团价（分）"))
    leader_price_fen = models.PositiveIntegerField(_("团长价（分）"), null=True, blank=True)
    group_size = models.PositiveSmallIntegerField(_("成团人数"))
    fill_minutes = models.PositiveIntegerField(_("成团时限（分钟）"), default=DEFAULT_FILL_MINUTES)
    member_limit = models.PositiveSmallIntegerField(_("每人限购件数（0 为不限）"), default=0)
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("限定社群（空为全平台）"))
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    succeed_at_expiry = models.BooleanField(_("到期未满员也按实际人数成团"), default=False)
    status = models.CharField(_("状态"), max_length=16, choices=CampaignStatus.choices,
                              default=CampaignStatus.ACTIVE, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("拼团活动")
        verbose_name_plural = _("拼团活动")
        ordering = ["-id"]
        indexes = [models.Index(fields=["product", "status"]), models.Index(fields=["merchant", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(group_size__gte=2, group_size__lte=100),
                                   name="groupbuy_size_2_to_100"),
            models.CheckConstraint(condition=Q(group_price_fen__gt=0), name="groupbuy_price_positive"),
            models.CheckConstraint(condition=Q(leader_price_fen__isnull=True)
                                   | Q(leader_price_fen__gt=0, leader_price_fen__lte=F("group_price_fen")),
                                   name="groupbuy_leader_price_at_most_group_price"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="groupbuy_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title


class GroupBuyGroup(models.Model):
    campaign = models.ForeignKey(GroupBuyCampaign, on_delete=models.PROTECT, related_name="groups",
                                 verbose_name=_("活动"))
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("团长"))
    status = models.CharField(_("状态"), max_length=16, choices=GroupStatus.choices, default=GroupStatus.OPEN,
                              db_index=True)
    size = models.PositiveSmallIntegerField(_("成团人数"))
    taken_count = models.PositiveSmallIntegerField(_("已占名额"), default=0)
    paid_count = models.PositiveSmallIntegerField(_("已支付人数"), default=0)
    opened_at = models.DateTimeField(_("开团时间"), default=timezone.now)
    deadline = models.DateTimeField(_("截止时间"), db_index=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    close_reason = models.CharField(_("结束原因"), max_length=24, choices=CloseReason.choices, blank=True,
                                    default="")

    class Meta:
        verbose_name = _("拼团")
        verbose_name_plural = _("拼团")
        ordering = ["-id"]
        indexes = [models.Index(fields=["campaign", "status", "deadline"])]
        constraints = [
            models.CheckConstraint(condition=Q(taken_count__lte=F("size")), name="groupbuy_taken_at_most_size"),
            models.CheckConstraint(condition=Q(paid_count__lte=F("taken_count")),
                                   name="groupbuy_paid_at_most_taken"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.campaign_id}"


class GroupBuyMember(models.Model):
    """One member's place in a group: one per order. `active` while the member is in an open group (reserved or
    paid), so a member is in one open group per campaign at most."""

    group = models.ForeignKey(GroupBuyGroup, on_delete=models.PROTECT, related_name="members",
                              verbose_name=_("拼团"))
    campaign = models.ForeignKey(GroupBuyCampaign, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("活动"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("用户"))
    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("订单"))
    role = models.CharField(_("身份"), max_length=8, choices=MemberRole.choices, default=MemberRole.MEMBER)
    quantity = models.PositiveSmallIntegerField(_("件数"))
    unit_price_fen = models.PositiveIntegerField(_("成交单价（分）"))
    status = models.CharField(_("状态"), max_length=16, choices=MemberStatus.choices,
                              default=MemberStatus.RESERVED, db_index=True)
    active = models.BooleanField(_("在进行中的团里"), default=True)
    via_token = models.CharField(_("来自分享码"), max_length=32, blank=True, default="")
    joined_at = models.DateTimeField(_("参团时间"), default=timezone.now)
    paid_at = models.DateTimeField(_("支付时间"), null=True, blank=True)
    released_at = models.DateTimeField(_("释放时间"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("退款时间"), null=True, blank=True)
    refund_no = models.CharField(_("退款单号"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("拼团成员")
        verbose_name_plural = _("拼团成员")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], condition=Q(active=True),
                                    name="groupbuy_one_open_group_per_campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.group_id}"


class GroupStatusChange(models.Model):
    """The audit row of a group's move (open → succeeded / failed)."""

    group = models.ForeignKey(GroupBuyGroup, on_delete=models.CASCADE, related_name="status_changes",
                              verbose_name=_("拼团"))
    from_status = models.CharField(_("原状态"), max_length=16, blank=True, default="")
    to_status = models.CharField(_("新状态"), max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    message_id = models.CharField(_("消息"), max_length=60, blank=True, default="")
    params = models.JSONField(_("消息参数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("拼团状态变更")
        verbose_name_plural = _("拼团状态变更")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"

    @property
    def display_note(self) -> str:
        return shown(self.note, self.message_id, self.params)


class CampaignStatusChange(models.Model):
    """The audit row of a campaign's move (上线 / 暂停 / 结束)."""

    campaign = models.ForeignKey(GroupBuyCampaign, on_delete=models.CASCADE, related_name="status_changes",
                                 verbose_name=_("活动"))
    from_status = models.CharField(_("原状态"), max_length=16, blank=True, default="")
    to_status = models.CharField(_("新状态"), max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    message_id = models.CharField(_("消息"), max_length=60, blank=True, default="")
    params = models.JSONField(_("消息参数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("拼团活动状态变更")
        verbose_name_plural = _("拼团活动状态变更")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"

    @property
    def display_note(self) -> str:
        return shown(self.note, self.message_id, self.params)


class GroupShare(models.Model):
    """A member's share link of a group (`/groupbuy/g/<id>/?t=<token>`): a view through it records a touch for the
    product, so an order that follows credits the sharer (closed-loop credit)."""

    group = models.ForeignKey(GroupBuyGroup, on_delete=models.CASCADE, related_name="shares",
                              verbose_name=_("拼团"))
    sharer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("分享人"))
    token = models.CharField(_("分享码"), max_length=32, unique=True)
    view_count = models.PositiveIntegerField(_("浏览次数"), default=0)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("拼团分享")
        verbose_name_plural = _("拼团分享")
        constraints = [models.UniqueConstraint(fields=["group", "sharer"], name="groupbuy_one_share_per_sharer")]

    def __str__(self) -> str:
        return f"{self.token} · {self.sharer}"
