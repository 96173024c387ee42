from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from quanzi.core.admin_base import ReadOnlyInline
from quanzi.orders.models import (
    Address,
    CheckoutSession,
    Order,
    OrderLine,
    OrderLineCancellation,
    OrderPayment,
    OrderRefund,
    OrderStatusChange,
    Shipment,
    ShippingTemplate,
    TrackingEvent,
)


class LineInline(ReadOnlyInline):
    model = OrderLine


class StatusInline(ReadOnlyInline):
    model = OrderStatusChange
    fields = ("from_status", "to_status", "actor", "shown_reason", "created_at")
    readonly_fields = ("shown_reason", "created_at")

    @admin.display(description=_("说明"))
    def shown_reason(self, obj: OrderStatusChange) -> str:
        return obj.display_text  # in the operator's language


class RefundInline(ReadOnlyInline):
    model = OrderRefund


class PaymentInline(ReadOnlyInline):
    model = OrderPayment


class LineCancellationInline(ReadOnlyInline):
    model = OrderLineCancellation


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Orders are read here; they move only through the order services (the pipeline audits every move)."""

    list_display = ("number", "buyer", "merchant", "status", "payable_fen", "paid_fen", "refunded_fen",
                    "created_at")
    list_filter = ("status",)
    search_fields = ("number", "ship_phone")
    inlines = [LineInline, StatusInline, PaymentInline, RefundInline, LineCancellationInline]
    exclude = ("cancel_reason", "cancel_message_id", "cancel_params")
    readonly_fields = ("shown_cancel_reason",)

    @admin.display(description=_("取消原因"))
    def shown_cancel_reason(self, obj: Order) -> str:
        return obj.display_cancel_reason

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(CheckoutSession)
class CheckoutAdmin(admin.ModelAdmin):
    list_display = ("id", "buyer", "total_fen", "created_at")


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "name", "city", "is_default")


@admin.register(ShippingTemplate)
class ShippingTemplateAdmin(admin.ModelAdmin):
    list_display = ("merchant", "mode", "first_fee_fen", "additional_fee_fen", "free_threshold_fen")


class TrackingInline(admin.TabularInline):
    model = TrackingEvent
    extra = 0
    exclude = ("message_id", "params")  # a step added here is the operator's text


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ("order", "carrier", "tracking_no", "created_at")
    inlines = [TrackingInline]
