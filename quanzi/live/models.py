"""Live selling (直播): a session in a community, its pinned products, comments and viewers, and the orders
credited to it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quanzi.live.enums import CommentStatus, SessionStatus


class LiveSession(models.Model):
    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("社群"))
    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("主播"))
    # the merchant the host sells for: set when the host runs a merchant; then only its products may be pinned
    merchant = models.ForeignKey("catalog.Merchant", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("商家"))
    title = models.CharField(_("标题"), max_length=60)
    description = models.CharField(_("简介"), max_length=300, blank=True, default="")
    cover = models.ImageField(_("封面"), upload_to="live/%Y/%m/", blank=True)
    stream_url = models.URLField(_("直播流地址"), max_length=500)  # HLS (.m3u8) or FLV from any provider
    replay_url = models.URLField(_("回放地址"), max_length=500, blank=True, default="")
    status = models.CharField(_("状态"), max_length=10, choices=SessionStatus.choices,
                              default=SessionStatus.SCHEDULED, db_index=True)
    scheduled_at = models.DateTimeField(_("预计开播"))
    started_at = models.DateTimeField(_("开播时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # the share token of the session's links: the buy button's touch carries it, so the order line keeps it
    token = models.CharField(_("归因码"), max_length=32, unique=True)
    like_count = models.PositiveIntegerField(_("点赞数"), default=0)
    comment_count = models.PositiveIntegerField(_("评论数"), default=0)
    viewer_count = models.PositiveIntegerField(_("观看人数"), default=0)  # distinct members who joined the room
    peak_viewers = models.PositiveIntegerField(_("最高同时在线"), default=0)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("直播")
        verbose_name_plural = _("直播")
        indexes = [models.Index(fields=["community", "status", "scheduled_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def group_name(self) -> str:
        return f"live.{self.pk}"


class LivePin(models.Model):
    """A product the host pinned in the session (the shopping bag), with the SKU sold at the live-only price."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="pins", verbose_name=_("直播"))
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("商品"))
    sku = models.ForeignKey("catalog.Sku", on_delete=models.PROTECT, related_name="+", verbose_name=_("SKU"))
    live_price_fen = models.PositiveIntegerField(_("直播价（分）"), null=True, blank=True)
    active = models.BooleanField(_("讲解中"), default=True)
    pinned_at = models.DateTimeField(_("挂出时间"), default=timezone.now)
    unpinned_at = models.DateTimeField(_("撤下时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("直播商品")
        verbose_name_plural = _("直播商品")
        constraints = [models.UniqueConstraint(fields=["session", "product"], name="uniq_live_pin_product"),
                       models.CheckConstraint(condition=Q(live_price_fen__isnull=True) | Q(live_price_fen__gt=0),
                                              name="live_pin_price_positive")]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.product_id}"


class LiveComment(models.Model):
    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="comments",
                                verbose_name=_("直播"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("用户"))
    body = models.CharField(_("内容"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=CommentStatus.choices,
                              default=CommentStatus.VISIBLE)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("直播评论")
        verbose_name_plural = _("直播评论")
        indexes = [models.Index(fields=["session", "id"])]

    def __str__(self) -> str:
        return self.body[:20]


class LiveViewer(models.Model):
    """A member who joined the room (once per session): the session's viewer figure."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="viewers",
                                verbose_name=_("直播"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("用户"))
    joined_at = models.DateTimeField(_("首次进入"), default=timezone.now)

    class Meta:
        verbose_name = _("直播观众")
        verbose_name_plural = _("直播观众")
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="uniq_live_viewer")]


class LiveOrderLine(models.Model):
    """An order line credited to the session (its last touch was the session's buy button), written at checkout;
    `paid` and `cancelled` follow the order's moments. The replay's orders and GMV are read from here."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="order_lines",
                                verbose_name=_("直播"))
    order_id = models.BigIntegerField(_("订单ID"), db_index=True)
    order_line_id = models.BigIntegerField(_("订单商品ID"), unique=True)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("买家"))
    product_id = models.BigIntegerField(_("商品ID"))
    quantity = models.PositiveIntegerField(_("数量"))
    goods_payable_fen = models.PositiveIntegerField(_("商品实付（分）"))
    live_priced = models.BooleanField(_("直播价"), default=False)
    paid = models.BooleanField(_("已支付"), default=False)
    cancelled = models.BooleanField(_("已取消"), default=False)
    refunded_fen = models.PositiveIntegerField(_("已退（分）"), default=0)
    created_at = models.DateTimeField(_("下单时间"), default=timezone.now)

    class Meta:
        verbose_name = _("直播订单")
        verbose_name_plural = _("直播订单")
