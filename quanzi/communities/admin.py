"""The back office for communities: operators look up communities, members, invitations and reports;
the moderation log is an audit trail and can only be read."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from quanzi.communities.models import Community, Invitation, Membership, ModerationAction, Report
from quanzi.core.images import CLEAN_IMAGE_FORMFIELDS


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "vertical", "visibility", "owner", "member_count", "post_count", "created_at")
    list_filter = ("vertical", "visibility")
    search_fields = ("name", "slug", "positioning", "owner__nickname", "owner__phone")
    readonly_fields = ("member_count", "post_count", "created_at")
    raw_id_fields = ("owner",)
    ordering = ("-member_count",)
    formfield_overrides = CLEAN_IMAGE_FORMFIELDS  # a cover set here is re-encoded like any upload


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("community", "user", "role", "status", "muted_until", "invited_by", "joined_at")
    list_filter = ("role", "status")
    search_fields = ("community__name", "community__slug", "user__nickname", "user__phone")
    raw_id_fields = ("community", "user", "invited_by", "invitation")
    list_select_related = ("community", "user", "invited_by")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("code", "community", "created_by", "use_count", "max_uses", "expires_at", "revoked", "created_at")
    list_filter = ("revoked",)
    search_fields = ("code", "community__name", "created_by__nickname")
    readonly_fields = ("code", "use_count", "created_at")
    raw_id_fields = ("community", "created_by")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("id", "community", "target_type", "target_id", "reporter", "status", "handled_by", "created_at")
    list_filter = ("status", "target_type")
    search_fields = ("reason", "community__name", "reporter__nickname")
    raw_id_fields = ("community", "reporter", "handled_by")
    readonly_fields = ("handled_at", "created_at")


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    list_display = ("created_at", "community", "actor", "kind", "target_user", "target_type", "target_id", "reason")
    list_filter = ("kind",)
    search_fields = ("community__name", "actor__nickname", "target_user__nickname", "reason")
    list_select_related = ("community", "actor", "target_user")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

