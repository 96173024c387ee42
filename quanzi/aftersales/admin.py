"""Back office (Chinese): after-sales requests (read-mostly; decisions go through the merchant pages and API) and
reviews with fold / unfold actions that go through the moderation service (never deleted)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from quanzi.aftersales import services
from quanzi.aftersales.models import (
    AfterSaleLine,
    AfterSalePhoto,
    AfterSaleRequest,
    AfterSaleStatusChange,
    Review,
    ReviewModeration,
    ReviewPhoto,
)
from quanzi.core.admin_base import ReadOnlyInline
from quanzi.core.errors import DomainError


class AfterSaleLineInline(ReadOnlyInline):
    model = AfterSaleLine
    fields = ("order_line", "quantity", "amount_fen", "is_open")


class AfterSalePhotoInline(ReadOnlyInline):
    model = AfterSalePhoto
    fields = ("image", "created_at")
    readonly_fields = ("created_at",)


class AfterSaleStatusChangeInline(ReadOnlyInline):
    model = AfterSaleStatusChange
    fields = ("from_status", "to_status", "actor", "note", "created_at")
    readonly_fields = ("created_at",)


@admin.register(AfterSaleRequest)
class AfterSaleRequestAdmin(admin.ModelAdmin):
    list_display = ("number", "order", "buyer", "merchant", "kind", "reason", "amount_fen", "status", "created_at")
    list_filter = ("status", "kind", "reason")
    search_fields = ("number", "order__number", "refund_no")
    readonly_fields = [f.name for f in AfterSaleRequest._meta.fields]
    inlines = [AfterSaleLineInline, AfterSalePhotoInline, AfterSaleStatusChangeInline]
    actions = ["refund_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("重新提交退款（退款中的申请）"))
    def refund_again(self, request: HttpRequest, queryset: QuerySet[AfterSaleRequest]) -> None:
        done = 0
        for req in queryset:
            try:
                services.aftersale_refund_submit(request_id=req.pk, actor=request.user)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{req.number}: {exc.message}", messages.ERROR)
        self.message_user(request, _("已重新提交 %(n)d 笔退款") % {"n": done})


class ReviewPhotoInline(ReadOnlyInline):
    model = ReviewPhoto
    fields = ("image", "created_at")
    readonly_fields = ("created_at",)


class ReviewModerationInline(ReadOnlyInline):
    model = ReviewModeration
    fields = ("action", "reason", "actor", "created_at")
    readonly_fields = ("created_at",)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("id", "product", "buyer", "rating", "status", "fold_reason", "created_at")
    list_filter = ("status", "rating")
    search_fields = ("text", "product__title")
    readonly_fields = [f.name for f in Review._meta.fields]
    inlines = [ReviewPhotoInline, ReviewModerationInline]
    actions = ["fold", "unfold"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # moderation folds, never deletes

    def _apply(self, request: HttpRequest, queryset: QuerySet[Review], fn: Any, **kwargs: Any) -> int:
        done = 0
        for review in queryset:
            try:
                fn(actor=request.user, review_id=review.pk, **kwargs)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"#{review.pk}: {exc.message}", messages.ERROR)
        return done

    @admin.action(description=_("折叠所选评价（违反评价规范）"))
    def fold(self, request: HttpRequest, queryset: QuerySet[Review]) -> None:
        n = self._apply(request, queryset, services.review_fold, reason=str(_("违反评价规范（后台折叠）")))
        self.message_user(request, _("已折叠 %(n)d 条评价") % {"n": n})

    @admin.action(description=_("取消折叠所选评价"))
    def unfold(self, request: HttpRequest, queryset: QuerySet[Review]) -> None:
        n = self._apply(request, queryset, services.review_unfold, reason=str(_("后台取消折叠")))
        self.message_user(request, _("已取消折叠 %(n)d 条评价") % {"n": n})
