"""The red-packet rules: limits and the split.

The split (拼手气, the "double mean" method WeChat describes): with `r` fen left for `k` shares, a share draws
uniformly from 1 fen to twice the mean left (2r/k), never so much that a later share would get less than 1 fen; the
last share takes what is left. So every share is ≥ 1 fen, the shares sum exactly to the amount, and each draw's
mean is the mean left (r/k): the expected share is amount/N whatever the position. The draws happen once, at
funding; the shares are then shuffled so the order of claiming does not decide who gets the early (narrower) or
late (wider) draws, and a claim just takes the next share (exact and atomic)."""

from __future__ import annotations

import datetime as dt
import random
import secrets

from django.conf import settings

from quanzi.growth.redpackets.enums import PacketStatus


def _conf(key: str, default: int) -> int:
    return int(getattr(settings, "QUANZI", {}).get(key, default))


def max_amount_fen() -> int:
    return _conf("REDPACKET_MAX_AMOUNT_FEN", 2_000_000)  # ¥20,000


def max_shares() -> int:
    return _conf("REDPACKET_MAX_SHARES", 200)


def lifetime() -> dt.timedelta:
    return dt.timedelta(hours=_conf("REDPACKET_HOURS", 24))


GREETING_MAX = 40

TRANSITIONS: dict[str, frozenset[str]] = {
    # paid through the cashier: opens when its order is paid, cancelled when the order is not paid in time
    PacketStatus.AWAITING_PAYMENT: frozenset({PacketStatus.OPEN, PacketStatus.CANCELLED}),
    PacketStatus.OPEN: frozenset({PacketStatus.FINISHED, PacketStatus.EXPIRED}),
    PacketStatus.CANCELLED: frozenset(),
    PacketStatus.FINISHED: frozenset(),
    PacketStatus.EXPIRED: frozenset(),
}


def split_double_mean(amount_fen: int, shares: int, rng: random.Random | None = None) -> list[int]:
    """Split `amount_fen` into `shares` parts, each ≥ 1 fen, summing exactly to `amount_fen`, in a random order."""
    if shares < 1 or amount_fen < shares:
        raise ValueError("each share needs at least one fen")
    rng = rng or random.Random(secrets.randbits(64))
    parts: list[int] = []
    left = amount_fen
    for k in range(shares, 1, -1):
        # at most twice the mean left, and leave at least 1 fen for each of the k-1 shares after this one
        high = max(1, min(2 * left // k, left - (k - 1)))
        part = rng.randint(1, high)
        parts.append(part)
        left -= part
    parts.append(left)
    rng.shuffle(parts)
    return parts
