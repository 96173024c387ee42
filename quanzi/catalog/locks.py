"""Row locks on the catalog app's tables: one helper per model (docs/ARCHITECTURE.md, "Lock order"). SKU stock is
never locked with SELECT … FOR UPDATE: it moves by conditional updates (`stock__gte`), which hold the row until
commit; a checkout takes them in SKU order, after any order it holds."""

from __future__ import annotations

from typing import Any

from quanzi.catalog.models import Merchant, Product
from quanzi.core.locks import lock_first


def lock_merchant(merchant_id: int) -> Merchant | None:
    return lock_first(Merchant.objects.filter(pk=merchant_id))


def lock_product(product_id: int, **scope: Any) -> Product | None:
    """Lock one product, or None when there is none within `scope` (`merchant=`: another merchant's product)."""
    return lock_first(Product.objects.filter(pk=product_id, **scope))
