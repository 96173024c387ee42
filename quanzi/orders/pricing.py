"""The one pricing function: `price_checkout` returns a per-line waterfall
(list price → member price → campaign price → coupons → points → shipping), all integer fen.

Later features plug in through the registries below, without changing this module:

- `MEMBER_CHECKS`: callables `(user) -> bool`; a buyer is a member when any says so, and then SKUs with a
  member price are charged it.
- `CAMPAIGN_ADJUSTERS`, `COUPON_ADJUSTERS`, `POINTS_ADJUSTERS`, `SHIPPING_ADJUSTERS`: callables
  `(ctx: PricingContext) -> list[Adjustment]`, run in that order. An adjustment takes an amount off the lines it
  names (all lines when `sku_ids` is None, or only one merchant's lines with `merchant_id`); the amount is spread over
  those lines by largest remainder in proportion to what each line still costs, so lines sum exactly, and it is
  capped at what those lines still cost (a line never goes below zero).

Campaign prices and coupons: a line priced by a campaign (a `campaign` adjustment that took something off it)
takes no coupon unless that campaign says it may (`Adjustment.allows_coupons`, default False: flash sales and
group prices take none). A coupon plug-in asks `PricingContext.coupon_excluded_sku_ids()` which lines to leave out.
`PricingContext.notes` is a scratch space per quote for a plug-in whose adjusters of two stages share work (the
coupon stage checks the chosen coupons once, the shipping stage then applies the free-shipping ones).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from quanzi.core.money import allocate
from quanzi.orders.enums import ShippingMode

STAGES = ("member", "campaign", "coupon", "points", "shipping")


@dataclass
class Adjustment:
    stage: str  # campaign | coupon | points | shipping (a shipping adjustment takes fee off, e.g. free shipping)
    amount_fen: int
    label: str = ""
    sku_ids: frozenset[int] | None = None
    merchant_id: int | None = None
    source: str = ""  # e.g. "coupon:12" so the plug-in can redeem it at placement
    # campaign stage only: True when the campaign lets its lines take coupons too (default: campaign prices take none)
    allows_coupons: bool = False
    # filled by `price_checkout`: what it actually took off each line (sku id -> fen), or, for a shipping
    # adjustment, off each merchant's fee (merchant id -> fen); they sum to `amount_fen`
    per_line: dict[int, int] = field(default_factory=dict)
    per_merchant: dict[int, int] = field(default_factory=dict)


@dataclass
class PricedLine:
    sku_id: int
    product_id: int
    merchant_id: int
    title: str
    spec: dict[str, str]
    quantity: int
    weight_g: int
    unit_list_fen: int
    list_fen: int
    member_discount_fen: int = 0
    campaign_discount_fen: int = 0
    coupon_discount_fen: int = 0
    points_discount_fen: int = 0
    shipping_fen: int = 0

    @property
    def discount_fen(self) -> int:
        return (self.member_discount_fen + self.campaign_discount_fen + self.coupon_discount_fen
                + self.points_discount_fen)

    @property
    def goods_payable_fen(self) -> int:
        """What the buyer pays for the goods of this line after every discount, shipping excluded."""
        return self.list_fen - self.discount_fen

    @property
    def payable_fen(self) -> int:
        return self.goods_payable_fen + self.shipping_fen

    @property
    def unit_payable_fen(self) -> int:
        return self.goods_payable_fen // self.quantity


@dataclass
class MerchantQuote:
    merchant_id: int
    lines: list[PricedLine]
    shipping_fen: int = 0

    @property
    def goods_fen(self) -> int:
        return sum(ln.list_fen for ln in self.lines)

    @property
    def discount_fen(self) -> int:
        return sum(ln.discount_fen for ln in self.lines)

    @property
    def payable_fen(self) -> int:
        return sum(ln.payable_fen for ln in self.lines)


@dataclass
class Quote:
    merchants: list[MerchantQuote]
    adjustments: list[Adjustment] = field(default_factory=list)

    @property
    def lines(self) -> list[PricedLine]:
        return [ln for m in self.merchants for ln in m.lines]

    @property
    def goods_fen(self) -> int:
        return sum(m.goods_fen for m in self.merchants)

    @property
    def discount_fen(self) -> int:
        return sum(m.discount_fen for m in self.merchants)

    @property
    def shipping_fen(self) -> int:
        return sum(m.shipping_fen for m in self.merchants)

    @property
    def total_fen(self) -> int:
        return sum(m.payable_fen for m in self.merchants)


@dataclass
class PricingContext:
    user: Any
    lines: list[PricedLine]
    options: dict[str, Any]  # what the buyer chose: coupon ids, points to use, campaign ids ...
    applied: list[Adjustment] = field(default_factory=list)
    notes: dict[str, Any] = field(default_factory=dict)  # per-quote scratch space for plug-ins, keyed by plug-in

    def coupon_excluded_sku_ids(self) -> frozenset[int]:
        """SKUs priced by a campaign that does not allow coupons: coupons neither count them towards a threshold
        nor take anything off them."""
        return frozenset(sku_id for adj in self.applied if adj.stage == "campaign" and not adj.allows_coupons
                         for sku_id, fen in adj.per_line.items() if fen > 0)


Adjuster = Callable[[PricingContext], list[Adjustment]]

MEMBER_CHECKS: list[Callable[[Any], bool]] = []
CAMPAIGN_ADJUSTERS: list[Adjuster] = []
COUPON_ADJUSTERS: list[Adjuster] = []
POINTS_ADJUSTERS: list[Adjuster] = []
SHIPPING_ADJUSTERS: list[Adjuster] = []

_STAGE_FIELD = {
    "campaign": "campaign_discount_fen",
    "coupon": "coupon_discount_fen",
    "points": "points_discount_fen",
}


@dataclass
class SkuFacts:
    """What pricing needs to know about one SKU (loaded by the caller)."""

    sku_id: int
    product_id: int
    merchant_id: int
    title: str
    spec: dict[str, str]
    price_fen: int
    member_price_fen: int | None
    weight_g: int
    # a platform's virtual good (a membership plan, a red packet's funding) sells at its price: no member price,
    # campaign, coupon, points or balance touches it, and it counts towards no coupon's threshold (otherwise a
    # coupon or points could be turned into a red packet, that is, into cash)
    fixed_price: bool = False


@dataclass
class ShippingRule:
    mode: str
    first_units: int
    first_fee_fen: int
    additional_units: int
    additional_fee_fen: int
    free_threshold_fen: int | None


def shipping_fee(rule: ShippingRule | None, *, pieces: int, weight_g: int, goods_payable_fen: int) -> int:
    """Fee for one merchant's parcel: first unit fee + ceil(rest / additional unit) × additional fee; free at or
    above the threshold (measured on what the buyer pays for the goods). No template: free shipping."""
    if rule is None or pieces == 0:
        return 0
    if rule.free_threshold_fen is not None and goods_payable_fen >= rule.free_threshold_fen:
        return 0
    units = pieces if rule.mode == ShippingMode.PIECE else weight_g
    first = max(1, rule.first_units)
    extra_unit = max(1, rule.additional_units)
    rest = max(0, units - first)
    return rule.first_fee_fen + -(-rest // extra_unit) * rule.additional_fee_fen


def spread(lines: list[PricedLine], amount_fen: int, *, attr: str,
           weights: list[int] | None = None, into: dict[int, int] | None = None) -> int:
    """Spread `amount_fen` over `lines` by largest remainder; capped at what the lines still cost. Returns the
    amount actually applied; `into` (sku id -> fen) receives each line's part."""
    if not lines or amount_fen <= 0:
        return 0
    room = [ln.goods_payable_fen for ln in lines]
    amount_fen = min(amount_fen, sum(room))
    parts = allocate(amount_fen, weights if weights is not None else room)
    # a weight-based split could exceed a line's room; move the excess to lines that still have room
    excess = 0
    for i, p in enumerate(parts):
        if p > room[i]:
            excess += p - room[i]
            parts[i] = room[i]
    for i in range(len(parts)):
        if excess == 0:
            break
        give = min(excess, room[i] - parts[i])
        parts[i] += give
        excess -= give
    for ln, p in zip(lines, parts, strict=True):
        setattr(ln, attr, getattr(ln, attr) + p)
        if into is not None and p:
            into[ln.sku_id] = into.get(ln.sku_id, 0) + p
    return amount_fen


