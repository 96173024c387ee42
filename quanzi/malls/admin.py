"""The back office for malls: operators look up malls, their operators, tenants, partners, calendar, joint
campaigns, cross-promotion coupons and notices. Every row is written by the mall services (which join the
communities and scope the coupons), so the back office reads them only; the audit rows likewise."""

from __future__ import annotations

from django.contrib import admin

from quanzi.core.admin_base import QuanziModelAdmin, ReadOnlyAdminMixin
from quanzi.malls.models import (
    CalendarItem,
    CalendarSignup,
    CampaignEntry,
    CrossPromotion,
    JointCampaign,
    Mall,
    MallAction,
    MallNotice,
    MallOperator,
    MallPartner,
    MallTenant,
)


@admin.register(Mall)
class MallAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("name", "slug", "address", "owner", "customer_community", "tenant_community",
                    "partner_community", "created_at")
    search_fields = ("name", "slug", "address")
    list_select_related = ("owner", "customer_community", "tenant_community", "partner_community")


@admin.register(MallOperator)
class MallOperatorAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("mall", "user", "added_by", "created_at")
    search_fields = ("mall__name", "user__nickname", "user__phone")
    list_select_related = ("mall", "user", "added_by")


@admin.register(MallTenant)
class MallTenantAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("mall", "merchant", "unit", "status", "invited_by", "invited_at", "joined_at")
    list_filter = ("status",)
    search_fields = ("mall__name", "merchant__business_name")
    list_select_related = ("mall", "merchant", "invited_by")


@admin.register(MallPartner)
class MallPartnerAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("mall", "merchant", "kind", "status", "reviewed_by", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("mall__name", "merchant__business_name")
    list_select_related = ("mall", "merchant", "reviewed_by")


@admin.register(CalendarItem)
class CalendarItemAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("title", "mall", "kind", "starts_on", "ends_on", "signup_open", "signup_deadline", "status")
    list_filter = ("kind", "status", "signup_open")
    search_fields = ("title", "mall__name")
    list_select_related = ("mall",)


@admin.register(CalendarSignup)
class CalendarSignupAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("item", "merchant", "signed_by", "note", "created_at")
    search_fields = ("item__title", "merchant__business_name")
    list_select_related = ("item", "merchant", "signed_by")


@admin.register(JointCampaign)
class JointCampaignAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("title", "mall", "starts_at", "ends_at", "status", "created_by")
    list_filter = ("status",)
    search_fields = ("title", "mall__name")
    list_select_related = ("mall", "created_by")


@admin.register(CampaignEntry)
class CampaignEntryAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("campaign", "merchant", "joined_by", "created_at", "updated_at")
    search_fields = ("campaign__title", "merchant__business_name")
    list_select_related = ("campaign", "merchant", "joined_by")


@admin.register(CrossPromotion)
class CrossPromotionAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("template", "mall", "direction", "partner", "offered_by", "status", "created_at")
    list_filter = ("direction", "status")
    search_fields = ("template__name", "mall__name")
    list_select_related = ("template", "mall", "partner__merchant", "offered_by")


@admin.register(MallNotice)
class MallNoticeAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("mall", "post", "created_by", "created_at")
    search_fields = ("mall__name", "post__title")
    list_select_related = ("mall", "post", "created_by")


@admin.register(MallAction)
class MallActionAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("created_at", "mall", "actor", "kind", "target_id")
    list_filter = ("kind",)
    search_fields = ("mall__name", "actor__nickname")
    list_select_related = ("mall", "actor")
    date_hierarchy = "created_at"
