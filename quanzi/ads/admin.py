"""The operators' view of advertising: campaigns with the review actions (approve / reject the creative: an
unreviewed creative never shows), and the read-only ledger, top-ups, billed events and credited orders. Every
change goes through the services."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from quanzi.ads import services
from quanzi.ads.models import AdCampaign, AdConversion, AdEvent, AdLedgerEntry, AdTopUp
from quanzi.core.admin_base import QuanziModelAdmin, ReadOnlyAdminMixin, report_done, run_for_each


@admin.register(AdCampaign)
class AdCampaignAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("id", "name", "merchant", "placement", "billing", "price_fen", "budget_fen", "spent_fen",
                    "status", "starts_at", "ends_at")
    list_filter = ("status", "placement", "billing")
    search_fields = ("name", "title", "merchant__business_name")
    actions = ["approve", "reject"]

    @admin.action(description=gettext_lazy("审核通过所选广告创意"))
    def approve(self, request: HttpRequest, queryset: QuerySet[AdCampaign]) -> None:
        report_done(self, request, run_for_each(self, request, queryset, lambda c: services.campaign_review(
            operator=request.user, campaign_id=c.pk, approve=True)))

    @admin.action(description=gettext_lazy("驳回所选广告创意（预算退回商家）"))
    def reject(self, request: HttpRequest, queryset: QuerySet[AdCampaign]) -> None:
        report_done(self, request, run_for_each(self, request, queryset, lambda c: services.campaign_review(
            operator=request.user, campaign_id=c.pk, approve=False, note=str(gettext_lazy("创意未通过审核")))))

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AdLedgerEntry)
class AdLedgerEntryAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("id", "merchant", "kind", "amount_fen", "reference", "created_at")
    list_filter = ("kind",)
    search_fields = ("reference", "merchant__business_name")


@admin.register(AdTopUp)
class AdTopUpAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("id", "merchant", "amount_fen", "status", "order", "created_at", "paid_at")
    list_filter = ("status",)


@admin.register(AdEvent)
class AdEventAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("id", "campaign", "kind", "placement", "charge_fen", "created_at")
    list_filter = ("kind", "placement")


@admin.register(AdConversion)
class AdConversionAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("id", "campaign", "order_id", "amount_fen", "created_at")
