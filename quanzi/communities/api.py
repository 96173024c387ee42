"""/api/v1/communities: discover, search, create and edit, join and leave, members, roles, moderation,
invitations and reports. Thin: every handler parses, calls one service or selector, and returns a schema."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from quanzi.api_auth import current_user, optional, required, viewer
from quanzi.communities import selectors, services
from quanzi.communities.enums import Role
from quanzi.communities.models import Community, Invitation, Membership, Report
from quanzi.communities.permissions import role_permissions
from quanzi.communities.schemas import (
    BanIn,
    CommunityDetailOut,
    CommunityIn,
    CommunityOut,
    CommunityPatch,
    InvitationIn,
    InvitationOut,
    InvitationPreviewOut,
    JoinIn,
    MemberOut,
    ModerationOut,
    MuteIn,
    MyCommunityOut,
    MyMembershipOut,
    RejectIn,
    ReportCloseIn,
    ReportIn,
    ReportOut,
    RoleIn,
    RolePermissionsOut,
)
from quanzi.core.pagination import PageNumber

router = Router(tags=["communities 社群"])


def _community(request: HttpRequest, slug: str) -> Community:
    """The community by slug, or 404 when it does not exist or the viewer may not see it."""
    return selectors.community_get(slug=slug, user=viewer(request))


def _detail(request: HttpRequest, community: Community) -> Community:
    user = viewer(request)
    m = selectors.membership_get(user=user, community=community)
    community.membership = m  # type: ignore[attr-defined]
    community.permissions = selectors.viewer_permissions(user=user, community=community)  # type: ignore[attr-defined]
    return community


# --- collection routes (declared before /{slug} so they win) ---------------------------------------------


@router.get("", response=list[CommunityOut], auth=optional)
@paginate(PageNumber)
def community_list(request: HttpRequest, vertical: str | None = None):  # type: ignore[no-untyped-def]
    """Discover: communities the viewer may see, biggest first; `?vertical=` filters."""
    return selectors.community_list(user=viewer(request), vertical=vertical)


@router.get("/search", response=list[CommunityOut], auth=optional)
@paginate(PageNumber)
def community_search(request: HttpRequest, q: str = ""):  # type: ignore[no-untyped-def]
    """Chinese keyword search over name, positioning and tags."""
    return selectors.community_search(user=viewer(request), q=q)


@router.get("/mine", response=list[MyCommunityOut], auth=required)
@paginate(PageNumber)
def mine(request: HttpRequest):  # type: ignore[no-untyped-def]
    return selectors.my_communities(user=current_user(request))


def _role_table() -> list[dict[str, Any]]:
    return [{"role": r.value, "label": str(r.label),
             "permissions": [{"code": c, "text": t} for c, t in role_permissions(r.value)]}
            for r in (Role.OWNER, Role.ADMIN, Role.KOL, Role.MEMBER)]


@router.get("/roles", response=list[RolePermissionsOut], auth=optional)
def roles(request: HttpRequest) -> list[dict[str, Any]]:
    """The written permission list of every role (the same in every community)."""
    return _role_table()


@router.post("", response={201: CommunityDetailOut}, auth=required)
def community_create(request: HttpRequest, data: CommunityIn) -> Status:
    community = services.community_create(owner=current_user(request), **data.dict())
    return Status(201, _detail(request, community))


@router.get("/join/{code}", response=InvitationPreviewOut, auth=optional)
def invitation_preview(request: HttpRequest, code: str) -> dict[str, Any]:
    """What an invitation link shows before joining: the community and who invited."""
    inv = services.invitation_get(code=code)
    return {"code": inv.code, "usable": selectors.invitation_is_usable(inv), "community": inv.community,
            "inviter": inv.created_by}


@router.post("/join/{code}", response=MyMembershipOut, auth=required)
def invitation_redeem(request: HttpRequest, code: str) -> Membership:
    return services.invitation_redeem(user=current_user(request), code=code)


# --- one community ---------------------------------------------------------------------------------------


@router.get("/{slug}", response=CommunityDetailOut, auth=optional)
def community_detail(request: HttpRequest, slug: str) -> Community:
    return _detail(request, _community(request, slug))


@router.patch("/{slug}", response=CommunityDetailOut, auth=required)
def community_update(request: HttpRequest, slug: str, data: CommunityPatch) -> Community:
    community = services.community_update(actor=current_user(request), community=_community(request, slug),
                                          **data.dict())
    return _detail(request, community)


@router.post("/{slug}/cover", response=CommunityDetailOut, auth=required)
def community_cover(request: HttpRequest, slug: str, file: UploadedFile = File(...)) -> Community:  # noqa: B008
    community = services.community_update(actor=current_user(request), community=_community(request, slug),
                                          cover=file)
    return _detail(request, community)


@router.post("/{slug}/join", response=MyMembershipOut, auth=required)
def community_join(request: HttpRequest, slug: str, data: JoinIn) -> Membership:
    """Join (public), apply (apply-to-join: status `pending`) or join with an invitation `code`.
    Send `{}` for a plain join."""
    user = current_user(request)
    community = selectors.community_for_join(slug=slug, user=user, code=data.code)
    return services.community_join(user=user, community=community, code=data.code, apply_note=data.apply_note)


@router.post("/{slug}/leave", response=MyMembershipOut, auth=required)
def community_leave(request: HttpRequest, slug: str) -> Membership:
    return services.community_leave(user=current_user(request), community=_community(request, slug))


# --- members and roles -----------------------------------------------------------------------------------


@router.get("/{slug}/roles", response=list[RolePermissionsOut], auth=optional)
def community_roles(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """The same written list, for one community's rules page."""
    _community(request, slug)
    return _role_table()


