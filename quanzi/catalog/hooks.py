"""What higher apps plug into catalog, registered in their `AppConfig.ready()` (catalog imports none of them:
docs/ARCHITECTURE.md, "The domain map").

- **stock that reads as free**: units reserved by a reservation that has run out (an unpaid order past its
  deadline) are free for shoppers at once, before a job or the next checkout gives them back. The app that holds
  them (orders) registers how many per SKU; `catalog.selectors.available_stock` adds them."""

from __future__ import annotations

from collections.abc import Callable

# name -> freed(sku_ids) -> {sku_id: units held by run-out reservations}
STOCK_FREED: dict[str, Callable[[list[int]], dict[int, int]]] = {}


def stock_freed(name: str, fn: Callable[[list[int]], dict[int, int]]) -> None:
    """Register (or replace, by name) a source of held units that read as free now."""
    STOCK_FREED[name] = fn
