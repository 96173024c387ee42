"""After-sales rules read in several places: the request state machine, time limits, which statuses are open."""

from __future__ import annotations

from django.conf import settings

from quanzi.aftersales.enums import AfterSaleStatus as S

# status -> statuses it may move to
TRANSITIONS: dict[str, frozenset[str]] = {
    S.REQUESTED: frozenset({S.APPROVED, S.REJECTED, S.CANCELLED}),
    S.APPROVED: frozenset({S.REFUNDING, S.AWAITING_RETURN_SHIPMENT}),
    S.AWAITING_RETURN_SHIPMENT: frozenset({S.RETURN_SHIPPED, S.CANCELLED, S.CLOSED}),
    S.RETURN_SHIPPED: frozenset({S.RETURN_RECEIVED}),
    S.RETURN_RECEIVED: frozenset({S.REFUNDING}),
    S.REFUNDING: frozenset({S.REFUNDED}),
    S.REJECTED: frozenset(),
    S.REFUNDED: frozenset(),
    S.CLOSED: frozenset(),
    S.CANCELLED: frozenset(),
}

OPEN_STATUSES = frozenset(s for s, targets in TRANSITIONS.items() if targets)
# a line's units and money count as used by these (open ones hold them; refunded ones spent them)
HOLDING_STATUSES = OPEN_STATUSES | {S.REFUNDED}
BUYER_CANCELLABLE = frozenset({S.REQUESTED, S.AWAITING_RETURN_SHIPMENT})
MAX_PHOTOS = 6


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def return_days() -> int:
    """Seven-day no-reason return, counted from delivery (the same setting the orders app uses)."""
    return int(settings.QUANZI.get("RETURN_DAYS", 7))


def return_ship_days() -> int:
    """Days the buyer has to send the goods back after the merchant agreed to a return."""
    return int(settings.QUANZI.get("AFTERSALE_RETURN_SHIP_DAYS", 7))