@router.get("/{slug}/members", response=list[MemberOut], auth=optional)
@paginate(PageNumber)
def member_list(request: HttpRequest, slug: str, role: str | None = None):  # type: ignore[no-untyped-def]
    return selectors.member_list(community=_community(request, slug), viewer=viewer(request), role=role)


@router.get("/{slug}/pending", response=list[MemberOut], auth=required)
@paginate(PageNumber)
def pending_list(request: HttpRequest, slug: str):  # type: ignore[no-untyped-def]
    return selectors.pending_list(community=_community(request, slug), viewer=current_user(request))


@router.post("/{slug}/pending/{user_id}/approve", response=MemberOut, auth=required)
def membership_approve(request: HttpRequest, slug: str, user_id: int) -> Membership:
    return services.membership_approve(actor=current_user(request), community=_community(request, slug),
                                       user_id=user_id)


@router.post("/{slug}/pending/{user_id}/reject", response=MemberOut, auth=required)
def membership_reject(request: HttpRequest, slug: str, user_id: int, data: RejectIn) -> Membership:
    return services.membership_reject(actor=current_user(request), community=_community(request, slug),
                                      user_id=user_id, reason=data.reason)


@router.put("/{slug}/members/{user_id}/role", response=MemberOut, auth=required)
def role_set(request: HttpRequest, slug: str, user_id: int, data: RoleIn) -> Membership:
    return services.role_set(actor=current_user(request), community=_community(request, slug), user_id=user_id,
                             role=data.role)


@router.post("/{slug}/members/{user_id}/mute", response=MemberOut, auth=required)
def member_mute(request: HttpRequest, slug: str, user_id: int, data: MuteIn) -> Membership:
    return services.member_mute(actor=current_user(request), community=_community(request, slug),
                                user_id=user_id, until=data.until, reason=data.reason)


@router.delete("/{slug}/members/{user_id}/mute", response=MemberOut, auth=required)
def member_unmute(request: HttpRequest, slug: str, user_id: int) -> Membership:
    return services.member_unmute(actor=current_user(request), community=_community(request, slug),
                                  user_id=user_id)


@router.post("/{slug}/members/{user_id}/ban", response=MemberOut, auth=required)
def member_ban(request: HttpRequest, slug: str, user_id: int, data: BanIn) -> Membership:
    return services.member_ban(actor=current_user(request), community=_community(request, slug),
                               user_id=user_id, reason=data.reason)


@router.delete("/{slug}/members/{user_id}/ban", response=MemberOut, auth=required)
def member_unban(request: HttpRequest, slug: str, user_id: int) -> Membership:
    return services.member_unban(actor=current_user(request), community=_community(request, slug),
                                 user_id=user_id)


# --- invitations -----------------------------------------------------------------------------------------


@router.post("/{slug}/invitations", response={201: InvitationOut}, auth=required)
def invitation_create(request: HttpRequest, slug: str, data: InvitationIn) -> Status:
    inv = services.invitation_create(actor=current_user(request), community=_community(request, slug),
                                     max_uses=data.max_uses, expires_at=data.expires_at)
    return Status(201, inv)


@router.get("/{slug}/invitations", response=list[InvitationOut], auth=required)
@paginate(PageNumber)
def invitation_list(request: HttpRequest, slug: str):  # type: ignore[no-untyped-def]
    return selectors.invitation_list(community=_community(request, slug), viewer=current_user(request))


@router.post("/{slug}/invitations/{invitation_id}/revoke", response=InvitationOut, auth=required)
def invitation_revoke(request: HttpRequest, slug: str, invitation_id: int) -> Invitation:
    return services.invitation_revoke(actor=current_user(request), community=_community(request, slug),
                                      invitation_id=invitation_id)


# --- reports and the moderation log ----------------------------------------------------------------------


@router.post("/{slug}/reports", response={201: ReportOut}, auth=required)
def report_create(request: HttpRequest, slug: str, data: ReportIn) -> Status:
    report = services.report_create(reporter=current_user(request), community=_community(request, slug),
                                    target_type=data.target_type, target_id=data.target_id, reason=data.reason)
    return Status(201, report)


@router.get("/{slug}/reports", response=list[ReportOut], auth=required)
@paginate(PageNumber)
def report_list(request: HttpRequest, slug: str, status: str | None = None):  # type: ignore[no-untyped-def]
    return selectors.report_list(community=_community(request, slug), viewer=current_user(request), status=status)


@router.post("/{slug}/reports/{report_id}/resolve", response=ReportOut, auth=required)
def report_resolve(request: HttpRequest, slug: str, report_id: int, data: ReportCloseIn) -> Report:
    return services.report_resolve(actor=current_user(request), community=_community(request, slug),
                                   report_id=report_id, note=data.note)


@router.post("/{slug}/reports/{report_id}/dismiss", response=ReportOut, auth=required)
def report_dismiss(request: HttpRequest, slug: str, report_id: int, data: ReportCloseIn) -> Report:
    return services.report_dismiss(actor=current_user(request), community=_community(request, slug),
                                   report_id=report_id, note=data.note)


@router.get("/{slug}/moderation-log", response=list[ModerationOut], auth=required)
@paginate(PageNumber)
def moderation_log(request: HttpRequest, slug: str):  # type: ignore[no-untyped-def]
    return selectors.moderation_log(community=_community(request, slug), viewer=current_user(request))
