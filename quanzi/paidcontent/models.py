"""Paid content tables (知识付费).

What is sold: a paid post (a content post whose free part is the post's own body; the locked rest lives here, so
no content page, feed, search or API can ever show it), a course of ordered lessons, and a KOL's column sold by
period. Each is a virtual SKU of its author's merchant account (catalog), bought through the normal checkout and
cashier; `Purchase` follows its order (pending → paid → refunded, or pending → cancelled), and only a paid purchase
(for a column: a running `ColumnTerm`) opens the content. Money is integer fen."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quanzi.core.money import format_yuan
from quanzi.paidcontent.enums import ItemKind, Period, PurchaseStatus, TermStatus


class PaidPost(models.Model):
    post = models.OneToOneField("content.Post", on_delete=models.CASCADE, related_name="paid",
                                verbose_name=_("帖子"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("作者"))
    price_fen = models.PositiveIntegerField(_("价格（分）"))
    body = models.TextField(_("付费内容"))
    sku_id = models.BigIntegerField(_("SKU ID"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("付费帖")
        verbose_name_plural = _("付费帖")
        constraints = [models.CheckConstraint(condition=Q(price_fen__gt=0), name="paidpost_price_positive")]

    def __str__(self) -> str:
        return f"{self.post_id} {format_yuan(self.price_fen)}"


class Course(models.Model):
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("作者"))
    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("社群"))
    title = models.CharField(_("标题"), max_length=80)
    summary = models.TextField(_("简介"), blank=True, default="")
    price_fen = models.PositiveIntegerField(_("价格（分）"))
    sku_id = models.BigIntegerField(_("SKU ID"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")
        constraints = [models.CheckConstraint(condition=Q(price_fen__gt=0), name="course_price_positive")]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("课程"))
    position = models.PositiveIntegerField(_("序号"))
    title = models.CharField(_("标题"), max_length=80)
    body = models.TextField(_("正文"), blank=True, default="")
    video_url = models.URLField(_("视频链接"), blank=True, default="")
    is_trial = models.BooleanField(_("免费试看"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("课时")
        verbose_name_plural = _("课时")
        ordering = ["course_id", "position"]
        constraints = [models.UniqueConstraint(fields=["course", "position"], name="uniq_lesson_position")]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class LessonImage(models.Model):
    """A lesson's pictures: served only through the lesson's access check (views.lesson_image), never as media."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="images", verbose_name=_("课时"))
    image = models.ImageField(_("图片"), upload_to="paidcontent/%Y/%m/")
    sort = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("课时图片")
        verbose_name_plural = _("课时图片")
        ordering = ["lesson_id", "sort", "id"]

    def __str__(self) -> str:
        return f"{self.lesson_id} #{self.sort}"


