"""Row locks on the orders app's tables: one helper per model. Other apps lock an order only through `lock_order`
(payments does, before its payment row). The global order of locks is in docs/ARCHITECTURE.md ("Lock order"):
after-sales request → order → payment → refund → SKU stock."""

from __future__ import annotations

from typing import Any

from quanzi.core.locks import lock_first
from quanzi.orders.models import CartItem, Order


def lock_order(order_id: int, **scope: Any) -> Order | None:
    """Lock one order and return it, or None when there is no such order within `scope` (`buyer=user`,
    `merchant=merchant`: someone else's order is not locked and reads as missing)."""
    return lock_first(Order.objects.filter(pk=order_id, **scope))


def lock_cart_item(*, cart_id: int, sku_id: int) -> CartItem | None:
    """Lock a cart's line for one SKU (unique per cart and SKU), or None when the SKU is not in the cart."""
    return lock_first(CartItem.objects.filter(cart_id=cart_id, sku_id=sku_id))
