"""Bulk reads of memberships for personas' tags and segments (no viewer check: the callers check who may see)."""

from __future__ import annotations

from quanzi.communities.enums import MembershipStatus
from quanzi.communities.models import Membership


def member_ids(*, community_id: int) -> set[int]:
    """The active members of a community (any role)."""
    return set(Membership.objects.filter(community_id=community_id, status=MembershipStatus.ACTIVE)
               .values_list("user_id", flat=True))


def communities_of(*, user_id: int) -> list[tuple[int, str]]:
    """(community id, name) of the communities the member is an active member of, oldest membership first."""
    return list(Membership.objects.filter(user_id=user_id, status=MembershipStatus.ACTIVE)
                .order_by("id").values_list("community_id", "community__name"))
