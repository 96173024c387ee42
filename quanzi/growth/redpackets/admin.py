"""The operators' view of red packets and balances in the back office: every packet with its shares and status
changes (end an open packet early: the rest goes back to its funder), every ledger entry, and granting balance
to a member from the platform's budget (through `services.balance_grant`: an entry, never an edited number)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quanzi.core.admin_base import QuanziModelAdmin, QuanziTabularInline
from quanzi.core.errors import DomainError
from quanzi.growth.redpackets import errors, rules, services
from quanzi.growth.redpackets.models import BalanceEntry, RedPacket, RedPacketShare, RedPacketStatusChange


class ShareInline(QuanziTabularInline):
    model = RedPacketShare
    extra = 0
    can_delete = False
    readonly_fields = ("position", "amount_fen", "claimer", "claimed_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StatusChangeInline(QuanziTabularInline):
    model = RedPacketStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "actor", "note", "created_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RedPacket)
class RedPacketAdmin(QuanziModelAdmin):
    list_display = ("id", "greeting", "funder", "community", "amount_fen", "shares", "claimed_count", "claimed_fen",
                    "status", "expires_at")
    list_filter = ("status",)
    search_fields = ("greeting", "funder__nickname", "community__name")
    inlines = [ShareInline, StatusChangeInline]
    actions = ["end_now"]
    readonly_fields = [f.name for f in RedPacket._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # packets are funded by members from their balance (the red-packet page)

    @admin.action(description=gettext_lazy("结束所选红包（未领金额退回）"))
    def end_now(self, request: HttpRequest, queryset: QuerySet[RedPacket]) -> None:
        ended = 0
        for pk in queryset.values_list("pk", flat=True):
            try:
                services.redpacket_expire(packet_id=pk, operator=request.user)
                ended += 1
            except DomainError as exc:
                messages.error(request, str(exc.message))
        messages.success(request, _("已处理 %(n)s 个红包") % {"n": ended})


class GrantForm(forms.ModelForm):
    """Granting balance: the amount is checked here as the service checks it, so the form shows the error."""

    class Meta:
        model = BalanceEntry
        fields = ["user", "amount_fen", "note"]

    def clean_amount_fen(self) -> int:
        amount = self.cleaned_data.get("amount_fen") or 0
        if not 1 <= amount <= rules.max_amount_fen():
            raise forms.ValidationError(str(errors.invalid_amount(rules.max_amount_fen()).message))
        return int(amount)


@admin.register(BalanceEntry)
class BalanceEntryAdmin(QuanziModelAdmin):
    """The ledger is append-only: entries are read here; "add" grants balance (kind `grant`)."""

    list_display = ("id", "user", "amount_fen", "kind", "reference", "created_at")
    list_filter = ("kind",)
    search_fields = ("reference", "user__nickname", "user__phone")
    form = GrantForm

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f.name for f in BalanceEntry._meta.fields] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: BalanceEntry, form: Any, change: bool) -> None:
        if change:
            return
        entry = services.balance_grant(operator=request.user, user_id=obj.user_id, amount_fen=obj.amount_fen,
                                       reference=uuid.uuid4().hex, note=obj.note)
        obj.pk = entry.pk
