"""Helpers for the lottery tests: a community with members, lotteries made through the service, a window moved
into the past (the only way to close entries without waiting), buyers paying real orders through the sandbox."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from conftest import make_user
from quanzi.communities import services as community_services
from quanzi.communities.models import Community
from quanzi.loyalty.lotteries import services
from quanzi.loyalty.lotteries.models import Lottery
from quanzi.loyalty.lotteries.services import PrizeSpec


def community(owner: Any, slug: str = "") -> Community:
    slug = slug or f"lot{uuid.uuid4().hex[:8]}"
    return community_services.community_create(owner=owner, name=f"抽奖群{slug[-4:]}", slug=slug, vertical="beauty")


def join(user: Any, c: Community) -> Any:
    return community_services.community_join(user=user, community=c)


def members(c: Community, n: int, name: str = "会员") -> list[Any]:
    out = []
    for i in range(n):
        u = make_user(f"{name}{i}")
        join(u, c)
        out.append(u)
    return out


def window(**kw: Any) -> dict[str, dt.datetime]:
    now = timezone.now()
    out = {"opens_at": now - dt.timedelta(minutes=1), "closes_at": now + dt.timedelta(days=2),
           "draw_at": now + dt.timedelta(days=2, hours=1)}
    out.update(kw)
    return out


def prizes() -> list[PrizeSpec]:
    return [PrizeSpec(name="戴森吹风机", count=1, kind="goods", value_fen=299_900),
            PrizeSpec(name="500 积分", count=2, kind="points", amount=500),
            PrizeSpec(name="100 积分", count=3, kind="points", amount=100)]


def lottery(actor: Any, c: Community | None, *, eligibility: str = "members", **kw: Any) -> Lottery:
    args: dict[str, Any] = {"title": "周年庆抽奖", "eligibility": eligibility, "prizes": prizes(),
                            "community_id": c.pk if c is not None else None, **window()}
    args.update(kw)
    return services.lottery_create(actor=actor, **args)


def close(lot: Lottery, *, due: bool = False) -> None:
    """Move the entries' close into the past (and the draw time too when `due`)."""
    now = timezone.now()
    Lottery.objects.filter(pk=lot.pk).update(
        opens_at=now - dt.timedelta(days=3), closes_at=now - dt.timedelta(seconds=1),
        draw_at=now - dt.timedelta(seconds=1) if due else now + dt.timedelta(hours=1))
    lot.refresh_from_db()
