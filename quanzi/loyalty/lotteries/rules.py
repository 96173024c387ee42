"""The lottery rules, with their numbers.

- **Top prize cap**: a prize (抽奖式有奖销售) may be worth at most ¥50,000 (Anti-Unfair Competition Law art. 10,
  反不正当竞争法第十条: 最高奖的金额不得超过五万元). Every tier's declared value of one prize is checked against it;
  a points prize is worth its points at the redemption rate (100 points = ¥1), a growth-value prize has no cash
  value. The cap is not a setting: no configuration can raise it.
- **No paid entries**: nothing sells a number. Numbers come from eligibility only: membership of the community,
  a check-in streak of N days, or a paid order of an ordinary (shipped) product — one number per paid order,
  revoked by a full refund before the draw. A virtual product cannot be the eligible product: bought only for its
  number, it would be a paid lottery ticket (an illegal lottery in China).
- **Windows**: entries open at `opens_at` and close at `closes_at`; the draw is at `draw_at` (at or after the
  close, within 30 days); the seed's hash is on the page from creation.
- **Size**: at most 10 prize tiers and 1,000 prizes in all; a title of 60 characters, rules of 2,000.
"""

from __future__ import annotations

import datetime as dt

from quanzi.loyalty.lotteries.enums import LotteryStatus, PrizeKind

TOP_PRIZE_CAP_FEN = 5_000_000  # ¥50,000, Anti-Unfair Competition Law art. 10
POINTS_PER_YUAN = 100  # 100 points = ¥1: a points prize's cash value
MAX_TIERS = 10
MAX_PRIZES = 1000
MAX_STREAK = 365
TITLE_MAX = 60
RULES_MAX = 2000
PRIZE_NAME_MAX = 40
MAX_DRAW_DELAY = dt.timedelta(days=30)
MAX_WINDOW = dt.timedelta(days=90)
NUMBER_WIDTH = 6  # lucky numbers are shown zero-padded: 000042

TRANSITIONS: dict[str, frozenset[str]] = {
    LotteryStatus.OPEN: frozenset({LotteryStatus.DRAWN, LotteryStatus.CANCELLED}),
    LotteryStatus.DRAWN: frozenset(),
    LotteryStatus.CANCELLED: frozenset(),
}

REWARD_KINDS = frozenset({PrizeKind.POINTS, PrizeKind.COUPON, PrizeKind.GROWTH})


def prize_value_fen(kind: str, amount: int, declared_fen: int) -> int:
    """The cash value of one prize, the number the cap is checked on: points at the redemption rate, growth value
    none, a coupon or goods what the organiser declares (a coupon: its face value)."""
    if kind == PrizeKind.POINTS:
        return amount * 100 // POINTS_PER_YUAN
    if kind == PrizeKind.GROWTH:
        return 0
    return declared_fen


def show_number(number: int) -> str:
    return f"{number:0{NUMBER_WIDTH}d}"
