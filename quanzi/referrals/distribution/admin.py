"""The operators' distribution desk in the back office: the platform settings (one row; every rule of the service
is checked on the form — the 3-level cap cannot be raised), community and product overrides, promoters (approve,
reject, suspend, restore), the withdrawal queue (approve: paid through the payout channel; reject: the amount
comes back) and the commission ledger, read-only. Money is never written from a form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quanzi.core.admin_base import (
    Figure,
    QuanziModelAdmin,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    dashboard_figures,
    queue_figure,
    run_for_each,
)
from quanzi.core.errors import DomainError
from quanzi.referrals.distribution import services
from quanzi.referrals.distribution.enums import PromoterStatus, WithdrawalStatus
from quanzi.referrals.distribution.models import (
    RATE_FIELDS,
    CommissionEntry,
    CommunityRule,
    DistributionSettings,
    ProductRate,
    Promoter,
    PromoterStatusChange,
    Withdrawal,
    WithdrawalStatusChange,
)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = DistributionSettings
        fields = list(services.SETTINGS_FIELDS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        probe = DistributionSettings(**{k: data.get(k) for k in services.SETTINGS_FIELDS})
        try:
            services.check_settings(probe)
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message)) from None
        return data


@admin.register(DistributionSettings)
class DistributionSettingsAdmin(QuanziModelAdmin):
    form = SettingsForm
    list_display = ("__str__", "promoter_mode", "levels", "level1_rate", "level2_rate", "withdraw_min_fen",
                    "withdraw_max_fen", "withdraw_fee_fen", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not DistributionSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: DistributionSettings, form: Any, change: bool) -> None:
        services.settings_update(operator=request.user, **{k: getattr(obj, k) for k in services.SETTINGS_FIELDS})


class RuleForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            services.check_rule_values({k: data.get(k) for k in ("levels", *RATE_FIELDS)})
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message)) from None
        return data


@admin.register(CommunityRule)
class CommunityRuleAdmin(QuanziModelAdmin):
    form = RuleForm
    list_display = ("community", "promoter_mode", "levels", "level1_rate", "level2_rate", "kol_rate", "updated_at")
    autocomplete_fields = ("community",)


@admin.register(ProductRate)
class ProductRateAdmin(QuanziModelAdmin):
    form = RuleForm
    list_display = ("product", "level1_rate", "level2_rate", "kol_rate", "updated_at")
    raw_id_fields = ("product",)


class PromoterStatusInline(ReadOnlyInline):
    model = PromoterStatusChange
    readonly_fields = ("from_status", "to_status", "actor", "note", "created_at")


@admin.register(Promoter)
class PromoterAdmin(QuanziModelAdmin):
    list_display = ("id", "user", "status", "source", "pending_fen", "available_fen", "withdrawn_fen", "created_at")
    list_filter = ("status", "source")
    search_fields = ("user__nickname", "user__phone")
    inlines = [PromoterStatusInline]
    actions = ["approve", "reject", "suspend", "restore"]
    readonly_fields = [f.name for f in Promoter._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # members apply on the promoter centre; operators appoint through the API

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _each(self, request: HttpRequest, queryset: QuerySet[Promoter], fn: Any) -> None:
        done = run_for_each(self, request, queryset, lambda p: fn(operator=request.user, promoter_id=p.pk))
        messages.success(request, _("已处理 %(n)s 位推广员") % {"n": done})

    @admin.action(description=gettext_lazy("通过申请"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Promoter]) -> None:
        self._each(request, queryset, services.promoter_approve)

    @admin.action(description=gettext_lazy("驳回申请"))
    def reject(self, request: HttpRequest, queryset: QuerySet[Promoter]) -> None:
        self._each(request, queryset, services.promoter_reject)

    @admin.action(description=gettext_lazy("停用"))
    def suspend(self, request: HttpRequest, queryset: QuerySet[Promoter]) -> None:
        self._each(request, queryset, services.promoter_suspend)

    @admin.action(description=gettext_lazy("恢复"))
    def restore(self, request: HttpRequest, queryset: QuerySet[Promoter]) -> None:
        self._each(request, queryset, services.promoter_restore)


class WithdrawalStatusInline(ReadOnlyInline):
    model = WithdrawalStatusChange
    readonly_fields = ("from_status", "to_status", "actor", "note", "created_at")


@admin.register(Withdrawal)
class WithdrawalAdmin(QuanziModelAdmin):
    """The approval queue (also a page: /ops/withdrawals/)."""

    list_display = ("number", "promoter", "amount_fen", "fee_fen", "payout_fen", "status", "channel", "created_at")
    list_filter = ("status",)
    search_fields = ("number", "promoter__user__nickname", "promoter__user__phone")
    inlines = [WithdrawalStatusInline]
    actions = ["approve", "reject"]
    readonly_fields = [f.name for f in Withdrawal._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("审核通过并打款"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Withdrawal]) -> None:
        done = run_for_each(self, request, queryset,
                            lambda w: services.withdrawal_approve(operator=request.user, withdrawal_id=w.pk))
        messages.success(request, _("已处理 %(n)s 笔提现") % {"n": done})

    @admin.action(description=gettext_lazy("驳回（金额退回推广员）"))
    def reject(self, request: HttpRequest, queryset: QuerySet[Withdrawal]) -> None:
        done = run_for_each(self, request, queryset, lambda w: services.withdrawal_reject(
            operator=request.user, withdrawal_id=w.pk))
        messages.success(request, _("已处理 %(n)s 笔提现") % {"n": done})


@admin.register(CommissionEntry)
class CommissionEntryAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    """The ledger is append-only: read here, never added, edited or deleted."""

    list_display = ("id", "promoter", "kind", "bucket", "amount_fen", "order_id", "level", "rate", "created_at")
    list_filter = ("kind", "bucket", "level")
    search_fields = ("reference", "promoter__user__nickname")
    readonly_fields = [f.name for f in CommissionEntry._meta.fields]


def _dashboard(today: Any) -> list[Figure]:
    withdrawals = Withdrawal.objects.filter(status=WithdrawalStatus.REQUESTED).count()
    promoters = Promoter.objects.filter(status=PromoterStatus.APPLIED).count()
    return [
        queue_figure(gettext_lazy("待审核提现"), withdrawals,
                     "/admin/referrals_distribution/withdrawal/?status__exact=requested"),
        queue_figure(gettext_lazy("待审核推广员"), promoters,
                     "/admin/referrals_distribution/promoter/?status__exact=applied"),
    ]


dashboard_figures("70-distribution", _dashboard)
