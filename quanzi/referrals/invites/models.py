"""Invites (邀请): each member's invite code, the visits of invite links, bindings (who invited whom), the
anti-fraud flags, and the outcome that pays: the invitee's first paid order.

A `Binding` is a row per (invitee, inviter) period; at most one per invitee is open (`ended_at` null, a partial
unique constraint), so two concurrent binds of one member cannot both win. A binding is *in force* while it is
open and `expires_at` (the N-days policy) is null or in the future. Bindings are never deleted: a move (last
click) or a re-bind after expiry ends the old row and opens a new one.

`InviteOutcome` is one row per invitee ever (unique): the first paid order, qualifying when paid, rewarded when
that order completes (the after-sales window closed), void when it is refunded in full before that. Its status
moves by conditional updates with an `OutcomeStatusChange` audit row."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quanzi.referrals.invites.enums import (
    BindPolicy,
    BindSource,
    EndReason,
    FlagKind,
    FlagStatus,
    OutcomeStatus,
    TargetKind,
)


class InvitePolicy(models.Model):
    """The operators' settings (one row, pk 1). It is also the row a bind locks: binds are serialised, so no
    two concurrent binds can close a cycle that neither of them sees (see docs/notes/referrals_invites.md)."""

    policy = models.CharField(_("绑定规则"), max_length=12, choices=BindPolicy.choices, default=BindPolicy.FIRST)
    valid_days = models.PositiveIntegerField(_("限期绑定的天数"), default=30)
    inviter_reward_kind = models.CharField(_("邀请人奖励类型"), max_length=20, default="points",
                                           help_text=_("points 积分 / growth 成长值 / coupon 优惠券（数量填券模板 ID）"))
    inviter_reward_amount = models.PositiveIntegerField(_("邀请人奖励数量"), default=200)
    invitee_reward_kind = models.CharField(_("新人礼类型"), max_length=20, default="coupon")
    invitee_reward_amount = models.PositiveIntegerField(_("新人礼数量"), default=0,
                                                        help_text=_("优惠券时为券模板 ID；0 表示不发"))
    flag_window_hours = models.PositiveIntegerField(_("风控统计窗口（小时）"), default=24)
    flag_threshold = models.PositiveIntegerField(_("同一 IP/设备的账号数达到即标记"), default=3)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("邀请规则")
        verbose_name_plural = _("邀请规则")

    def __str__(self) -> str:
        return str(self.get_policy_display())


class InviteCode(models.Model):
    """A member's invite code: the short code typed at sign-up, and the token in every invite link of theirs
    (also the share token of their product links, so an order that follows credits them)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("会员"))
    code = models.CharField(_("邀请码"), max_length=12, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("邀请码")
        verbose_name_plural = _("邀请码")

    def __str__(self) -> str:
        return f"{self.code} · {self.user}"


class InviteVisit(models.Model):
    """Someone opened an invite link (the landing page)."""

    inviter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("邀请人"))
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("访问者"))
    target_kind = models.CharField(_("链接类型"), max_length=12, choices=TargetKind.choices)
    target_id = models.BigIntegerField(_("对象"), null=True, blank=True)
    community_id = models.BigIntegerField(_("社群"), null=True, blank=True)
    ip = models.CharField(_("IP"), max_length=64, blank=True, default="")
    device = models.CharField(_("设备"), max_length=64, blank=True, default="")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("邀请链接访问")
        verbose_name_plural = _("邀请链接访问")
        indexes = [models.Index(fields=["inviter", "-created_at"])]


class Binding(models.Model):
    """The invitee was bound to the inviter from `started_at`; in force while open and not expired."""

    invitee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("被邀请人"))
    inviter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("邀请人"))
    source = models.CharField(_("来源"), max_length=12, choices=BindSource.choices)
    policy = models.CharField(_("绑定时的规则"), max_length=12, choices=BindPolicy.choices)
    community_id = models.BigIntegerField(_("经由社群"), null=True, blank=True, db_index=True)
    ip = models.CharField(_("IP"), max_length=64, blank=True, default="")
    device = models.CharField(_("设备"), max_length=64, blank=True, default="")
    started_at = models.DateTimeField(_("绑定时间"), db_index=True)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    ended_reason = models.CharField(_("结束原因"), max_length=12, choices=EndReason.choices, blank=True, default="")

    class Meta:
        verbose_name = _("邀请关系")
        verbose_name_plural = _("邀请关系")
        ordering = ["-id"]
        indexes = [models.Index(fields=["inviter", "-started_at"]), models.Index(fields=["ip", "started_at"]),
                   models.Index(fields=["device", "started_at"])]
        constraints = [
            models.UniqueConstraint(fields=["invitee"], condition=Q(ended_at__isnull=True),
                                    name="inv_one_open_binding"),
            models.CheckConstraint(condition=~Q(invitee=models.F("inviter")), name="inv_no_self_binding"),
        ]

    def __str__(self) -> str:
        return f"{self.inviter_id} → {self.invitee_id}"


class InviteFlag(models.Model):
    """A binding made from an IP or device that already made `count` accounts in the window. A flag, not a
    refusal: families share a Wi-Fi; an operator looks and clears or confirms it."""

    binding = models.ForeignKey(Binding, on_delete=models.CASCADE, related_name="flags", verbose_name=_("邀请关系"))
    kind = models.CharField(_("类型"), max_length=8, choices=FlagKind.choices)
    value = models.CharField(_("IP 或设备"), max_length=64)
    count = models.PositiveIntegerField(_("窗口内账号数"))
    status = models.CharField(_("状态"), max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("邀请风控标记")
        verbose_name_plural = _("邀请风控标记")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["binding", "kind"], name="inv_flag_once")]


class InviteOutcome(models.Model):
    """The invitee's first paid order, credited to the inviter bound when it was paid. One row per invitee."""

    invitee = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("被邀请人"))
    inviter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("邀请人"))
    binding = models.ForeignKey(Binding, on_delete=models.PROTECT, related_name="+", verbose_name=_("邀请关系"))
    community_id = models.BigIntegerField(_("经由社群"), null=True, blank=True, db_index=True)
    order_id = models.BigIntegerField(_("首单"), unique=True)
    order_payable_fen = models.BigIntegerField(_("首单实付（分）"), default=0)
    status = models.CharField(_("状态"), max_length=10, choices=OutcomeStatus.choices,
                              default=OutcomeStatus.QUALIFIED)
    inviter_reward = models.CharField(_("邀请人奖励"), max_length=40, blank=True, default="")
    invitee_reward = models.CharField(_("新人礼"), max_length=40, blank=True, default="")
    paid_at = models.DateTimeField(_("付款时间"))
    rewarded_at = models.DateTimeField(_("发奖时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("邀请成果（首单）")
        verbose_name_plural = _("邀请成果（首单）")
        ordering = ["-id"]
        indexes = [models.Index(fields=["inviter", "status"])]

    def __str__(self) -> str:
        return f"{self.inviter} → {self.invitee} · {self.get_status_display()}"


class OutcomeStatusChange(models.Model):
    outcome = models.ForeignKey(InviteOutcome, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(max_length=10)
    to_status = models.CharField(max_length=10)
    note = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("邀请成果状态变更")
        verbose_name_plural = _("邀请成果状态变更")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"
