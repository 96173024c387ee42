"""Privacy tables: consents per purpose, export jobs, deletion requests, one-time phone codes, the audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanzi.privacy.enums import AuditKind, CodePurpose, DeletionStatus, ExportStatus, Purpose


class Consent(models.Model):
    """Append-only: every grant and withdrawal of one purpose, under the policy text version the member saw.
    The member's current choice is the newest row per purpose (none: the purpose's default)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(_("用途"), max_length=24, choices=Purpose.choices)
    granted = models.BooleanField(_("同意"))
    policy_version = models.CharField(_("隐私政策版本"), max_length=20)
    via = models.CharField(_("途径"), max_length=20, default="page")  # page / api / signup
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("用途授权记录")
        verbose_name_plural = _("用途授权记录")
        indexes = [models.Index(fields=["user", "purpose", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.purpose} · {'✓' if self.granted else '✗'}"


class DataExport(models.Model):
    """One export of a member's data: built by a job, downloaded by its owner until it expires."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    json_path = models.CharField(max_length=300, blank=True, default="")
    xlsx_path = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    ready_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("数据导出")
        verbose_name_plural = _("数据导出")


class DeletionRequest(models.Model):
    """A member's request to delete their account: pending through the grace period, then done (or cancelled)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=DeletionStatus.choices,
                              default=DeletionStatus.PENDING)
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    effective_at = models.DateTimeField(_("生效时间"), db_index=True)
    finished_at = models.DateTimeField(_("完成或撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("注销申请")
        verbose_name_plural = _("注销申请")
        constraints = [models.UniqueConstraint(fields=["user"], condition=models.Q(status="pending"),
                                               name="privacy_one_pending_deletion")]


class PhoneCode(models.Model):
    """A one-time code sent by SMS: only an HMAC of it is stored; it expires and allows a few wrong tries."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    phone = models.CharField(_("手机号"), max_length=20)
    purpose = models.CharField(_("用途"), max_length=20, choices=CodePurpose.choices)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [models.Index(fields=["user", "purpose", "created_at"])]


class AppendOnlyQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("the audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")


class AuditEntry(models.Model):
    """Append-only audit log of staff actions and refused requests. The ORM refuses to change or delete a row
    (save of an existing row, update, delete); on PostgreSQL a trigger refuses it too (migration 0002), so raw SQL
    cannot either. The actor is kept by id and name, not a foreign key: deleting an account must not touch it."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("类型"), max_length=20, choices=AuditKind.choices)
    actor_id = models.BigIntegerField(_("操作人ID"), null=True, blank=True, db_index=True)
    actor = models.CharField(_("操作人"), max_length=60, blank=True, default="")
    method = models.CharField(_("方法"), max_length=8)
    path = models.CharField(_("路径"), max_length=300)
    status = models.PositiveSmallIntegerField(_("状态码"))
    ip = models.CharField(_("IP"), max_length=45, blank=True, default="")
    request_id = models.CharField(_("请求ID"), max_length=64, blank=True, default="")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.method} {self.path} {self.status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")

    @classmethod
    def purge_before(cls, cutoff: Any) -> int:
        """The one way rows leave: the retention sweep, for rows past the retention period (privacy/retention.py)."""
        qs: models.QuerySet[AuditEntry] = models.QuerySet(cls).filter(at__lt=cutoff)
        return qs._raw_delete(qs.db)
