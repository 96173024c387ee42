"""Back office (Chinese): after-sales requests (read-mostly; decisions go through the merchant pages and API) and
reviews with fold / unfold actions that go through the moderation service (never deleted)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from quanzi.aftersales import services
from quanzi.aftersales.enums import AfterSaleStatus
from quanzi.aftersales.models import (
    AfterSaleLine,
    AfterSalePhoto,
    AfterSaleRequest,
    AfterSaleStatusChange,
    Review,
    ReviewModeration,
    ReviewPhoto,
)
from quanzi.core.admin_base import Figure, QuanziModelAdmin, ReadOnlyInline, dashboard_figures, queue_figure
from quanzi.core.errors import DomainError
from quanzi.core.messages import msg


class AfterSaleLineInline(ReadOnlyInline):
    model = AfterSaleLine
    fields = ("order_line", "quantity", "amount_fen", "is_open")


class AfterSalePhotoInline(ReadOnlyInline):
    model = AfterSalePhoto
    fields = ("image", "created_at")
    readonly_fields = ("created_at",)


class AfterSaleStatusChangeInline(ReadOnlyInline):
    model = AfterSaleStatusChange
    fields = ("from_status", "to_status", "actor", "shown_note", "created_at")
    readonly_fields = ("shown_note", "created_at")

    @admin.display(description=_("说明"))
    def shown_note(self, obj: AfterSaleStatusChange) -> str:
        return obj.display_text  # in the operator's language


@admin.register(AfterSaleRequest)
class AfterSaleRequestAdmin(QuanziModelAdmin):
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
    fields = ("action", "shown_reason", "actor", "created_at")
    readonly_fields = ("shown_reason", "created_at")

    @admin.display(description=_("原因"))
    def shown_reason(self, obj: ReviewModeration) -> str:
        return obj.display_text


@admin.register(Review)
class ReviewAdmin(QuanziModelAdmin):
    list_display = ("id", "product", "buyer", "rating", "status", "shown_fold_reason", "created_at")
    list_filter = ("status", "rating")
    search_fields = ("text", "product__title")
    exclude = ("fold_reason", "fold_message_id", "fold_params")  # shown in the operator's language instead
    readonly_fields = [*(f.name for f in Review._meta.fields
                         if f.name not in ("fold_reason", "fold_message_id", "fold_params")), "shown_fold_reason"]
    inlines = [ReviewPhotoInline, ReviewModerationInline]
    actions = ["fold", "unfold"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # moderation folds, never deletes

    @admin.display(description=_("折叠原因"))
    def shown_fold_reason(self, obj: Review) -> str:
        return obj.display_fold_reason

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
        n = self._apply(request, queryset, services.review_fold, reason=msg("review.folded_by_operator"))
        self.message_user(request, _("已折叠 %(n)d 条评价") % {"n": n})

    @admin.action(description=_("取消折叠所选评价"))
    def unfold(self, request: HttpRequest, queryset: QuerySet[Review]) -> None:
        n = self._apply(request, queryset, services.review_unfold, reason=msg("review.unfolded_by_operator"))
        self.message_user(request, _("已取消折叠 %(n)d 条评价") % {"n": n})


def _dashboard(today: Any) -> list[Figure]:
    waiting = AfterSaleRequest.objects.filter(status=AfterSaleStatus.REQUESTED).count()
    refunding = AfterSaleRequest.objects.filter(status=AfterSaleStatus.REFUNDING).count()
    return [
        queue_figure(_("待商家处理的售后"), waiting, "/admin/aftersales/aftersalerequest/?status__exact=requested"),
        queue_figure(_("售后退款中（可重新提交）"), refunding,
                     "/admin/aftersales/aftersalerequest/?status__exact=refunding"),
    ]


dashboard_figures("60-aftersales", _dashboard)
