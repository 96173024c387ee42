"""After-sales requests (refund only / return and refund) with their lines, photos and status audit; product
reviews with photos and a moderation log. Money is integer fen."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quanzi.aftersales.enums import (
    AfterSaleKind,
    AfterSaleReason,
    AfterSaleStatus,
    ModerationAction,
    ReviewStatus,
)
from quanzi.core.messages import shown
from quanzi.core.money import format_yuan


class AfterSaleRequest(models.Model):
    number = models.CharField(_("售后单号"), max_length=32, unique=True)
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="aftersale_requests",
                              verbose_name=_("订单"))
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="aftersale_requests",
                              verbose_name=_("买家"))
    merchant = models.ForeignKey("catalog.Merchant", on_delete=models.PROTECT, related_name="aftersale_requests",
                                 verbose_name=_("商家"))
    kind = models.CharField(_("类型"), max_length=20, choices=AfterSaleKind.choices)
    reason = models.CharField(_("原因"), max_length=20, choices=AfterSaleReason.choices)
    reason_text = models.CharField(_("问题描述"), max_length=500, blank=True, default="")
    amount_fen = models.PositiveIntegerField(_("申请退款金额（分）"))
    status = models.CharField(_("状态"), max_length=30, choices=AfterSaleStatus.choices,
                              default=AfterSaleStatus.REQUESTED, db_index=True)
    shipped_before = models.BooleanField(_("申请时已发货"), default=False)
    reject_reason = models.CharField(_("拒绝原因"), max_length=200, blank=True, default="")
    return_carrier = models.CharField(_("退货快递公司"), max_length=40, blank=True, default="")
    return_tracking_no = models.CharField(_("退货运单号"), max_length=40, blank=True, default="")
    return_deadline = models.DateTimeField(_("退货寄回截止"), null=True, blank=True)
    refund_no = models.CharField(_("退款单号"), max_length=64, blank=True, default="")
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    refunded_at = models.DateTimeField(_("退款完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("售后申请")
        verbose_name_plural = _("售后申请")
        ordering = ["-id"]
        indexes = [models.Index(fields=["merchant", "status"]), models.Index(fields=["buyer", "status"])]
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gt=0), name="aftersale_amount_positive")]

    def __str__(self) -> str:
        return self.number


class AfterSaleLine(models.Model):
    """Which order line and how many units. `amount_fen` is this line's share of the request's amount. `is_open`
    mirrors the request being open, so the database itself keeps one open request per order line."""

    request = models.ForeignKey(AfterSaleRequest, on_delete=models.CASCADE, related_name="lines",
                                verbose_name=_("售后申请"))
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="aftersale_lines",
                                   verbose_name=_("订单商品"))
    quantity = models.PositiveIntegerField(_("数量"))
    amount_fen = models.PositiveIntegerField(_("退款分摊（分）"), default=0)
    is_open = models.BooleanField(_("进行中"), default=True)

    class Meta:
        verbose_name = _("售后商品")
        verbose_name_plural = _("售后商品")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["order_line"], condition=Q(is_open=True),
                                    name="one_open_aftersale_per_line"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="aftersale_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order_line} · {format_yuan(self.amount_fen)}"


class AfterSalePhoto(models.Model):
    request = models.ForeignKey(AfterSaleRequest, on_delete=models.CASCADE, related_name="photos",
                                verbose_name=_("售后申请"))
    image = models.ImageField(_("图片"), upload_to="aftersales/%Y/%m/")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("售后凭证图片")
        verbose_name_plural = _("售后凭证图片")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.request} · {self.pk}"


class AfterSaleStatusChange(models.Model):
    request = models.ForeignKey(AfterSaleRequest, on_delete=models.CASCADE, related_name="status_changes",
                                verbose_name=_("售后申请"))
    from_status = models.CharField(_("原状态"), max_length=30, blank=True, default="")
    to_status = models.CharField(_("新状态"), max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    message_id = models.CharField(_("消息"), max_length=60, blank=True, default="")
    params = models.JSONField(_("消息参数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("售后状态记录")
        verbose_name_plural = _("售后状态记录")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"

    @property
    def display_text(self) -> str:
        """The note in the reader's language (ours), or as typed (a merchant's reason, a tracking number)."""
        return shown(self.note, self.message_id, self.params)


class Review(models.Model):
    order_line = models.OneToOneField("orders.OrderLine", on_delete=models.PROTECT, related_name="review",
                                      verbose_name=_("订单商品"))
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="reviews",
                              verbose_name=_("订单"))
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="reviews",
                                verbose_name=_("商品"))
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews",
                              verbose_name=_("买家"))
    rating = models.PositiveSmallIntegerField(_("评分"))
    text = models.TextField(_("评价内容"), blank=True, default="")
    spec_text = models.CharField(_("规格"), max_length=200, blank=True, default="")
    status = models.CharField(_("状态"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.VISIBLE,
                              db_index=True)
    fold_reason = models.CharField(_("折叠原因"), max_length=200, blank=True, default="")
    fold_message_id = models.CharField(_("折叠原因消息"), max_length=60, blank=True, default="")
    fold_params = models.JSONField(_("折叠原因参数"), default=dict, blank=True)
    folded_at = models.DateTimeField(_("折叠时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("商品评价")
        verbose_name_plural = _("商品评价")
        ordering = ["-id"]
        indexes = [models.Index(fields=["product", "status"])]
        constraints = [models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_5")]

    def __str__(self) -> str:
        return f"{self.product_id}:{self.rating}"

    @property
    def display_fold_reason(self) -> str:
        return shown(self.fold_reason, self.fold_message_id, self.fold_params)


class ReviewPhoto(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="photos", verbose_name=_("评价"))
    image = models.ImageField(_("图片"), upload_to="reviews/%Y/%m/")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评价图片")
        verbose_name_plural = _("评价图片")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.review} · {self.pk}"


class ReviewModeration(models.Model):
    """Append-only log of fold / unfold decisions: a review is never deleted."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="moderations",
                               verbose_name=_("评价"))
    action = models.CharField(_("操作"), max_length=10, choices=ModerationAction.choices)
    reason = models.CharField(_("原因"), max_length=200, blank=True, default="")
    message_id = models.CharField(_("消息"), max_length=60, blank=True, default="")
    params = models.JSONField(_("消息参数"), default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评价审核记录")
        verbose_name_plural = _("评价审核记录")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def display_text(self) -> str:
        return shown(self.reason, self.message_id, self.params)
