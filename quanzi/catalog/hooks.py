"""What higher apps plug into catalog, registered in their `AppConfig.ready()` (catalog imports none of them:
docs/ARCHITECTURE.md, "The domain map").

- **stock that reads as free**: units reserved by a reservation that has run out (an unpaid order past its
  deadline) are free for shoppers at once, before a job or the next checkout gives them back. The app that holds
  them (orders) registers how many per SKU; `catalog.selectors.available_stock` adds them.
- **product page panels**: `product_panel(name, fn)`; the page renders each with `{% product_panels product %}`.
- **product page facts**: `product_fact(name, fn)`; `fn(product_id) -> value`, shown by the page as
  `facts.<name>` next to the price (orders: the units sold). Keep each one query or cached: the page reads them
  all on every view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# name -> freed(sku_ids) -> {sku_id: units held by run-out reservations}
STOCK_FREED: dict[str, Callable[[list[int]], dict[int, int]]] = {}


def stock_freed(name: str, fn: Callable[[list[int]], dict[int, int]]) -> None:
    """Register (or replace, by name) a source of held units that read as free now."""
    STOCK_FREED[name] = fn


# name -> panel(request, product) -> HTML (already escaped, e.g. from render_to_string) or "" for nothing. Higher
# apps (growth: open group-buys, flash-sale price, coupons to claim) show themselves on the product page this way;
# the panels appear in the order of their names.
PRODUCT_PANELS: dict[str, Callable[[Any, Any], str]] = {}


def product_panel(name: str, fn: Callable[[Any, Any], str]) -> None:
    """Register (or replace, by name) a panel on the product page."""
    PRODUCT_PANELS[name] = fn


# name -> fact(product_id) -> a value the product page shows as `facts.<name>` (orders: "sold", units paid for)
PRODUCT_FACTS: dict[str, Callable[[int], Any]] = {}


def product_fact(name: str, fn: Callable[[int], Any]) -> None:
    """Register (or replace, by name) a figure the product page shows."""
    PRODUCT_FACTS[name] = fn
