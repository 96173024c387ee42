"""The KOL marketplace's rules, pure: the deal's state machine, the terms' ranges, the service fee's rounding."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from django.utils.translation import gettext as _

from quanzi.kolmarket.enums import DealStatus as S

RATE_MAX = Decimal("0.5")  # distribution's legal maximum (a larger rate would be ignored by its ledger)
RATE_MAX_LABEL = "50%"
FEE_MAX_FEN = 10_000_000  # ¥100,000
MAX_DAYS = 366
MAX_POSTS = 50
MAX_LIVES = 20
MAX_PRODUCTS = 20
MESSAGE_MAX = 300

TRANSITIONS: dict[str, frozenset[str]] = {
    S.PROPOSED: frozenset({S.ACCEPTED, S.COUNTERED, S.DECLINED, S.EXPIRED, S.WITHDRAWN}),
    S.COUNTERED: frozenset({S.ACCEPTED, S.DECLINED, S.EXPIRED, S.WITHDRAWN}),
    S.ACCEPTED: frozenset({S.COMPLETED}),
    S.DECLINED: frozenset(),
    S.EXPIRED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.COMPLETED: frozenset(),
}


def rate_ok(rate: Decimal) -> bool:
    return rate.is_finite() and Decimal(0) < rate <= RATE_MAX and rate == rate.quantize(Decimal("0.0001"))


def _count(value: Any, top: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= top


def terms_problem(*, fixed_fee_fen: Any, starts_on: Any, ends_on: Any, posts_required: Any, lives_required: Any,
                  message: Any, today: dt.date) -> str:
    """What is wrong with these terms (in the user's language), or ""."""
    if not _count(fixed_fee_fen, FEE_MAX_FEN):
        return _("固定合作费须在 0 到 ¥100000 之间")
    if not (isinstance(starts_on, dt.date) and isinstance(ends_on, dt.date)):
        return _("请填写合作开始和结束日期")
    if ends_on < starts_on:
        return _("结束日期不能早于开始日期")
    if ends_on < today:
        return _("合作期已经结束")
    if (ends_on - starts_on).days >= MAX_DAYS:
        return _("合作期最长一年")
    if not _count(posts_required, MAX_POSTS) or not _count(lives_required, MAX_LIVES):
        return _("约定种草帖数最多 50，直播场次最多 20")
    if len(str(message or "").strip()) > MESSAGE_MAX:
        return _("留言最多 300 字")
    return ""


def service_fee(base_fen: int, rate: Decimal) -> int:
    """The platform's service fee on an amount: floor(base × rate) in fen (the platform never rounds up)."""
    if base_fen <= 0 or rate <= 0:
        return 0
    return int((Decimal(base_fen) * rate).to_integral_value(rounding=ROUND_FLOOR))
