"""The back office for communities: operators look up communities, members, invitations and reports;
the moderation log is an audit trail and can only be read."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from quanzi.communities import hooks
from quanzi.communities.enums import MembershipStatus, ReportStatus, ReportTarget
from quanzi.communities.models import Community, Invitation, Membership, ModerationAction, Report
from quanzi.core.admin_base import (
    Figure,
    QuanziModelAdmin,
    ReadOnlyAdminMixin,
    dashboard_figures,
    queue_figure,
)
from quanzi.core.images import CLEAN_IMAGE_FORMFIELDS


@admin.register(Community)
class CommunityAdmin(QuanziModelAdmin):
    list_display = ("name", "slug", "vertical", "visibility", "owner", "member_count", "post_count", "created_at")
    list_filter = ("vertical", "visibility")
    search_fields = ("name", "slug", "positioning", "owner__nickname", "owner__phone")
    readonly_fields = ("member_count", "post_count", "created_at")
    raw_id_fields = ("owner",)
    ordering = ("-member_count",)
    formfield_overrides = CLEAN_IMAGE_FORMFIELDS  # a cover set here is re-encoded like any upload


@admin.register(Membership)
class MembershipAdmin(QuanziModelAdmin):
    list_display = ("community", "user", "role", "status", "muted_until", "invited_by", "joined_at")
    list_filter = ("role", "status")
    search_fields = ("community__name", "community__slug", "user__nickname", "user__phone")
    raw_id_fields = ("community", "user", "invited_by", "invitation")
    list_select_related = ("community", "user", "invited_by")


@admin.register(Invitation)
class InvitationAdmin(QuanziModelAdmin):
    list_display = ("code", "community", "created_by", "use_count", "max_uses", "expires_at", "revoked", "created_at")
    list_filter = ("revoked",)
    search_fields = ("code", "community__name", "created_by__nickname")
    readonly_fields = ("code", "use_count", "created_at")
    raw_id_fields = ("community", "created_by")


@admin.register(Report)
class ReportAdmin(QuanziModelAdmin):
    list_display = ("id", "community", "target_type", "target_link", "reason", "reporter", "status", "handled_by",
                    "created_at")
    list_filter = ("status", "target_type")
    search_fields = ("reason", "community__name", "reporter__nickname")
    raw_id_fields = ("community", "reporter", "handled_by")
    readonly_fields = ("target_link", "handled_at", "created_at")

    @admin.display(description=_("举报对象"))
    def target_link(self, obj: Report) -> str:
        """The page of what was reported (a member's page, or the one content registered for posts and comments)."""
        if obj.target_type == ReportTarget.MEMBER:
            url = f"/u/{obj.target_id}/"
        else:
            links = hooks.REPORT_TARGET_LINKS.get(obj.target_type)
            url = links([obj.target_id]).get(obj.target_id, "") if links else ""
        label = obj.get_target_type_display()
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, label) if url else label


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("created_at", "community", "actor", "kind", "target_user", "target_type", "target_id", "reason")
    list_filter = ("kind",)
    search_fields = ("community__name", "actor__nickname", "target_user__nickname", "reason")
    list_select_related = ("community", "actor", "target_user")
    date_hierarchy = "created_at"


def _dashboard(today: Any) -> list[Figure]:
    joined = Membership.objects.filter(joined_at__gte=today, status=MembershipStatus.ACTIVE).count()
    open_reports = Report.objects.filter(status=ReportStatus.OPEN).count()
    return [
        Figure(_("今日新成员（入群）"), str(joined),
               f"/admin/communities/membership/?joined_at__date={today.date().isoformat()}"),
        queue_figure(_("待处理举报"), open_reports, "/admin/communities/report/?status__exact=open"),
    ]


dashboard_figures("30-communities", _dashboard)
