"""The operators' view of levels and paid membership: the level table and the plans are edited here (a plan's
virtual SKU follows its name and price through `services.plan_sku_sync`); the growth ledger is read here and
adjusted only through `services.growth_adjust` (an entry, never an edited number); accounts, periods, level changes
and benefit uses are read-only."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from quanzi.core.admin_base import QuanziModelAdmin, ReadOnlyInline
from quanzi.core.errors import DomainError
from quanzi.loyalty.membership import errors, rules, services
from quanzi.loyalty.membership.models import (
    BenefitUse,
    GrowthEntry,
    Level,
    LevelChange,
    MemberAccount,
    MembershipPeriod,
    PeriodChange,
    Plan,
)


class _ReadOnly(QuanziModelAdmin):
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Level)
class LevelAdmin(QuanziModelAdmin):
    list_display = ("name", "threshold", "member_price", "free_shipping_threshold_fen", "is_active")
    list_editable = ("is_active",)
    filter_horizontal = ("monthly_coupons", "birthday_coupons")


@admin.register(Plan)
class PlanAdmin(QuanziModelAdmin):
    list_display = ("name", "code", "kind", "days", "price_fen", "extra_discount_percent", "free_shipping",
                    "refund_after_use", "sku_id", "is_active", "sort")
    list_filter = ("kind", "is_active")
    readonly_fields = ("sku_id",)

    def save_model(self, request: HttpRequest, obj: Plan, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if obj.price_fen > 0:
            try:
                services.plan_sku_sync(plan=obj)
            except DomainError as exc:
                messages.error(request, str(exc.message))


class GrowthForm(forms.ModelForm):
    """An operator's adjustment: checked here as the service checks it, so the form shows the error."""

    class Meta:
        model = GrowthEntry
        fields = ["user", "amount", "reason"]

    def clean_amount(self) -> int:
        amount = self.cleaned_data.get("amount") or 0
        if amount == 0 or abs(amount) > rules.max_grant():
            raise forms.ValidationError(str(errors.invalid_growth(rules.max_grant()).message))
        return int(amount)


@admin.register(GrowthEntry)
class GrowthEntryAdmin(QuanziModelAdmin):
    """The ledger is append-only: entries are read here; "add" is an operator's adjustment (kind `operator`)."""

    list_display = ("id", "user", "amount", "kind", "key", "order_id", "created_at")
    list_filter = ("kind",)
    search_fields = ("key", "user__nickname", "user__phone")
    form = GrowthForm

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f.name for f in GrowthEntry._meta.fields] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: GrowthEntry, form: Any, change: bool) -> None:
        if change:
            return
        entry = services.growth_adjust(operator=request.user, user_id=obj.user_id, amount=obj.amount,
                                       reference=uuid.uuid4().hex, reason=obj.reason)
        if entry is None:
            messages.error(request, _("未写入"))
            return
        obj.pk = entry.pk


@admin.register(MemberAccount)
class MemberAccountAdmin(_ReadOnly):
    list_display = ("user", "growth", "level", "updated_at")
    search_fields = ("user__nickname", "user__phone")


@admin.register(LevelChange)
class LevelChangeAdmin(_ReadOnly):
    list_display = ("user", "from_level", "to_level", "growth", "created_at")


class PeriodChangeInline(ReadOnlyInline):
    model = PeriodChange


class BenefitUseInline(ReadOnlyInline):
    model = BenefitUse


@admin.register(MembershipPeriod)
class MembershipPeriodAdmin(_ReadOnly):
    list_display = ("id", "user", "plan", "status", "starts_at", "ends_at", "order_id", "paid_fen", "refunded_fen")
    list_filter = ("status", "plan")
    search_fields = ("user__nickname", "user__phone", "key")
    inlines = [PeriodChangeInline, BenefitUseInline]
