from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from quanzi.core.admin_base import ReadOnlyInline
from quanzi.core.errors import DomainError
from quanzi.core.money import format_yuan
from quanzi.payments import selectors, services
from quanzi.payments.models import (
    CombinedPayment,
    CombinedPaymentStatusChange,
    Payment,
    PaymentCallback,
    PaymentStatusChange,
    Reconciliation,
    Refund,
    RefundStatusChange,
)


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
    list_display = ("payment_no", "order", "payer", "gateway", "kind", "amount_fen", "refunded_fen", "status",
                    "paid_at", "queries")
    list_filter = ("gateway", "kind", "status")
    search_fields = ("payment_no", "gateway_txn_id", "order__number")
    inlines = [PaymentStatusInline]


class CombinedStatusInline(ReadOnlyInline):
    model = CombinedPaymentStatusChange
    fields = ("from_status", "to_status", "actor", "shown_note", "created_at")
    readonly_fields = ("shown_note", "created_at")

    @admin.display(description=_("说明"))
    def shown_note(self, obj: CombinedPaymentStatusChange) -> str:
        return obj.display_text


class CombinedShareInline(ReadOnlyInline):
    """The per-order payments of a combined trade (refunds are made on these, up to each order's share)."""

    model = Payment
    fk_name = "combined"
    fields = ("payment_no", "order", "amount_yuan", "refunded_yuan", "status")
    readonly_fields = ("amount_yuan", "refunded_yuan")

    @admin.display(description=_("金额"))
    def amount_yuan(self, obj: Payment) -> str:
        return format_yuan(obj.amount_fen)

    @admin.display(description=_("已退及退款中"))
    def refunded_yuan(self, obj: Payment) -> str:
        return format_yuan(obj.refunded_fen)


@admin.register(CombinedPayment)
class CombinedPaymentAdmin(ReadOnlyAdmin):
    """Combined trades (合单支付): one gateway trade for the orders of one checkout."""

    list_display = ("combined_no", "checkout", "payer", "gateway", "kind", "amount_yuan", "status", "paid_at",
                    "queries")
    list_filter = ("gateway", "status")
    search_fields = ("combined_no", "gateway_txn_id", "children__payment_no", "children__order__number")
    inlines = [CombinedShareInline, CombinedStatusInline]

    @admin.display(description=_("合计金额"))
    def amount_yuan(self, obj: CombinedPayment) -> str:
        return format_yuan(obj.amount_fen)


@admin.register(PaymentCallback)
class PaymentCallbackAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "gateway", "notify_id", "out_trade_no", "amount_fen", "verified", "result",
                    "error_code", "deliveries")
    list_filter = ("gateway", "kind", "verified", "result")
    search_fields = ("notify_id", "out_trade_no", "gateway_txn_id")


class StuckRefundFilter(admin.SimpleListFilter):
    """Refunds still pending or processing a day after they were made: the query job keeps asking the provider,
    but someone should look (a bank card refund can take days; an ABNORMAL one needs the merchant)."""

    title = _("卡住的退款")
    parameter_name = "stuck"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("1", str(_("超过一天仍未完成")))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Refund]) -> QuerySet[Refund]:
        if self.value() == "1":
            return queryset.filter(pk__in=selectors.refunds_stuck().values("pk"))
        return queryset


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("refund_no", "order", "payment", "kind", "amount_fen", "shown_reason", "status", "error_code",
                    "attempts", "queries", "next_query_at", "created_at")
    list_filter = (StuckRefundFilter, "status", "kind")
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



@admin.register(Reconciliation)
class ReconciliationAdmin(ReadOnlyAdmin):
    """The daily reconciliation reports: each provider's bill of a day against our payments and refunds."""

    list_display = ("bill_date", "gateway", "status", "bill_rows", "our_rows", "difference_count", "error")
    list_filter = ("status", "gateway")
    date_hierarchy = "bill_date"
    readonly_fields = ("gateway", "bill_date", "status", "bill_rows", "our_rows", "difference_table", "error",
                       "created_at", "updated_at")
    exclude = ("differences",)

    @admin.display(description=_("差异数"))
    def difference_count(self, obj: Reconciliation) -> int:
        return len(obj.differences or [])

    @admin.display(description=_("差异"))
    def difference_table(self, obj: Reconciliation) -> str:
        labels = {"missing_here": _("渠道有、本地无"), "missing_there": _("本地有、渠道无"), "amount": _("金额不一致")}
        rows = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((labels.get(d.get("kind"), d.get("kind")), d.get("type"), d.get("ref"),
              "-" if d.get("ours") is None else format_yuan(int(d["ours"])),
              "-" if d.get("theirs") is None else format_yuan(int(d["theirs"])))
             for d in obj.differences or []))
        return format_html("<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
                           _("差异"), _("类型"), _("单号"), _("本地金额"), _("渠道金额"), rows)
