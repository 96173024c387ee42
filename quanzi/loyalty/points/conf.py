"""Points settings: `settings.QUANZI_POINTS` overrides these defaults (read with getattr, so a deployment without
the setting runs on them). Read through the functions below, never cached, so tests can change them."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, int] = {
    # earning: points per ¥1 of what the buyer paid for the goods (shipping excluded), on the `completed` moment
    "EARN_PER_YUAN": 1,
    # redeeming: this many points are worth ¥1 (a multiple of 100, so every fen is a whole number of points)
    "REDEEM_PER_YUAN": 100,
    # redeeming at checkout: at most this percentage of the goods (after member, campaign and coupon prices)
    "REDEEM_MAX_PERCENT": 50,
    # "expiring soon" on the points page
    "EXPIRING_SOON_DAYS": 30,
    # the largest single grant another app may make (a task, a check-in streak, an invitation)
    "GRANT_MAX": 100_000,
}


def conf(name: str) -> int:
    value: Any = getattr(settings, "QUANZI_POINTS", {}).get(name, DEFAULTS[name])
    return int(value)


def points_per_fen() -> int:
    """Points one fen is worth when redeeming: 100 points = ¥1 = 100 fen → 1 point per fen."""
    per_yuan = conf("REDEEM_PER_YUAN")
    if per_yuan < 100 or per_yuan % 100:
        raise ValueError("QUANZI_POINTS['REDEEM_PER_YUAN'] must be a positive multiple of 100")
    return per_yuan // 100
