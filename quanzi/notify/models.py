from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanzi.core.messages import shown
from quanzi.notify.enums import Channel, DeliveryStatus, KindGroup


class Preference(models.Model):
    """A member's choice for one group of kinds on one channel. Only choices that differ from the defaults
    (`notify.kinds.DEFAULT_ON`) need a row, but a row is kept whatever its value once the member chose."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    group = models.CharField(_("通知类别"), max_length=20, choices=KindGroup.choices)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(_("开启"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")
        constraints = [models.UniqueConstraint(fields=["user", "group", "channel"], name="notify_pref_unique")]


class Delivery(models.Model):
    """One notice on one external channel (WeChat, SMS, email). `notice_key` names the notice (`n<id>` for an
    inbox row, a random key when the inbox was off for it); (notice_key, channel) is unique, so a notice goes out
    at most once per channel however often the job runs."""

    notice_key = models.CharField(max_length=40)
    notification = models.ForeignKey("accounts.Notification", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("类型"), max_length=20)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    text = models.CharField(_("内容"), max_length=200)
    message_id = models.CharField(max_length=60, blank=True, default="")
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(_("链接"), max_length=200, blank=True, default="")
    status = models.CharField(_("状态"), max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("错误"), max_length=200, blank=True, default="")
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("外部通知")
        verbose_name_plural = _("外部通知")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["notice_key", "channel"], name="notify_delivery_once")]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.channel}: {self.display_text}"

    @property
    def display_text(self) -> str:
        return shown(self.text, self.message_id, self.params)


class Reminder(models.Model):
    """A reminder about a time (a coupon about to expire, a live session about to start) already given: its key
    (`coupon-expiring:<id>`) is unique, so a job run twice reminds nobody twice."""

    key = models.CharField(max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("已发提醒")
        verbose_name_plural = _("已发提醒")
