"""The operators' view of invites: the policy (binding rule, rewards, anti-fraud window), bindings with their
flags, the flags to review (同一 IP / 设备 多账号: cleared or confirmed, never a silent refusal), codes, link
visits, and the first-order outcomes with their status changes. Bindings and outcomes are records: read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from quanzi.core.admin_base import QuanziModelAdmin, ReadOnlyInline, report_done, run_for_each
from quanzi.loyalty.rewards import GRANTERS
from quanzi.referrals.invites import services
from quanzi.referrals.invites.enums import FlagStatus
from quanzi.referrals.invites.models import (
    Binding,
    InviteCode,
    InviteFlag,
    InviteOutcome,
    InvitePolicy,
    InviteVisit,
    OutcomeStatusChange,
)


class PolicyForm(forms.ModelForm):
    class Meta:
        model = InvitePolicy
        fields = ("policy", "valid_days", "inviter_reward_kind", "inviter_reward_amount", "invitee_reward_kind",
                  "invitee_reward_amount", "flag_window_hours", "flag_threshold")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field in ("inviter_reward_kind", "invitee_reward_kind"):
            if data.get(field) and data[field] not in GRANTERS:
                self.add_error(field, gettext_lazy("没有应用发放这种奖励：可选 %(kinds)s")
                               % {"kinds": ", ".join(sorted(GRANTERS))})
        if data.get("flag_threshold") is not None and data["flag_threshold"] < 2:
            self.add_error("flag_threshold", gettext_lazy("至少为 2"))
        return data


@admin.register(InvitePolicy)
class InvitePolicyAdmin(QuanziModelAdmin):
    form = PolicyForm
    list_display = ("id", "policy", "valid_days", "inviter_reward_kind", "inviter_reward_amount",
                    "invitee_reward_kind", "invitee_reward_amount", "flag_window_hours", "flag_threshold")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not InvitePolicy.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FlagInline(ReadOnlyInline):
    model = InviteFlag
    fields = readonly_fields = ("kind", "value", "count", "status", "created_at")


@admin.register(Binding)
class BindingAdmin(QuanziModelAdmin):
    list_display = ("id", "invitee", "inviter", "source", "policy", "community_id", "ip", "device", "started_at",
                    "expires_at", "ended_at", "ended_reason")
    list_filter = ("source", "policy", "ended_reason")
    search_fields = ("invitee__nickname", "inviter__nickname", "ip", "device")
    readonly_fields = [f.name for f in Binding._meta.fields]
    inlines = [FlagInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(InviteFlag)
class InviteFlagAdmin(QuanziModelAdmin):
    list_display = ("id", "kind", "value", "count", "binding", "status", "created_at")
    list_filter = ("status", "kind")
    search_fields = ("value",)
    readonly_fields = ("binding", "kind", "value", "count", "status", "created_at")
    actions = ["clear", "confirm"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=gettext_lazy("核实无问题"))
    def clear(self, request: HttpRequest, queryset: QuerySet[InviteFlag]) -> None:
        report_done(self, request, run_for_each(self, request, queryset, lambda f: services.flag_review(
            actor=request.user, flag_id=f.pk, status=FlagStatus.CLEARED)))

    @admin.action(description=gettext_lazy("确认作弊"))
    def confirm(self, request: HttpRequest, queryset: QuerySet[InviteFlag]) -> None:
        report_done(self, request, run_for_each(self, request, queryset, lambda f: services.flag_review(
            actor=request.user, flag_id=f.pk, status=FlagStatus.CONFIRMED)))


@admin.register(InviteCode)
class InviteCodeAdmin(QuanziModelAdmin):
    list_display = ("code", "user", "created_at")
    search_fields = ("code", "user__nickname")
    readonly_fields = ("user", "code", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(InviteVisit)
class InviteVisitAdmin(QuanziModelAdmin):
    list_display = ("id", "inviter", "viewer", "target_kind", "target_id", "ip", "device", "created_at")
    list_filter = ("target_kind",)
    readonly_fields = [f.name for f in InviteVisit._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class OutcomeChangeInline(ReadOnlyInline):
    model = OutcomeStatusChange
    fields = readonly_fields = ("from_status", "to_status", "note", "created_at")


@admin.register(InviteOutcome)
class InviteOutcomeAdmin(QuanziModelAdmin):
    list_display = ("id", "invitee", "inviter", "order_id", "order_payable_fen", "status", "inviter_reward",
                    "invitee_reward", "paid_at", "rewarded_at")
    list_filter = ("status",)
    search_fields = ("invitee__nickname", "inviter__nickname", "order_id")
    readonly_fields = [f.name for f in InviteOutcome._meta.fields]
    inlines = [OutcomeChangeInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
