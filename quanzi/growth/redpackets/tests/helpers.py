"""Helpers for the red-packet tests: a community with members, balance granted by an operator (the only way money
enters a balance besides claims and returns), packets funded through the service."""

from __future__ import annotations

import uuid
from typing import Any

from conftest import make_user
from quanzi.communities import services as community_services
from quanzi.communities.models import Community
from quanzi.growth.redpackets import services


def community(owner: Any, slug: str = "") -> Community:
    slug = slug or f"rp{uuid.uuid4().hex[:8]}"
    return community_services.community_create(owner=owner, name=f"红包群{slug[-4:]}", slug=slug, vertical="beauty")


def join(user: Any, c: Community) -> Any:
    return community_services.community_join(user=user, community=c)


def members(c: Community, n: int) -> list[Any]:
    out = []
    for _i in range(n):
        u = make_user()
        join(u, c)
        out.append(u)
    return out


def grant(operator: Any, user: Any, fen: int) -> None:
    services.balance_grant(operator=operator, user_id=user.pk, amount_fen=fen, reference=uuid.uuid4().hex)
