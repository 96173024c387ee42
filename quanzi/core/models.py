from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quanzi.core.enums import TouchKind


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
    # Set by `track()` (now, or `at=` when importing history); never auto_now_add, so history can be imported.
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("事件")
        verbose_name_plural = _("事件日志")
        indexes = [models.Index(fields=["user", "name", "created_at"])]

    def __str__(self) -> str:
        return f"{self.name} {self.object_type}:{self.object_id}"


class Touch(models.Model):
    """A touch that may earn an order its credit: a click on a product card in a post, a view of a post through
    a share link, or a view of a product through a share link that is not a post's (a group-buy link). Written only by `core.events.touch_record()`, read by `orders.selectors.order_attribution`.

    A stable record of its own, so the credit does not depend on event names and props (which are free to grow)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("用户"))
    kind = models.CharField(_("类型"), max_length=16, choices=TouchKind.choices)
    product_id = models.BigIntegerField(_("商品ID"), null=True, blank=True)  # card clicks and link views
    post_id = models.BigIntegerField(_("帖子ID"), null=True, blank=True)  # empty for a link view (no post)
    share_token = models.CharField(_("分享码"), max_length=32, blank=True, default="")
    community_id = models.BigIntegerField(_("社群ID"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("归因触点")
        verbose_name_plural = _("归因触点")
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} user:{self.user_id} post:{self.post_id} product:{self.product_id}"
