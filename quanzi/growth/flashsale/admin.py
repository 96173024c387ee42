"""The back office: operators create sessions and their items here (or on /flashsale/manage/), and schedule, pause,
resume and end them with the actions, which call the same services (stock moves, audit rows). Counters and
reservations are read-only: they change only through checkouts and order moments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from quanzi.core.admin_base import (
    QuanziModelAdmin,
    QuanziTabularInline,
    ReadOnlyAdminMixin,
    report_done,
    run_for_each,
)
from quanzi.core.errors import DomainError
from quanzi.growth.flashsale import services
from quanzi.growth.flashsale.enums import SessionStatus
from quanzi.growth.flashsale.models import (
    FlashItem,
    FlashReservation,
    FlashSession,
    FlashSessionStatusChange,
)


class ItemForm(forms.ModelForm):
    class Meta:
        model = FlashItem
        fields = ("sku", "flash_price_fen", "allotment", "per_member_limit", "sort")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            services.check_item_fields(sku=data.get("sku"), flash_price_fen=data.get("flash_price_fen"),
                                       allotment=data.get("allotment"),
                                       per_member_limit=data.get("per_member_limit"), sort=data.get("sort") or 0)
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message)) from exc
        return data


class SessionForm(forms.ModelForm):
    class Meta:
        model = FlashSession
        fields = ("title", "merchant", "starts_at", "ends_at", "pay_minutes")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            services.check_session_fields(title=data.get("title") or "", starts_at=data.get("starts_at"),
                                          ends_at=data.get("ends_at"), pay_minutes=data.get("pay_minutes"))
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message)) from exc
        return data


class ItemInline(QuanziTabularInline):
    model = FlashItem
    form = ItemForm
    extra = 0
    fields = ("sku", "flash_price_fen", "allotment", "per_member_limit", "sort", "reserved", "allotted_at",
              "returned_at")
    readonly_fields = ("reserved", "allotted_at", "returned_at")
    raw_id_fields = ("sku",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or obj.status == SessionStatus.DRAFT  # a scheduled session's units are in play

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or obj.status == SessionStatus.DRAFT

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or obj.status == SessionStatus.DRAFT


class StatusChangeInline(QuanziTabularInline):
    model = FlashSessionStatusChange
    extra = 0
    can_delete = False
    fields = ("created_at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FlashSession)
class FlashSessionAdmin(QuanziModelAdmin):
    list_display = ("id", "title", "merchant", "starts_at", "ends_at", "status", "pay_minutes", "created_at")
    list_filter = ("status",)
    search_fields = ("title",)
    raw_id_fields = ("merchant",)
    readonly_fields = ("status", "created_by", "created_at", "updated_at", "ended_at")
    inlines = [ItemInline, StatusChangeInline]
    form = SessionForm
    actions = ["schedule", "pause", "resume", "end"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or obj.status == SessionStatus.DRAFT)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # ended, never deleted: its orders point at it

    def save_model(self, request: HttpRequest, obj: FlashSession, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        # a new session goes through the service (its audit row and event); the inlines then save onto it
        session = services.session_create(user=request.user, title=obj.title, starts_at=obj.starts_at,
                                          ends_at=obj.ends_at, pay_minutes=obj.pay_minutes,
                                          merchant_id=obj.merchant_id)
        obj.pk, obj.created_by, obj.created_at = session.pk, session.created_by, session.created_at
        obj.status = session.status

    def _run(self, request: HttpRequest, queryset: QuerySet[FlashSession], fn: Callable[..., Any]) -> None:
        report_done(self, request,
                    run_for_each(self, request, queryset, lambda session: fn(user=request.user, session_id=session.pk)))

    @admin.action(description=_("排期（名额移出库存）"))
    def schedule(self, request: HttpRequest, queryset: QuerySet[FlashSession]) -> None:
        self._run(request, queryset, services.session_schedule)

    @admin.action(description=_("暂停"))
    def pause(self, request: HttpRequest, queryset: QuerySet[FlashSession]) -> None:
        self._run(request, queryset, services.session_pause)

    @admin.action(description=_("恢复"))
    def resume(self, request: HttpRequest, queryset: QuerySet[FlashSession]) -> None:
        self._run(request, queryset, services.session_resume)

    @admin.action(description=_("结束（剩余名额归还库存）"))
    def end(self, request: HttpRequest, queryset: QuerySet[FlashSession]) -> None:
        self._run(request, queryset, services.session_end)


@admin.register(FlashReservation)
class FlashReservationAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("id", "item", "user", "order", "quantity", "goods_fen", "status", "returned_to_allotment",
                    "created_at", "paid_at", "released_at")
    list_filter = ("status",)
    search_fields = ("order__number",)
