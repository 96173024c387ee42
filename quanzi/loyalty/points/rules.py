"""The points rules, pure: when a lot expires, what an order earns, how much a checkout may redeem.

Expiry: points earned in year Y (Asia/Shanghai) are good until 23:59:59 on 31 December of Y+1, local time. A lot
counts while `expires_at` is not yet past: at 2026-12-31 23:59:59 local a 2025 lot still counts, one second later
it reads as expired (the job then writes its `expire` row)."""

from __future__ import annotations

import datetime as dt

from quanzi.core.timeutil import SHANGHAI
from quanzi.loyalty.points.conf import conf, points_per_fen
from quanzi.loyalty.points.enums import RedemptionStatus


def expires_at_for(earned_at: dt.datetime) -> dt.datetime:
    """The end of the year after the one `earned_at` falls in, in Asia/Shanghai."""
    year = earned_at.astimezone(SHANGHAI).year
    return dt.datetime(year + 1, 12, 31, 23, 59, 59, tzinfo=SHANGHAI)


def earned_for(goods_paid_fen: int) -> int:
    """Points an order earns: `EARN_PER_YUAN` per whole ¥1 of what the buyer paid for the goods."""
    return max(0, goods_paid_fen) * conf("EARN_PER_YUAN") // 100


def fen_for_points(points: int) -> int:
    """What `points` take off at checkout (rounded down to whole fen)."""
    return max(0, points) // points_per_fen()


def points_for_fen(fen: int) -> int:
    return max(0, fen) * points_per_fen()


def redeem_cap_fen(goods_fen: int) -> int:
    """The most points may take off goods costing `goods_fen` (after member, campaign and coupon prices)."""
    return max(0, goods_fen) * conf("REDEEM_MAX_PERCENT") // 100


TRANSITIONS: dict[str, frozenset[str]] = {
    RedemptionStatus.PENDING: frozenset({RedemptionStatus.SHIPPED, RedemptionStatus.CANCELLED}),
    RedemptionStatus.DONE: frozenset(),
    RedemptionStatus.SHIPPED: frozenset(),
    RedemptionStatus.CANCELLED: frozenset(),
}
