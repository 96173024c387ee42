"""The KOL marketplace in the back office, read-only: the listings with their cached figures, the deals with their
products, status history, credited orders and ledger. Deals move only through the services (the merchant's and the
KOL's pages, the API, the jobs); money is never written from a form. `*_fen` columns are shown in yuan."""

from __future__ import annotations

from django.contrib import admin

from quanzi.core.admin_base import QuanziModelAdmin, ReadOnlyAdminMixin, ReadOnlyInline
from quanzi.kolmarket.models import Deal, DealCredit, DealEntry, DealProduct, DealStatusChange, KolProfile


@admin.register(KolProfile)
class KolProfileAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("user", "listed", "followers", "engagement_bp", "gmv_30d_fen", "stats_at")
    list_filter = ("listed",)
    search_fields = ("user__nickname", "user__phone")


class DealProductInline(ReadOnlyInline):
    model = DealProduct
    readonly_fields = ("product",)


class DealStatusInline(ReadOnlyInline):
    model = DealStatusChange
    readonly_fields = ("from_status", "to_status", "actor", "note", "terms", "created_at")


class DealCreditInline(ReadOnlyInline):
    model = DealCredit
    readonly_fields = ("order_id", "order_line_id", "product_id", "goods_payable_fen", "paid_at")


class DealEntryInline(ReadOnlyInline):
    model = DealEntry
    readonly_fields = ("kind", "amount_fen", "base_fen", "reference", "created_at")


@admin.register(Deal)
class DealAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("id", "merchant", "kol", "status", "commission_rate", "fixed_fee_fen", "starts_on", "ends_on",
                    "service_fee_fen", "created_at")
    list_filter = ("status",)
    search_fields = ("merchant__business_name", "kol__nickname")
    inlines = [DealProductInline, DealStatusInline, DealCreditInline, DealEntryInline]
