"""Row locks on the coupons app's tables (one helper per model; docs/ARCHITECTURE.md, "Lock order").

A coupon is locked only after commit of the order moment that returns it, in its own transaction holding no
other lock: two orders of one checkout cancelled at once must not both think the other's redemption still holds
the coupon. Claims never lock: the template's quota and the member's limit move by conditional updates."""

from __future__ import annotations

from collections.abc import Iterable

from quanzi.core.locks import lock_rows
from quanzi.growth.coupons.models import Coupon


def lock_coupons(coupon_ids: Iterable[int]) -> dict[int, Coupon]:
    """Lock these coupons in primary-key order and return them by id."""
    return lock_rows(Coupon, coupon_ids)
