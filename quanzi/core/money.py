"""Money is integer fen (分). Rounding happens here and only here. No float touches money."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal


def percent_of(amount_fen: int, rate: Decimal) -> int:
    """`rate` is a fraction (Decimal("0.05") = 5 %); half-up to the fen."""
    if not isinstance(amount_fen, int) or isinstance(rate, float):
        raise TypeError("money is int fen and rates are Decimal")
    return int((Decimal(amount_fen) * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def allocate(total_fen: int, weights: list[int]) -> list[int]:
    """Split `total_fen` over `weights` by largest remainder, so the parts sum exactly to the total."""
    if total_fen < 0 or any(w < 0 for w in weights):
        raise ValueError("allocate takes non-negative amounts")
    wsum = sum(weights)
    if not weights:
        return []
    if wsum == 0:
        weights, wsum = [1] * len(weights), len(weights)
    floors = [total_fen * w // wsum for w in weights]
    remainders = [(total_fen * w % wsum, -i) for i, w in enumerate(weights)]
    left = total_fen - sum(floors)
    for _rem, neg_i in sorted(remainders, reverse=True)[:left]:
        floors[-neg_i] += 1
    return floors


def format_yuan(amount_fen: int) -> str:
    sign = "-" if amount_fen < 0 else ""
    a = abs(amount_fen)
    return f"{sign}¥{a // 100}.{a % 100:02d}"


_YUAN_RE = re.compile(r"^(0|[1-9]\d{0,11})(?:\.(\d{1,2}))?$")


def parse_yuan(text: object, *, symbol: bool = False) -> int:
    """A yuan amount as written ("12.3") to integer fen (1230), exactly: no float, no rounding. Only a plain
    non-negative amount: digits without leading zeros, at most two decimals, at most 12 digits before the point.
    `symbol` also takes a leading ¥ / ￥ (what people type in a form). Raises ValueError for anything else."""
    s = str(text if text is not None else "").strip()
    if symbol:
        s = s.removeprefix("¥").removeprefix("￥").strip()
    match = _YUAN_RE.match(s)
    if match is None:
        raise ValueError(f"not a yuan amount: {str(text)[:40]!r}")
    whole, frac = match.group(1), (match.group(2) or "").ljust(2, "0")
    return int(whole) * 100 + int(frac)