def _eligible(lines: list[PricedLine], adj: Adjustment) -> list[PricedLine]:
    return [ln for ln in lines
            if (adj.sku_ids is None or ln.sku_id in adj.sku_ids)
            and (adj.merchant_id is None or ln.merchant_id == adj.merchant_id)]


def price_checkout(*, user: Any, items: list[tuple[SkuFacts, int]],
                   shipping_rules: dict[int, ShippingRule | None], options: dict[str, Any] | None = None) -> Quote:
    """Price a checkout. `items` are (SKU facts, quantity); `shipping_rules` maps merchant id to its template.

    Pure: no database access, so it can be property-tested and reused for cart previews."""
    lines = [
        PricedLine(sku_id=f.sku_id, product_id=f.product_id, merchant_id=f.merchant_id, title=f.title,
                   spec=dict(f.spec), quantity=q, weight_g=f.weight_g * q, unit_list_fen=f.price_fen,
                   list_fen=f.price_fen * q)
        for f, q in items
    ]
    # the plug-ins see only the lines they may discount
    ctx = PricingContext(user=user, lines=[ln for (f, _q), ln in zip(items, lines, strict=True)
                                           if not f.fixed_price], options=dict(options or {}))
    # member price
    is_member = any(check(user) for check in MEMBER_CHECKS)
    if is_member:
        for (f, q), ln in zip(items, lines, strict=True):
            if not f.fixed_price and f.member_price_fen is not None and f.member_price_fen < f.price_fen:
                ln.member_discount_fen = (f.price_fen - f.member_price_fen) * q
    # campaign → coupons → points
    for stage, registry in (("campaign", CAMPAIGN_ADJUSTERS), ("coupon", COUPON_ADJUSTERS),
                            ("points", POINTS_ADJUSTERS)):
        for adjuster in registry:
            for adj in adjuster(ctx):
                adj.stage = stage
                adj.per_line = {}
                adj.amount_fen = spread(_eligible(ctx.lines, adj), adj.amount_fen, attr=_STAGE_FIELD[stage],
                                        into=adj.per_line)
                ctx.applied.append(adj)
    # shipping per merchant, spread over that merchant's lines by their list amount
    merchants: dict[int, list[PricedLine]] = {}
    for ln in lines:
        merchants.setdefault(ln.merchant_id, []).append(ln)
    quotes: list[MerchantQuote] = []
    for merchant_id, mlines in merchants.items():
        fee = shipping_fee(shipping_rules.get(merchant_id), pieces=sum(ln.quantity for ln in mlines),
                           weight_g=sum(ln.weight_g for ln in mlines),
                           goods_payable_fen=sum(ln.goods_payable_fen for ln in mlines))
        quotes.append(MerchantQuote(merchant_id=merchant_id, lines=mlines, shipping_fen=fee))
    for adjuster in SHIPPING_ADJUSTERS:
        for adj in adjuster(ctx):
            remaining = max(0, adj.amount_fen)
            adj.per_merchant = {}
            for mq in quotes:
                if adj.merchant_id is None or adj.merchant_id == mq.merchant_id:
                    off = min(mq.shipping_fen, remaining)
                    mq.shipping_fen -= off
                    remaining -= off
                    if off:
                        adj.per_merchant[mq.merchant_id] = off
            adj.amount_fen = max(0, adj.amount_fen) - remaining
            adj.stage = "shipping"
            ctx.applied.append(adj)
    for mq in quotes:
        parts = allocate(mq.shipping_fen, [ln.list_fen for ln in mq.lines])
        for ln, p in zip(mq.lines, parts, strict=True):
            ln.shipping_fen = p
    return Quote(merchants=quotes, adjustments=ctx.applied)
