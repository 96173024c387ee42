"""Money is integer fen (分). Rounding happens here and only here. No float touches money."""

from __future__ import annotations

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
