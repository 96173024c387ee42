from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from quanzi.core.admin_base import ReadOnlyInline
from quanzi.core.errors import DomainError
from quanzi.payments import services
from quanzi.payments.models import Payment, PaymentCallback, PaymentStatusChange, Refund, RefundStatusChange


class ReadOnlyAdmin(admin.ModelAdmin):
    """Money rows change only through the services."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class PaymentStatusInline(ReadOnlyInline):
    model = PaymentStatusChange
    fields = ("from_status", "to_status", "actor", "shown_note", "created_at")
    readonly_fields = ("shown_note", "created_at")

    @admin.display(description=_("说明"))
    def shown_note(self, obj: PaymentStatusChange) -> str:
        return obj.display_text  # in the operator's language


class RefundStatusInline(ReadOnlyInline):
    model = RefundStatusChange
    fields = ("from_status", "to_status", "actor", "shown_note", "created_at")
    readonly_fields = ("shown_note", "created_at")

    @admin.display(description=_("说明"))
    def shown_note(self, obj: RefundStatusChange) -> str:
        return obj.display_text


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("payment_no", "order", "payer", "gateway", "amount_fen", "refunded_fen", "status", "paid_at")
    list_filter = ("gateway", "status")
    search_fields = ("payment_no", "gateway_txn_id", "order__number")
    inlines = [PaymentStatusInline]


@admin.register(PaymentCallback)
class PaymentCallbackAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "gateway", "notify_id", "out_trade_no", "amount_fen", "verified", "result",
                    "error_code", "deliveries")
    list_filter = ("gateway", "verified", "result")
    search_fields = ("notify_id", "out_trade_no", "gateway_txn_id")


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("refund_no", "order", "payment", "kind", "amount_fen", "shown_reason", "status", "error_code",
                    "attempts", "created_at")
    list_filter = ("status", "kind")
    search_fields = ("refund_no", "order__number", "payment__payment_no")
    exclude = ("reason_message_id", "reason_params")
    inlines = [RefundStatusInline]

    @admin.display(description=_("原因"))
    def shown_reason(self, obj: Refund) -> str:
        return obj.display_reason
    actions = ["retry_failed"]

    @admin.action(description=_("重新提交失败的退款"))
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Refund]) -> None:
        for refund in queryset:
            try:
                services.refund_retry(refund_no=refund.refund_no, actor=request.user)
            except DomainError as exc:
                self.message_user(request, f"{refund.refund_no}: {exc.message}", messages.WARNING)
