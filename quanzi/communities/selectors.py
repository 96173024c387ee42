"""Community reads, and the permission check every app uses: `require_perm` / `has_perm`."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.communities.enums import MembershipStatus, Visibility
from quanzi.communities.models import Community, Membership
from quanzi.communities.permissions import ROLE_PERMISSIONS
from quanzi.core.errors import NotAuthenticated, NotFound, PermissionDenied


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
        raise NotFound("community_not_found", _("社群不存在或无权查看"))
    if has_perm(user=user, community=community, perm=perm):
        return
    if not _authed(user):
        raise NotAuthenticated("not_authenticated", _("请先登录"))
    if perm == "post" and is_muted(user=user, community=community):
        raise PermissionDenied("muted", _("你已被禁言，暂时不能发言"))
    m = membership_get(user=user, community=community)
    if m is not None and m.status == MembershipStatus.BANNED:
        raise PermissionDenied("banned", _("你已被该社群封禁"))
    if active_role(user=user, community=community) is None:
        raise PermissionDenied("not_member", _("请先加入该社群"))
    raise PermissionDenied("permission_denied", _("你没有权限执行此操作"))


def visible_communities_q(*, user: Any, prefix: str = "") -> Q:
    """A filter for querysets over communities (prefix="") or over rows with a `community` FK
    (prefix="community__"): what this viewer may read."""
    q = ~Q(**{f"{prefix}visibility": Visibility.INVITE})
    if _authed(user):
        if user.is_staff:
            return Q()
        member_ids = Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).values("community_id")
        q |= Q(**{f"{prefix}{'id' if not prefix else 'id'}__in": member_ids})
    return q


def community_get(*, slug: str, user: Any) -> Community:
    community = Community.objects.select_related("owner").filter(slug=slug).first()
    if community is None or not can_view(user=user, community=community):
        raise NotFound("community_not_found", _("社群不存在或无权查看"))
    return community


def joined_community_ids(*, user: Any) -> list[int]:
    if not _authed(user):
        return []
    return list(Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
                .values_list("community_id", flat=True))
