"""The coupon rules of a checkout, pure (no database): which lines a coupon applies to, whether it can be used on
this order and why not, how much it takes off, and which coupons may be used together.

The rules, as the shopper reads them:

- **Scope.** A shop coupon (the template has a merchant) applies only to that merchant's lines. Within that:
  platform / merchant scope: every line; category: lines whose product is in the category or one below it;
  product: the listed products; community: lines credited to that community (the buyer came through its post,
  card or share link: the same last-touch credit the order line records) or bought from its shelf.
- **Campaign prices take no coupon** unless the campaign allows it (`orders.pricing.Adjustment.allows_coupons`):
  such lines neither count towards a threshold nor take a discount.
- **Threshold** (满 X): measured on what the coupon's lines cost after member and campaign prices, before any
  coupon, so using one coupon never disqualifies another.
- **Amount.** 满减 and no-threshold: the face value; percent off: that share of what its lines still cost when it
  is applied, up to the cap; free shipping: the shipping fee of the parcels it covers, up to the cap. Never more
  than the lines cost (a line never goes below zero).
- **Stacking.** At most one platform coupon per checkout and one shop coupon per merchant (one merchant = one
  order). Shop coupons are applied first, then the platform coupon, on what is left.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from quanzi.core.errors import DomainError
from quanzi.core.money import percent_of
from quanzi.growth.coupons import errors
from quanzi.growth.coupons.enums import CouponKind, CouponScope, CouponState


@dataclass(frozen=True)
class CouponFacts:
    """What the rules need to know about one coupon a member holds (loaded by `growth.coupons.pricing`)."""

    coupon_id: int
    template_id: int
    name: str
    kind: str
    amount_fen: int
    discount_rate: Decimal
    threshold_fen: int
    scope: str
    merchant_id: int | None
    community_id: int | None
    category_ids: frozenset[int]
    product_ids: frozenset[int]
    state: str
    valid_from: dt.datetime
    valid_until: dt.datetime

    @property
    def is_platform(self) -> bool:
        return self.merchant_id is None

    @property
    def source(self) -> str:
        return f"coupon:{self.coupon_id}"

    @property
    def is_shipping(self) -> bool:
        return self.kind == CouponKind.FREE_SHIPPING


@dataclass(frozen=True)
class LineFacts:
    """One line of the checkout as the coupon rules see it."""

    sku_id: int
    product_id: int
    merchant_id: int
    category_id: int | None
    community_ids: frozenset[int]  # communities it is credited to or was bought from the shelf of
    room_fen: int  # what it costs after member and campaign prices, before coupons
    campaign_priced: bool  # priced by a campaign that takes no coupon


@dataclass(frozen=True)
class Verdict:
    """Whether a coupon can be used on this checkout (alone), and if not, why."""

    coupon: CouponFacts
    error: DomainError | None
    sku_ids: frozenset[int] = frozenset()
    merchant_ids: frozenset[int] = frozenset()
    base_fen: int = 0  # what its lines cost before coupons: the threshold is measured on this

    @property
    def usable(self) -> bool:
        return self.error is None


def in_scope(coupon: CouponFacts, line: LineFacts) -> bool:
    if coupon.merchant_id is not None and line.merchant_id != coupon.merchant_id:
        return False
    if coupon.scope == CouponScope.COMMUNITY:
        return coupon.community_id is not None and coupon.community_id in line.community_ids
    if coupon.scope == CouponScope.CATEGORY:
        return line.category_id is not None and line.category_id in coupon.category_ids
    if coupon.scope == CouponScope.PRODUCT:
        return line.product_id in coupon.product_ids
    return True  # platform, merchant


def judge(coupon: CouponFacts, lines: list[LineFacts], now: dt.datetime | None = None) -> Verdict:
    """Can this coupon be used on these lines (on its own)? The first reason it cannot, in the order a shopper
    would look for it: used, expired, not yet valid, nothing in scope, only campaign-priced goods, below the
    threshold, nothing to take off."""
    now = now or timezone.now()
    if coupon.state == CouponState.USED:
        return Verdict(coupon, errors.coupon_used())
    if coupon.state == CouponState.EXPIRED or coupon.valid_until <= now:
        return Verdict(coupon, errors.expired())
    if coupon.state == CouponState.NOT_YET_VALID or coupon.valid_from > now:
        when = timezone.localtime(coupon.valid_from).strftime("%Y-%m-%d %H:%M")
        return Verdict(coupon, errors.not_yet_valid(when))
    scoped = [ln for ln in lines if in_scope(coupon, ln)]
    if not scoped:
        return Verdict(coupon, errors.other_scope())
    usable = [ln for ln in scoped if not ln.campaign_priced]
    if not usable:
        return Verdict(coupon, errors.campaign_priced())
    base = sum(ln.room_fen for ln in usable)
    sku_ids = frozenset(ln.sku_id for ln in usable)
    merchant_ids = frozenset(ln.merchant_id for ln in usable)
    if base < coupon.threshold_fen:
        return Verdict(coupon, errors.below_threshold(coupon.threshold_fen, coupon.threshold_fen - base),
                       sku_ids, merchant_ids, base)
    if not coupon.is_shipping and goods_amount(coupon, base) <= 0:
        return Verdict(coupon, errors.no_effect(), sku_ids, merchant_ids, base)
    return Verdict(coupon, None, sku_ids, merchant_ids, base)


def goods_amount(coupon: CouponFacts, cost_fen: int) -> int:
    """What a goods coupon takes off lines that still cost `cost_fen` (0 for a free-shipping coupon)."""
    if cost_fen <= 0 or coupon.is_shipping:
        return 0
    if coupon.kind == CouponKind.PERCENT_OFF:
        off = percent_of(cost_fen, coupon.discount_rate)
        if coupon.amount_fen:
            off = min(off, coupon.amount_fen)
        return min(off, cost_fen)
    return min(coupon.amount_fen, cost_fen)


def shipping_amounts(coupon: CouponFacts, merchant_ids: frozenset[int], fees: dict[int, int]) -> dict[int, int]:
    """What a free-shipping coupon takes off each covered merchant's fee (merchant id order; the cap, when there
    is one, runs out in that order). Merchants with nothing taken off are left out."""
    remaining = coupon.amount_fen if coupon.amount_fen else None
    out: dict[int, int] = {}
    for merchant_id in sorted(merchant_ids):
        fee = fees.get(merchant_id, 0)
        off = fee if remaining is None else min(fee, remaining)
        if off > 0:
            out[merchant_id] = off
            if remaining is not None:
                remaining -= off
    return out


def check_stacking(chosen: list[CouponFacts]) -> None:
    """At most one platform coupon, and one shop coupon per merchant; the same coupon twice is one coupon."""
    platform = [c for c in chosen if c.is_platform]
    shops = [c.merchant_id for c in chosen if not c.is_platform]
    if len(platform) > 1 or len(shops) != len(set(shops)):
        raise errors.stack_conflict()


def expiry_key(coupon: CouponFacts) -> tuple[dt.datetime, int]:
    """Among coupons saving the same, use the one that expires first (then the older one)."""
    return coupon.valid_until, coupon.coupon_id
