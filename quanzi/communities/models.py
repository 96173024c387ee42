from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanzi.communities.enums import (
    MembershipStatus,
    ModerationKind,
    ReportStatus,
    ReportTarget,
    Role,
    Vertical,
    Visibility,
)


class Community(models.Model):
    name = models.CharField(_("名称"), max_length=40)
    slug = models.SlugField(_("短链接"), max_length=40, unique=True)
    vertical = models.CharField(_("垂类"), max_length=20, choices=Vertical.choices, db_index=True)
    tags = models.JSONField(_("标签"), default=list, blank=True)
    positioning = models.CharField(_("定位"), max_length=200, blank=True, default="")
    rules = models.TextField(_("群规"), blank=True, default="")
    cover = models.ImageField(_("封面"), upload_to="covers/%Y/%m/", blank=True)
    visibility = models.CharField(_("可见性"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_communities",
                              verbose_name=_("群主"))
    member_count = models.PositiveIntegerField(_("成员数"), default=0)
    post_count = models.PositiveIntegerField(_("帖子数"), default=0)
    # name + positioning + tags, lower-cased: what keyword search matches against (kept by the services).
    search_text = models.TextField(default="", blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("社群")
        verbose_name_plural = _("社群")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships",
                                  verbose_name=_("社群"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
                             verbose_name=_("用户"))
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("状态"), max_length=10, choices=MembershipStatus.choices,
                              default=MembershipStatus.ACTIVE)
    muted_until = models.DateTimeField(_("禁言至"), null=True, blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("邀请人"))
    invitation = models.ForeignKey("Invitation", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="memberships", verbose_name=_("邀请码"))
    apply_note = models.CharField(_("申请说明"), max_length=200, blank=True, default="")
    joined_at = models.DateTimeField(_("加入时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("成员")
        verbose_name_plural = _("成员")
        constraints = [models.UniqueConstraint(fields=["community", "user"], name="uniq_membership")]
        indexes = [models.Index(fields=["community", "status", "role"]), models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.community} · {self.get_role_display()}"


class Invitation(models.Model):
    """An invitation code / link. Memberships made through it record the inviter (who invited whom)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="invitations",
                                  verbose_name=_("社群"))
    code = models.CharField(_("邀请码"), max_length=16, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("邀请人"))
    max_uses = models.PositiveIntegerField(_("可用次数"), null=True, blank=True)
    use_count = models.PositiveIntegerField(_("已用次数"), default=0)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    revoked = models.BooleanField(_("已作废"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("邀请")
        verbose_name_plural = _("邀请")

    def __str__(self) -> str:
        return f"{self.code} · {self.community}"


class Report(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="reports",
                                  verbose_name=_("社群"))
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("举报人"))
    target_type = models.CharField(_("对象"), max_length=10, choices=ReportTarget.choices)
    target_id = models.BigIntegerField(_("对象ID"))
    reason = models.CharField(_("理由"), max_length=300)
    status = models.CharField(_("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("处理人"))
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("举报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("举报")
        verbose_name_plural = _("举报")
        indexes = [models.Index(fields=["community", "status"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_target_type_display()} · {self.community}"


class ModerationAction(models.Model):
    """Audit row: one for every moderation action, never edited or deleted."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="moderation_actions",
                                  verbose_name=_("社群"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("操作人"))
    kind = models.CharField(_("操作"), max_length=20, choices=ModerationKind.choices)
    target_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("对象用户"))
    target_type = models.CharField(_("对象类型"), max_length=10, blank=True, default="")
    target_id = models.BigIntegerField(_("对象ID"), null=True, blank=True)
    reason = models.CharField(_("理由"), max_length=300, blank=True, default="")
    until = models.DateTimeField(_("截止"), null=True, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("管理记录")
        verbose_name_plural = _("管理记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.community} · {self.created_at:%Y-%m-%d %H:%M}"
