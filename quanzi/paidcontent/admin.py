"""The operators' view of paid content: the items and what was bought, read-only (every change goes through the
services: publishing by the authors, access by the order's moments). Money shows in yuan (core.admin_base)."""

from __future__ import annotations

from django.contrib import admin

from quanzi.core.admin_base import QuanziModelAdmin, ReadOnlyAdminMixin
from quanzi.paidcontent.models import (
    Column,
    ColumnArticle,
    ColumnTerm,
    Course,
    Lesson,
    PaidPost,
    Purchase,
    PurchaseChange,
    RevenueEntry,
    SellerAllow,
)


@admin.register(PaidPost)
class PaidPostAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("id", "post", "author", "price_fen", "created_at")
    search_fields = ("post__title", "author__nickname")


@admin.register(Course)
class CourseAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("id", "title", "author", "community", "price_fen", "created_at")
    search_fields = ("title", "author__nickname")


@admin.register(Lesson)
class LessonAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("id", "course", "position", "title", "is_trial")
    list_filter = ("is_trial",)


@admin.register(Column)
class ColumnAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("id", "title", "author", "community", "month_price_fen", "year_price_fen")
    search_fields = ("title", "author__nickname")


@admin.register(ColumnArticle)
class ColumnArticleAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("id", "column", "title", "created_at")


@admin.register(Purchase)
class PurchaseAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("id", "user", "kind", "title", "period", "status", "price_fen", "commission_fen",
                    "commission_returned_fen", "refunded_fen", "order_id", "paid_at")
    list_filter = ("status", "kind")
    search_fields = ("title", "user__nickname")


@admin.register(PurchaseChange)
class PurchaseChangeAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("id", "purchase", "from_status", "to_status", "note", "at")


@admin.register(ColumnTerm)
class ColumnTermAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("id", "column", "user", "starts_at", "ends_at", "status", "reminded_at")
    list_filter = ("status",)


@admin.register(RevenueEntry)
class RevenueEntryAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("id", "key", "purchase", "amount_fen", "at")


@admin.register(SellerAllow)
class SellerAllowAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("id", "community", "user", "allowed_by", "created_at")
