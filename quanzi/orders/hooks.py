"""Order lifecycle hooks: how campaigns, coupons, points and commissions act at the moments of an order's life
without `orders` importing them. Registries in the style of `orders.pricing`; plug-in apps register in their
`AppConfig.ready()`.

Two kinds:

- **inside the checkout transaction** (`on_checkout`): after the orders, lines and line adjustments exist and the
  stock is reserved, each hook reserves or redeems what the quote used (a coupon, points, a campaign allotment, a
  group place). Raising a `DomainError` refuses the checkout: the whole transaction rolls back (no order, no
  stock, no event) and the buyer gets that plug-in's code. `before_stock_reserve` hooks run in the same
  transaction just before the stock is reserved (a flash-sale allotment puts its units back into stock there).
- **after commit** (`on_paid`, `on_cancelled`, `on_refunded`, `on_completed`): the moment is written as a row
  (`OrderMoment`, unique per order, kind and reference) in the same transaction as the status change, and
  dispatched after commit. Each hook's run is recorded (`OrderMomentRun`, unique per moment and hook) in the
  same transaction as the hook's own writes, so every hook sees every moment exactly once: duplicate callbacks,
  retries and job re-runs find the moment or the run already there. A hook that fails is retried by the
  `order_moments_sweep` job; the others are not held up by it.

Moments: `paid` (the order took a verified payment), `cancelled` (cancelled or expired unpaid), `refunded` (once
per refund booked on a kept order, with the split per line and per adjustment source), `completed` (the
after-sales window closed: commissions and points become final), `shipped` and `delivered` (first reached, once
per order: a move back after a rejected after-sales request makes none; the buyer's notifications, orders.notices).

And the checkout page (`orders.views.checkout`), where the buyer picks what the plug-ins offer:

- `checkout_panel(name, fn)`: `fn(request, quote, options) -> HTML` ("" for nothing), shown in name order above
  the price waterfall. A panel's inputs belong to the page's re-price form (`form="checkout-options"`) and are
  named `options.<key>` (`options.coupon_ids` repeated, `options.points`, `options.campaign_id`,
  `options.group_id`, `options.extra.<key>`): the page reads them back into `options` as the API takes them,
  re-prices, and places the order with them.
- `checkout_defaults(name, fn)`: `fn(user, items, options) -> dict` of options to propose while the buyer has not
  chosen yet (the best coupons); what the buyer chose always wins.
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
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    ALL = (PAID, CANCELLED, REFUNDED, COMPLETED, SHIPPED, DELIVERED)


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


@dataclass(frozen=True)
class ReserveContext:
    """What a before-stock hook sees: the buyer, the options, the quote; no order exists yet."""

    user: Any
    checkout_id: int
    options: dict[str, Any]
    quote: Quote


CheckoutHook = Callable[[CheckoutContext], None]
ReserveHook = Callable[[ReserveContext], None]
OrderHook = Callable[[OrderMomentEvent], None]

CHECKOUT_HOOKS: dict[str, CheckoutHook] = {}
RESERVE_HOOKS: dict[str, ReserveHook] = {}
MOMENT_HOOKS: dict[str, dict[str, OrderHook]] = {m: {} for m in Moment.ALL}


def on_checkout(name: str, hook: CheckoutHook) -> None:
    """Register a hook run inside the checkout transaction (by unique name: registering again replaces it)."""
    CHECKOUT_HOOKS[name] = hook


def before_stock_reserve(name: str, hook: ReserveHook) -> None:
    """Register a hook run inside the checkout transaction just before the stock of the lines is reserved. A
    plug-in that keeps units apart from the SKU's stock (a flash-sale allotment) puts the units this checkout takes
    back into stock here, so the checkout reserves them like any other and both happen in one transaction (a
    refusal raises a `DomainError` and rolls everything back, as in `on_checkout`)."""
    RESERVE_HOOKS[name] = hook


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


# --- share links that are not a post's -----------------------------------------------------------------------------

# name -> owners(tokens) -> {token: the sharer's user id} for the tokens that plug-in minted
SHARE_TOKEN_OWNERS: dict[str, Callable[[set[str]], dict[str, int]]] = {}


def share_token_owner(name: str, owners: Callable[[set[str]], dict[str, int]]) -> None:
    """Register (or replace, by name) who shared a token a plug-in minted for its own links (a group-buy link):
    `order_attribution` credits that sharer for an order that follows a `link_view` touch with the token."""
    SHARE_TOKEN_OWNERS[name] = owners


def unregister(name: str) -> None:
    """Remove a hook by name from every registry (tests)."""
    CHECKOUT_HOOKS.pop(name, None)
    SHARE_TOKEN_OWNERS.pop(name, None)
    RESERVE_HOOKS.pop(name, None)
    CHECKOUT_PANELS.pop(name, None)
    CHECKOUT_DEFAULTS.pop(name, None)
    for hooks in MOMENT_HOOKS.values():
        hooks.pop(name, None)


# --- the checkout page ---------------------------------------------------------------------------------------------

CheckoutPanel = Callable[[Any, Quote | None, dict[str, Any]], str]
CheckoutDefaults = Callable[[Any, list[tuple[int, int]] | None, dict[str, Any]], dict[str, Any]]

CHECKOUT_PANELS: dict[str, CheckoutPanel] = {}
CHECKOUT_DEFAULTS: dict[str, CheckoutDefaults] = {}


def checkout_panel(name: str, panel: CheckoutPanel) -> None:
    """Register (or replace, by name) a panel on the checkout page: `panel(request, quote, options)` -> HTML."""
    CHECKOUT_PANELS[name] = panel


def checkout_defaults(name: str, defaults: CheckoutDefaults) -> None:
    """Register (or replace, by name) the options a plug-in proposes before the buyer chooses:
    `defaults(user, items, options)` -> options to add (items are (sku_id, quantity), None for the cart)."""
    CHECKOUT_DEFAULTS[name] = defaults
