"""Order lifecycle hooks: how campaigns, coupons, points and commissions act at the moments of an order's life
without `orders` importing them. Registries in the style of `orders.pricing`; plug-in apps register in their
`AppConfig.ready()`.

Two kinds:

- **inside the checkout transaction** (`on_checkout`): after the orders, lines and line adjustments exist and the
  stock is reserved, each hook reserves or redeems what the quote used (a coupon, points, a campaign allotment, a
  group place). Raising a `DomainError` refuses the checkout: the whole transaction rolls back (no order, no
  stock, no event) and the buyer gets that plug-in's code.
- **after commit** (`on_paid`, `on_cancelled`, `on_refunded`, `on_completed`): the moment is written as a row
  (`OrderMoment`, unique per order, kind and reference) in the same transaction as the status change, and
  dispatched after commit. Each hook's run is recorded (`OrderMomentRun`, unique per moment and hook) in the
  same transaction as the hook's own writes, so every hook sees every moment exactly once: duplicate callbacks,
  retries and job re-runs find the moment or the run already there. A hook that fails is retried by the
  `order_moments_sweep` job; the others are not held up by it.

Moments: `paid` (the order took a verified payment), `cancelled` (cancelled or expired unpaid), `refunded` (once
per refund booked on a kept order, with the split per line and per adjustment source), `completed` (the
after-sales window closed: commissions and points become final).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from quanzi.orders.pricing import Quote


class Moment:
    PAID = "paid"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    COMPLETED = "completed"
    ALL = (PAID, CANCELLED, REFUNDED, COMPLETED)


@dataclass(frozen=True)
class PlacedLine:
    line_id: int
    sku_id: int
    product_id: int
    quantity: int
    goods_payable_fen: int
    payable_fen: int
    adjustments: dict[str, int]  # source -> fen taken off this line by it


@dataclass(frozen=True)
class PlacedOrder:
    order_id: int
    merchant_id: int
    payable_fen: int
    lines: list[PlacedLine]


@dataclass(frozen=True)
class CheckoutContext:
    """What a checkout hook sees: the buyer, the options they chose, the quote and the orders just written."""

    user: Any
    checkout_id: int
    options: dict[str, Any]
    quote: Quote
    orders: list[PlacedOrder]

    @property
    def sources(self) -> list[str]:
        """Every adjustment source the quote applied (e.g. `coupon:12`, `groupbuy:7`)."""
        return [a.source for a in self.quote.adjustments if a.source and a.amount_fen > 0]


@dataclass(frozen=True)
class OrderMomentEvent:
    """What an after-commit hook sees. For `refunded`: `amount_fen` of this refund, `lines` (order line id ->
    fen) and `sources` (adjustment source -> the share of it this refund returns, pro rata, cumulative per line
    so a full refund returns each source exactly). For the others `amount_fen` is the order's payable."""

    moment: str
    moment_id: int
    order_id: int
    buyer_id: int
    merchant_id: int
    ref: str
    amount_fen: int
    at: dt.datetime
    lines: dict[int, int] = field(default_factory=dict)
    sources: dict[str, int] = field(default_factory=dict)


CheckoutHook = Callable[[CheckoutContext], None]
OrderHook = Callable[[OrderMomentEvent], None]

CHECKOUT_HOOKS: dict[str, CheckoutHook] = {}
MOMENT_HOOKS: dict[str, dict[str, OrderHook]] = {m: {} for m in Moment.ALL}


def on_checkout(name: str, hook: CheckoutHook) -> None:
    """Register a hook run inside the checkout transaction (by unique name: registering again replaces it)."""
    CHECKOUT_HOOKS[name] = hook


def on_moment(moment: str, name: str, hook: OrderHook) -> None:
    if moment not in MOMENT_HOOKS:
        raise ValueError(f"unknown order moment {moment!r}; one of {Moment.ALL}")
    MOMENT_HOOKS[moment][name] = hook


def on_paid(name: str, hook: OrderHook) -> None:
    on_moment(Moment.PAID, name, hook)


def on_cancelled(name: str, hook: OrderHook) -> None:
    on_moment(Moment.CANCELLED, name, hook)


def on_refunded(name: str, hook: OrderHook) -> None:
    on_moment(Moment.REFUNDED, name, hook)


def on_completed(name: str, hook: OrderHook) -> None:
    on_moment(Moment.COMPLETED, name, hook)


def unregister(name: str) -> None:
    """Remove a hook by name from every registry (tests)."""
    CHECKOUT_HOOKS.pop(name, None)
    for hooks in MOMENT_HOOKS.values():
        hooks.pop(name, None)