class LessonRead(models.Model):
    """A buyer's progress: a lesson they opened (once)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("用户"))
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="reads", verbose_name=_("课时"))
    read_at = models.DateTimeField(_("阅读时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("学习进度")
        verbose_name_plural = _("学习进度")
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="uniq_lesson_read")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.lesson_id}"


class Column(models.Model):
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("作者"))
    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("社群"))
    title = models.CharField(_("标题"), max_length=80)
    summary = models.TextField(_("简介"), blank=True, default="")
    month_price_fen = models.PositiveIntegerField(_("月付价格（分，0 不提供）"), default=0)
    year_price_fen = models.PositiveIntegerField(_("年付价格（分，0 不提供）"), default=0)
    month_sku_id = models.BigIntegerField(null=True, blank=True)
    year_sku_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("专栏")
        verbose_name_plural = _("专栏")
        constraints = [models.CheckConstraint(condition=Q(month_price_fen__gt=0) | Q(year_price_fen__gt=0),
                                              name="column_has_a_price")]

    def __str__(self) -> str:
        return self.title

    def price_of(self, period: str) -> int:
        return self.month_price_fen if period == Period.MONTH else self.year_price_fen


class ColumnArticle(models.Model):
    column = models.ForeignKey(Column, on_delete=models.CASCADE, related_name="articles", verbose_name=_("专栏"))
    title = models.CharField(_("标题"), max_length=80)
    body = models.TextField(_("正文"))
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("专栏文章")
        verbose_name_plural = _("专栏文章")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Purchase(models.Model):
    """One order of one item. At most one open purchase (pending, or paid for a post or course) per buyer and
    item: buying twice is refused by the service and, under a race, by the constraint."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("买家"))
    kind = models.CharField(_("类型"), max_length=10, choices=ItemKind.choices)
    item_id = models.BigIntegerField(_("内容ID"))
    title = models.CharField(_("名称"), max_length=120)
    period = models.CharField(_("订阅周期"), max_length=10, choices=Period.choices, blank=True, default="")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("作者"))
    order_id = models.BigIntegerField(_("订单ID"), unique=True)
    order_line_id = models.BigIntegerField(_("订单商品ID"), unique=True)
    price_fen = models.PositiveIntegerField(_("价格（分）"))
    status = models.CharField(_("状态"), max_length=10, choices=PurchaseStatus.choices,
                              default=PurchaseStatus.PENDING, db_index=True)
    # the platform's share as the order line recorded it (the author's merchant rate), and what refunds returned
    commission_fen = models.PositiveIntegerField(_("平台分成（分）"), default=0)
    commission_returned_fen = models.PositiveIntegerField(_("退回平台分成（分）"), default=0)
    refunded_fen = models.PositiveIntegerField(_("已退款（分）"), default=0)
    paid_at = models.DateTimeField(_("付款时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("下单时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("购买记录")
        verbose_name_plural = _("购买记录")
        indexes = [models.Index(fields=["user", "kind", "item_id", "status"])]
        constraints = [models.UniqueConstraint(
            fields=["user", "kind", "item_id"],
            condition=Q(status=PurchaseStatus.PENDING) | (Q(status=PurchaseStatus.PAID) & ~Q(kind=ItemKind.COLUMN)),
            name="uniq_open_purchase")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.title} · {self.user_id}"


class PurchaseChange(models.Model):
    """The audit of every purchase move (and column term start, refund and expiry)."""

    purchase = models.ForeignKey(Purchase, on_delete=models.CASCADE, related_name="changes",
                                 verbose_name=_("购买记录"))
    from_status = models.CharField(_("原状态"), max_length=10, blank=True, default="")
    to_status = models.CharField(_("新状态"), max_length=10)
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("购买记录变更")
        verbose_name_plural = _("购买记录变更")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.purchase_id}: {self.from_status} → {self.to_status}"


class ColumnTerm(models.Model):
    """A paid period of a column for one subscriber, stacked after their previous one (a renewal extends from the
    current expiry)."""

    purchase = models.OneToOneField(Purchase, on_delete=models.CASCADE, related_name="term",
                                    verbose_name=_("购买记录"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("订阅者"))
    column = models.ForeignKey(Column, on_delete=models.CASCADE, related_name="terms", verbose_name=_("专栏"))
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("到期时间"), db_index=True)
    status = models.CharField(_("状态"), max_length=10, choices=TermStatus.choices, default=TermStatus.ACTIVE,
                              db_index=True)
    reminded_at = models.DateTimeField(_("到期提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("专栏订阅期")
        verbose_name_plural = _("专栏订阅期")
        ordering = ["user_id", "column_id", "starts_at"]

    def __str__(self) -> str:
        return f"{self.column_id} · {self.user_id} · {self.starts_at:%Y-%m-%d}–{self.ends_at:%Y-%m-%d}"


class RevenueEntry(models.Model):
    """The platform's share of paid content, booked once per moment (`key`): + the commission when a purchase is
    paid, − what a refund returns of it. The revenue mix's `paid_content` line reads it per day; the purchases'
    commission columns are the same money read another way."""

    key = models.CharField(_("记账键"), max_length=64, unique=True)
    purchase = models.ForeignKey(Purchase, on_delete=models.PROTECT, related_name="revenue",
                                 verbose_name=_("购买记录"))
    amount_fen = models.BigIntegerField(_("平台分成（分，退回为负）"))
    at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        verbose_name = _("知识付费分成流水")
        verbose_name_plural = _("知识付费分成流水")

    def __str__(self) -> str:
        return f"{self.key} {self.amount_fen}"


class SellerAllow(models.Model):
    """A member the community's owner lets sell paid content there (owners and KOLs may anyway)."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("社群"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("成员"))
    allowed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("授权人"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("付费内容授权")
        verbose_name_plural = _("付费内容授权")
        constraints = [models.UniqueConstraint(fields=["community", "user"], name="uniq_seller_allow")]

    def __str__(self) -> str:
        return f"{self.community_id} · {self.user_id}"
