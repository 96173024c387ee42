"""Who pays for each adjustment source: the merchant or the platform.

A line adjustment takes money off what the buyer pays (orders/pricing.py). Most are the merchant's own: its member
price, its campaign prices (group-buy, flash sale), its shop coupons — the merchant simply sells for less. Some are
paid by the platform: a platform coupon, points redeemed, the red-packet balance a member spends (money the
platform holds). The merchant must not lose those: settlements pay them back to the merchant (平台补贴) and take
them back, share for share, when the line is refunded.

Plug-ins say which of their sources the platform pays for by registering a function here in their
`AppConfig.ready()` (orders never imports them): `(sources) -> the platform-funded ones among them`. A source no
function claims is the merchant's."""

from __future__ import annotations

from collections.abc import Callable, Collection

from quanzi.orders.hooks import Moment
from quanzi.orders.models import OrderLineAdjustment, OrderMoment

PlatformFunded = Callable[[Collection[str]], set[str]]

PLATFORM_FUNDED: dict[str, PlatformFunded] = {}


def register_platform_funded(name: str, fn: PlatformFunded) -> None:
    """Register (or replace, by name: `ready()` may run twice in tests) a plug-in's platform-funded check."""
    PLATFORM_FUNDED[name] = fn


def platform_funded(sources: Collection[str]) -> set[str]:
    """The sources among `sources` that the platform pays for."""
    wanted = set(sources)
    if not wanted:
        return set()
    found: set[str] = set()
    for fn in PLATFORM_FUNDED.values():
        found |= fn(wanted) & wanted
    return found


def platform_funded_by_line(*, line_ids: Collection[int]) -> dict[int, int]:
    """What the platform paid for on each order line (fen; lines without any are left out)."""
    rows = list(OrderLineAdjustment.objects.filter(order_line_id__in=list(line_ids))
                .values_list("order_line_id", "source", "amount_fen"))
    funded = platform_funded({source for _line, source, _fen in rows})
    out: dict[int, int] = {}
    for line_id, source, fen in rows:
        if source in funded:
            out[line_id] = out.get(line_id, 0) + int(fen)
    return out


def platform_returned_by_refund(*, refund_refs: Collection[str]) -> dict[str, int]:
    """What each refund gave back of platform-funded sources (fen), from the split its `refunded` moment
    recorded (orders.services.moments.refund_source_split: pro rata per line, cumulative, so a line refunded in
    full returns exactly what the platform paid for it). Refunds without a moment (a late payment's) return 0."""
    rows = list(OrderMoment.objects.filter(kind=Moment.REFUNDED, ref__in=list(refund_refs))
                .values_list("ref", "payload"))
    splits = {ref: {str(k): int(v) for k, v in ((payload or {}).get("sources") or {}).items()} for ref, payload in rows}
    funded = platform_funded({source for split in splits.values() for source in split})
    return {ref: sum(fen for source, fen in split.items() if source in funded) for ref, split in splits.items()}
