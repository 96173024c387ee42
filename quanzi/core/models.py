from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """The append-only event log. Analytics and recommendations read only this and the orders."""

    name = models.CharField(_("事件"), max_length=64, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("用户"))
    object_type = models.CharField(_("对象类型"), max_length=32, blank=True, default="")
    object_id = models.BigIntegerField(_("对象ID"), null=True, blank=True)
    community_id = models.BigIntegerField(_("社群ID"), null=True, blank=True, db_index=True)
    share_token = models.CharField(_("分享码"), max_length=32, blank=True, default="", db_index=True)
    props = models.JSONField(_("属性"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("事件")
        verbose_name_plural = _("事件日志")
        indexes = [models.Index(fields=["user", "name", "created_at"])]

    def __str__(self) -> str:
        return f"{self.name} {self.object_type}:{self.object_id}"
