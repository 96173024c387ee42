from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quanzi.core.admin_base import (
    Figure,
    QuanziModelAdmin,
    QuanziTabularInline,
    ReadOnlyInline,
    dashboard_figures,
    queue_figure,
)
from quanzi.core.money import format_yuan
from quanzi.orders.enums import OrderStatus
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
class OrderAdmin(QuanziModelAdmin):
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
class CheckoutAdmin(QuanziModelAdmin):
    list_display = ("id", "buyer", "total_fen", "created_at")


@admin.register(Address)
class AddressAdmin(QuanziModelAdmin):
    list_display = ("id", "user", "name", "city", "is_default")


@admin.register(ShippingTemplate)
class ShippingTemplateAdmin(QuanziModelAdmin):
    list_display = ("merchant", "mode", "first_fee_fen", "additional_fee_fen", "free_threshold_fen")


class TrackingInline(QuanziTabularInline):
    model = TrackingEvent
    extra = 0
    exclude = ("message_id", "params")  # a step added here is the operator's text


@admin.register(Shipment)
class ShipmentAdmin(QuanziModelAdmin):
    list_display = ("order", "carrier", "tracking_no", "created_at")
    inlines = [TrackingInline]


def _dashboard(today: Any) -> list[Figure]:
    """Today's orders and takings, and the orders waiting on someone (admin home page)."""
    day = today.date().isoformat()
    placed = Order.objects.filter(created_at__gte=today).count()
    takings = Order.objects.filter(paid_at__gte=today).aggregate(s=Sum("paid_fen"))["s"] or 0
    late = Order.objects.filter(status=OrderStatus.PAID, paid_at__lt=timezone.now() - timedelta(hours=48)).count()
    refunding = Order.objects.filter(status=OrderStatus.REFUNDING).count()
    return [
        Figure(_("今日订单"), str(placed), f"/admin/orders/order/?created_at__date={day}"),
        Figure(_("今日成交额"), format_yuan(takings), f"/admin/orders/order/?paid_at__date={day}"),
        queue_figure(_("付款超 48 小时未发货"), late, "/admin/orders/order/?status__exact=paid"),
        queue_figure(_("退款中的订单"), refunding, "/admin/orders/order/?status__exact=refunding"),
    ]


dashboard_figures("10-orders", _dashboard)
