from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from quanzi.catalog import services
from quanzi.catalog.enums import MerchantStatus
from quanzi.catalog.models import (
    Brand,
    Category,
    Merchant,
    PostProduct,
    Product,
    ProductImage,
    ShelfItem,
    Sku,
    StockMovement,
)
from quanzi.core.admin_base import (
    Figure,
    QuanziModelAdmin,
    QuanziTabularInline,
    ReadOnlyAdminMixin,
    dashboard_figures,
    queue_figure,
    report_done,
)
from quanzi.core.errors import DomainError
from quanzi.core.images import CLEAN_IMAGE_FORMFIELDS
from quanzi.core.messages import msg


@admin.register(Merchant)
class MerchantAdmin(QuanziModelAdmin):
    list_display = ("id", "business_name", "user", "status", "commission_rate", "created_at", "reviewed_at")
    list_filter = ("status",)
    search_fields = ("business_name", "licence_no", "contact_phone")
    readonly_fields = ("status", "reviewed_by", "reviewed_at", "created_at")
    exclude = ("status_message_id", "status_params")
    actions = ["approve", "suspend"]

    def save_model(self, request: HttpRequest, obj: Merchant, form: Any, change: bool) -> None:
        if "status_reason" in form.changed_data:  # the operator wrote the reason: it is theirs, as typed
            obj.status_message_id, obj.status_params = "", {}
        super().save_model(request, obj, form, change)

    def _run(self, request: HttpRequest, queryset: QuerySet[Merchant], fn: Any, **kwargs: Any) -> None:
        done = 0
        for merchant in queryset:
            try:
                fn(operator=request.user, merchant_id=merchant.pk, **kwargs)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{merchant}: {exc.message}", messages.ERROR)
        report_done(self, request, done)

    @admin.action(description=_("批准入驻"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Merchant]) -> None:
        self._run(request, queryset, services.merchant_approve)

    @admin.action(description=_("暂停经营"))
    def suspend(self, request: HttpRequest, queryset: QuerySet[Merchant]) -> None:
        self._run(request, queryset, services.merchant_suspend, reason=msg("merchant.suspended_by_operator"))


@admin.register(Category)
class CategoryAdmin(QuanziModelAdmin):
    list_display = ("id", "name", "parent", "sort")
    search_fields = ("name",)


@admin.register(Brand)
class BrandAdmin(QuanziModelAdmin):
    list_display = ("id", "name")
    search_fields = ("name",)


class SkuInline(QuanziTabularInline):
    model = Sku
    extra = 0
    readonly_fields = ("stock",)  # stock changes only through the ledgered service
    raw_id_fields = ("image",)  # a picture id, not a list of every product's pictures


class ImageInline(QuanziTabularInline):
    model = ProductImage
    extra = 0
    formfield_overrides = CLEAN_IMAGE_FORMFIELDS  # re-encoded like any upload


@admin.register(Product)
class ProductAdmin(QuanziModelAdmin):
    list_display = ("id", "title", "merchant", "category", "on_shelf", "return_exemption", "created_at")
    list_filter = ("on_shelf", "return_exemption")
    search_fields = ("title",)
    inlines = [SkuInline, ImageInline]


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("created_at", "sku", "delta", "reason", "order_id", "actor")
    list_filter = ("reason",)


@admin.register(ShelfItem)
class ShelfItemAdmin(QuanziModelAdmin):
    list_display = ("community", "product", "picked_by", "created_at")


@admin.register(PostProduct)
class PostProductAdmin(QuanziModelAdmin):
    list_display = ("post", "product", "added_by", "created_at")


def _dashboard(today: Any) -> list[Figure]:
    applied = Merchant.objects.filter(status=MerchantStatus.APPLIED).count()
    return [queue_figure(_("待审核商家入驻"), applied, "/admin/catalog/merchant/?status__exact=applied")]


dashboard_figures("50-catalog", _dashboard)
