"""The membership rules with their numbers (defaults; operators change them in settings `QUANZI`).

- Growth value from spending: `MEMBERSHIP_GROWTH_PER_YUAN` (default 1) per whole ¥1 the buyer kept paying for
  goods (shipping excluded, refunds before completion deducted), granted once on the order's `completed` moment.
  Virtual goods that are membership plans earn none (buying membership does not buy a level).
- A refund after that grant reverses growth so the order keeps exactly the growth of what is still paid for
  (pro rata, exact in whole growth points; never below zero for the order).
- Activity grants (tasks, check-in streaks, lottery prizes: `loyalty.rewards` kind "growth") are 1 to
  `MEMBERSHIP_GROWTH_MAX_GRANT` (default 10000) per key.
- Refund of a paid period (`refund_quote`): within the plan's `full_refund_days` (default 7) of payment and with no
  benefit used: everything paid; otherwise the plan's `refund_after_use`: `pro_rata` = paid × unused whole days ÷
  plan days (rounded down), `none` = nothing (refused). A period not started yet (a renewal) counts every day
  unused. The trial is free: nothing to refund.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

DAY = dt.timedelta(days=1)


def _conf(key: str, default: int) -> int:
    return int(getattr(settings, "QUANZI", {}).get(key, default))


def growth_per_yuan() -> int:
    return _conf("MEMBERSHIP_GROWTH_PER_YUAN", 1)


def max_grant() -> int:
    return _conf("MEMBERSHIP_GROWTH_MAX_GRANT", 10_000)


def growth_for_goods(goods_fen: int) -> int:
    """Growth value earned by `goods_fen` paid for goods: per whole yuan."""
    return max(0, goods_fen) // 100 * growth_per_yuan()


def unused_days(*, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime) -> int:
    """Whole days of a period not used yet (a day begun counts as used)."""
    left = ends_at - max(starts_at, now)
    return max(0, left // DAY)


def pro_rata_fen(*, paid_fen: int, days_total: int, days_unused: int) -> int:
    if days_total <= 0:
        return 0
    return paid_fen * min(days_unused, days_total) // days_total
