from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from quanzi.core.admin_base import QuanziModelAdmin, QuanziTabularInline, ReadOnlyAdminMixin
from quanzi.settlements.models import SettlementStatement, StatementLine


class LineInline(QuanziTabularInline):
    model = StatementLine
    extra = 0
    can_delete = False
    fields = ("happened_at", "kind", "order_number", "refund_no", "title", "quantity", "amount_fen",
              "commission_fen")
    readonly_fields = ("happened_at", "kind", "order_number", "refund_no", "title", "quantity", "amount_fen",
                       "commission_fen")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SettlementStatement)
class SettlementStatementAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    """Read-only: statements are built by `statement_generate` and confirmed on /ops/settlements/."""

    list_display = ["id", "merchant", "period_start", "period_end", "status", "sales_fen", "refunds_fen",
                    "commission_fen", "net_fen", "generated_at"]
    list_filter = ["status", "period_start"]
    search_fields = ["merchant__business_name"]
    inlines = [LineInline]
