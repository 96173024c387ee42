"""Community reads, and the permission check every app uses: `require_perm` / `has_perm`."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.communities.enums import MembershipStatus, ReportStatus, Role, Vertical, Visibility
from quanzi.communities.errors import ErrorCode
from quanzi.communities.models import Community, Invitation, Membership, ModerationAction, Report
from quanzi.communities.permissions import PERMISSIONS, ROLE_PERMISSIONS
from quanzi.core.errors import InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from quanzi.core.search import search_ranked as core_search_ranked
from quanzi.core.search import search_terms as core_search_terms


def _authed(user: Any) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def membership_get(*, user: Any, community: Community) -> Membership | None:
    if not _authed(user):
        return None
    cache = getattr(user, "_membership_cache", None)
    if cache is None:
        cache = {}
        try:
            user._membership_cache = cache
        except AttributeError:
            pass
    if community.pk not in cache:
        cache[community.pk] = Membership.objects.filter(user=user, community=community).first()
    return cache[community.pk]


def active_role(*, user: Any, community: Community) -> str | None:
    m = membership_get(user=user, community=community)
    return m.role if m is not None and m.status == MembershipStatus.ACTIVE else None


def can_view(*, user: Any, community: Community) -> bool:
    """Public and apply-to-join communities are readable by anyone; invite-only ones only by their members."""
    if community.visibility != Visibility.INVITE:
        return True
    if _authed(user) and user.is_staff:
        return True
    return active_role(user=user, community=community) is not None


def is_muted(*, user: Any, community: Community) -> bool:
    m = membership_get(user=user, community=community)
    return m is not None and m.muted_until is not None and m.muted_until > timezone.now()


def has_perm(*, user: Any, community: Community, perm: str) -> bool:
    if perm == "view":
        return can_view(user=user, community=community)
    role = active_role(user=user, community=community)
    if role is None:
        return False
    if perm == "post" and is_muted(user=user, community=community):
        return False
    return perm in ROLE_PERMISSIONS.get(role, frozenset())


def require_perm(*, user: Any, community: Community, perm: str) -> None:
    """Raise the error that fits: 404 if the viewer may not even see the community, 401 if a login would
    help, 403 otherwise. Services call this before every write."""
    if not can_view(user=user, community=community):
        raise NotFound(ErrorCode.COMMUNITY_NOT_FOUND, _("社群不存在或无权查看"))
    if has_perm(user=user, community=community, perm=perm):
        return
    if not _authed(user):
        raise NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))
    if perm == "post" and is_muted(user=user, community=community):
        raise PermissionDenied(ErrorCode.MUTED, _("你已被禁言，暂时不能发言"))
    m = membership_get(user=user, community=community)
    if m is not None and m.status == MembershipStatus.BANNED:
        raise PermissionDenied(ErrorCode.BANNED, _("你已被该社群封禁"))
    if active_role(user=user, community=community) is None:
        raise PermissionDenied(ErrorCode.NOT_MEMBER, _("请先加入该社群"))
    raise PermissionDenied(ErrorCode.PERMISSION_DENIED, _("你没有权限执行此操作"))


def visible_communities_q(*, user: Any, prefix: str = "") -> Q:
    """A filter for querysets over communities (prefix="") or over rows with a `community` FK
    (prefix="community__"): what this viewer may read."""
    q = ~Q(**{f"{prefix}visibility": Visibility.INVITE})
    if _authed(user):
        if user.is_staff:
            return Q()
        member_ids = Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).values("community_id")
        q |= Q(**{f"{prefix}id__in": member_ids})
    return q


def community_get(*, slug: str, user: Any) -> Community:
    community = Community.objects.select_related("owner").filter(slug=slug).first()
    if community is None or not can_view(user=user, community=community):
        raise NotFound(ErrorCode.COMMUNITY_NOT_FOUND, _("社群不存在或无权查看"))
    return community


def community_by_id(*, community_id: int) -> Community | None:
    """A community by id, whoever may see it (callers check `can_view` / `require_perm`)."""
    return Community.objects.filter(pk=community_id).first()


def visible_communities(*, user: Any, ids: Any) -> QuerySet[Community]:
    """The communities among `ids` (a list or a values() subquery) this viewer may read."""
    return Community.objects.filter(visible_communities_q(user=user), pk__in=ids)


def joined_community_ids(*, user: Any) -> list[int]:
    if not _authed(user):
        return []
    return list(Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
                .values_list("community_id", flat=True))


# --- discovery and search -------------------------------------------------------------------------------


def community_list(*, user: Any, vertical: str | None = None) -> QuerySet[Community]:
    """Discover: the communities this viewer may see, optionally of one vertical, biggest first."""
    qs = Community.objects.select_related("owner").filter(visible_communities_q(user=user))
    if vertical:
        if vertical not in Vertical.values:
            raise InvalidInput(ErrorCode.INVALID_VERTICAL, _("请选择有效的垂类"))
        qs = qs.filter(vertical=vertical)
    return qs.order_by("-member_count", "-id")


MAX_SEARCH_TERMS = 8


def search_terms(q: str) -> list[str]:
    """The query's terms (`core.search`), with the whole query kept as one more term when jieba cut it: a
    community whose name was typed in full ranks first."""
    return core_search_terms(q, limit=MAX_SEARCH_TERMS, phrase=True)


def community_search(*, user: Any, q: str) -> QuerySet[Community]:
    """Keyword search over name, positioning and tags: a community matches when a term is a substring, or enough
    of the terms' characters are (`core.search`: 跑步 finds 每天跑五公里 after the communities tagged 跑步); more
    matched terms rank higher, then bigger communities."""
    qs = Community.objects.select_related("owner").filter(visible_communities_q(user=user))
    return core_search_ranked(qs, q=q, fields=["search_text"], limit=MAX_SEARCH_TERMS)\
        .order_by("-search_rank", "-member_count", "-id")


def my_communities(*, user: Any) -> QuerySet[Community]:
    """The communities a user belongs to (active memberships), with `my_role`, most recently joined first."""
    if not _authed(user):
        return Community.objects.none()
    return (Community.objects.select_related("owner")
            .filter(memberships__user=user, memberships__status=MembershipStatus.ACTIVE)
            .annotate(my_role=F("memberships__role"), my_joined_at=F("memberships__joined_at"))
            .order_by("-my_joined_at", "-id"))


# --- members --------------------------------------------------------------------------------------------

_ROLE_ORDER = Case(*[When(role=r, then=Value(i)) for i, r in enumerate(
    [Role.OWNER, Role.ADMIN, Role.KOL, Role.MEMBER])], default=Value(9), output_field=IntegerField())


def member_list(*, community: Community, viewer: Any, role: str | None = None, q: str = "") -> QuerySet[Membership]:
    """Active members, owner and admins first. Anyone who may see the community may see its members. `q` finds
    members by nickname; digits also match the end of the phone number, for those who approve members only (a
    phone number is not for every member to probe)."""
    require_perm(user=viewer, community=community, perm="view")
    qs = Membership.objects.select_related("user").filter(community=community, status=MembershipStatus.ACTIVE)
    q = q.strip()[:50]
    if q:
        match = Q(user__nickname__icontains=q)
        if q.isdigit() and len(q) >= 4 and has_perm(user=viewer, community=community, perm="approve_members"):
            match |= Q(user__phone__endswith=q)
        qs = qs.filter(match)
    if role:
        if role not in Role.values:
            raise InvalidInput(ErrorCode.INVALID_ROLE, _("角色取值无效"))
        qs = qs.filter(role=role)
    return qs.annotate(role_order=_ROLE_ORDER).order_by("role_order", "joined_at", "id")


def pending_list(*, community: Community, viewer: Any) -> QuerySet[Membership]:
    require_perm(user=viewer, community=community, perm="approve_members")
    return (Membership.objects.select_related("user")
            .filter(community=community, status=MembershipStatus.PENDING).order_by("created_at", "id"))


def banned_list(*, community: Community, viewer: Any) -> QuerySet[Membership]:
    require_perm(user=viewer, community=community, perm="ban")
    return (Membership.objects.select_related("user")
            .filter(community=community, status=MembershipStatus.BANNED).order_by("-id"))


def invitation_list(*, community: Community, viewer: Any) -> QuerySet[Invitation]:
    """Moderators see every code of the community; other members see the codes they made."""
    require_perm(user=viewer, community=community, perm="invite")
    qs = Invitation.objects.select_related("created_by").filter(community=community)
    if not has_perm(user=viewer, community=community, perm="moderate"):
        qs = qs.filter(created_by=viewer)
    return qs.order_by("-created_at", "-id")


def invitation_is_usable(inv: Invitation) -> bool:
    return (not inv.revoked and (inv.expires_at is None or inv.expires_at > timezone.now())
            and (inv.max_uses is None or inv.use_count < inv.max_uses))


def report_list(*, community: Community, viewer: Any, status: str | None = None) -> QuerySet[Report]:
    """The reports queue: open ones first (oldest first, so nothing waits forever), then handled ones."""
    require_perm(user=viewer, community=community, perm="moderate")
    qs = Report.objects.select_related("reporter", "handled_by").filter(community=community)
    if status:
        if status not in ReportStatus.values:
            raise InvalidInput(ErrorCode.INVALID_STATUS, _("状态取值无效"))
        qs = qs.filter(status=status)
    is_open = Case(When(status=ReportStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.annotate(open_first=is_open).order_by("open_first", "-created_at", "-id")


def moderation_log(*, community: Community, viewer: Any) -> QuerySet[ModerationAction]:
    require_perm(user=viewer, community=community, perm="moderate")
    return (ModerationAction.objects.select_related("actor", "target_user")
            .filter(community=community).order_by("-created_at", "-id"))


def community_for_join(*, slug: str, user: Any, code: str | None = None) -> Community:
    """The community to join by slug: visible to the viewer, or reachable through an invitation code of it
    (an invite-only community stays a 404 to anyone without either)."""
    community = Community.objects.select_related("owner").filter(slug=slug).first()
    if community is None:
        raise NotFound(ErrorCode.COMMUNITY_NOT_FOUND, _("社群不存在或无权查看"))
    if can_view(user=user, community=community):
        return community
    if code and Invitation.objects.filter(community=community, code=code.strip()).exists():
        return community
    raise NotFound(ErrorCode.COMMUNITY_NOT_FOUND, _("社群不存在或无权查看"))


def viewer_permissions(*, user: Any, community: Community) -> list[str]:
    """The permission codes the viewer holds in this community, in the written order."""
    return [code for code in PERMISSIONS if has_perm(user=user, community=community, perm=code)]


def membership_rows_after(*, after_id: int, limit: int) -> list[dict[str, Any]]:
    """Memberships with id > after_id, as they are now, for the analytics export (which pages through all of them:
    a membership has no change stamp)."""
    return [dict(r) for r in Membership.objects.filter(id__gt=after_id).order_by("id").values(
        "id", "community_id", "user_id", "role", "status", "invited_by_id", "joined_at", "created_at")[:limit]]


def active_memberships() -> QuerySet[Membership, Any]:
    """values_list rows (user_id, community_id) of every active membership (recommend's training: what is hot
    among a community's members)."""
    return Membership.objects.filter(status=MembershipStatus.ACTIVE).order_by().values_list("user_id",
                                                                                         "community_id")
