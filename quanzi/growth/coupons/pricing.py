"""Coupons in the price waterfall: the adjusters registered with `orders.pricing` (in `CouponsConfig.ready`).

The buyer's choice is `options["coupon_ids"]` (the ids of coupons they hold). Three adjusters, in this order:

1. `shop_coupons` (coupon stage): checks every chosen coupon once (held by the buyer, usable now, in scope,
   threshold met, the stacking rule — `growth.coupons.engine`), keeps the plan in `ctx.notes`, and takes the shop
   coupons off their merchant's lines;
2. `platform_coupon` (coupon stage, after the shop coupons were spread): takes the platform coupon off what its
   lines still cost;
3. `free_shipping` (shipping stage): takes the free-shipping coupons off the covered merchants' fees, shop
   coupons first.

A chosen coupon that cannot be used raises its reason (`coupon_below_threshold` …): the quote and the checkout
answer that code and nothing is placed. Each adjustment's source is `coupon:<id>`, which the checkout hook
redeems (`services.coupons_redeem`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from quanzi.catalog import selectors as catalog_selectors
from quanzi.communities.selectors import community_by_id
from quanzi.growth.coupons import errors
from quanzi.growth.coupons.engine import (
    CouponFacts,
    LineFacts,
    Verdict,
    check_stacking,
    goods_amount,
    judge,
    shipping_amounts,
)
from quanzi.growth.coupons.enums import CouponScope, CouponStatus
from quanzi.growth.coupons.models import Coupon
from quanzi.growth.coupons.rules import coupon_state
from quanzi.orders import selectors as order_selectors
from quanzi.orders.pricing import Adjustment, PricedLine, PricingContext, Quote, shipping_fee

NOTE_KEY = "growth.coupons"
MAX_CHOSEN = 10


# --- facts from the database -------------------------------------------------------------------------------------


def chosen_ids(options: dict[str, Any] | None) -> list[int]:
    """The coupon ids the buyer chose, de-duplicated in their order; anything that is not a list of positive ids
    is refused as coupons that do not exist."""
    raw = (options or {}).get("coupon_ids") or []
    if not isinstance(raw, list | tuple) or len(raw) > MAX_CHOSEN:
        raise errors.coupon_not_found()
    ids: list[int] = []
    for value in raw:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise errors.coupon_not_found()
        if value not in ids:
            ids.append(value)
    return ids


def _facts(coupon: Coupon, now: dt.datetime, categories: dict[int, frozenset[int]]) -> CouponFacts:
    t = coupon.template
    category_ids: frozenset[int] = frozenset()
    if t.scope == CouponScope.CATEGORY and t.category_id is not None:
        if t.category_id not in categories:
            categories[t.category_id] = frozenset(catalog_selectors.category_descendant_ids(t.category_id))
        category_ids = categories[t.category_id]
    product_ids = frozenset(p.pk for p in t.products.all()) if t.scope == CouponScope.PRODUCT else frozenset()
    return CouponFacts(
        coupon_id=coupon.pk, template_id=t.pk, name=t.name, kind=t.kind, amount_fen=t.amount_fen,
        discount_rate=t.discount_rate, threshold_fen=t.threshold_fen, scope=t.scope, merchant_id=t.merchant_id,
        community_id=t.community_id, category_ids=category_ids, product_ids=product_ids,
        state=coupon_state(coupon, now), valid_from=coupon.valid_from, valid_until=coupon.valid_until)


def coupon_facts(*, user: Any, coupon_ids: list[int] | None, now: dt.datetime) -> list[CouponFacts]:
    """The buyer's coupons with these ids (in the order given), or every coupon they could use now when None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    qs = Coupon.objects.filter(user=user).select_related("template").prefetch_related("template__products")
    if coupon_ids is not None:
        qs = qs.filter(pk__in=coupon_ids)
    else:
        qs = qs.filter(status=CouponStatus.UNUSED, valid_until__gt=now).order_by("valid_until", "pk")
    categories: dict[int, frozenset[int]] = {}
    found = {c.pk: _facts(c, now, categories) for c in qs}
    if coupon_ids is None:
        return list(found.values())
    return [found[i] for i in coupon_ids if i in found]


def _community_lines(user: Any, product_ids: list[int], community_ids: set[int]) -> dict[int, set[int]]:
    """product id -> the communities (of `community_ids`) it counts for: bought from the community's shelf, or
    credited to it by the buyer's last touch (the credit the order line will record)."""
    out: dict[int, set[int]] = {p: set() for p in product_ids}
    if not community_ids or not product_ids:
        return out
    for product_id, credit in order_selectors.order_attribution(user_id=user.pk, product_ids=product_ids).items():
        if credit.community_id in community_ids:
            out[product_id].add(credit.community_id)
    for community_id in sorted(community_ids):
        community = community_by_id(community_id=community_id)
        if community is None:
            continue
        on_shelf = (catalog_selectors.community_shelf(community=community).filter(pk__in=product_ids)
                    .prefetch_related(None).values_list("pk", flat=True))
        for product_id in on_shelf:
            out[product_id].add(community_id)
    return out


def line_facts(*, user: Any, lines: list[PricedLine], excluded: frozenset[int],
               coupons: list[CouponFacts]) -> list[LineFacts]:
    skus = catalog_selectors.skus_by_id(sku_ids=[ln.sku_id for ln in lines])
    communities = {c.community_id for c in coupons if c.scope == CouponScope.COMMUNITY and c.community_id}
    by_product = _community_lines(user, sorted({ln.product_id for ln in lines}), communities)
    return [LineFacts(sku_id=ln.sku_id, product_id=ln.product_id, merchant_id=ln.merchant_id,
                      category_id=skus[ln.sku_id].product.category_id if ln.sku_id in skus else None,
                      community_ids=frozenset(by_product.get(ln.product_id, set())),
                      room_fen=max(0, ln.list_fen - ln.member_discount_fen - ln.campaign_discount_fen),
                      campaign_priced=ln.sku_id in excluded)
            for ln in lines]


def excluded_skus(quote: Quote) -> frozenset[int]:
    """The lines of a priced quote that take no coupon (campaign prices that do not allow one)."""
    return PricingContext(user=None, lines=[], options={}, applied=list(quote.adjustments)).coupon_excluded_sku_ids()


# --- the adjusters -----------------------------------------------------------------------------------------------


@dataclass
class Plan:
    shop_goods: list[Verdict] = field(default_factory=list)
    platform_goods: Verdict | None = None
    shipping: list[Verdict] = field(default_factory=list)  # shop coupons first, then the platform's


def label_of(coupon: CouponFacts) -> str:
    return coupon.name[:80]


def plan_for(ctx: PricingContext) -> Plan | None:
    """Check the chosen coupons against the lines as they stand after the campaign stage (once per quote)."""
    if NOTE_KEY in ctx.notes:
        plan: Plan | None = ctx.notes[NOTE_KEY]
        return plan
    ids = chosen_ids(ctx.options)
    if not ids:
        ctx.notes[NOTE_KEY] = None
        return None
    now = timezone.now()
    chosen = coupon_facts(user=ctx.user, coupon_ids=ids, now=now)
    if len(chosen) != len(ids):
        raise errors.coupon_not_found()
    check_stacking(chosen)
    lines = line_facts(user=ctx.user, lines=ctx.lines, excluded=ctx.coupon_excluded_sku_ids(), coupons=chosen)
    plan = Plan()
    for coupon in chosen:
        verdict = judge(coupon, lines, now)
        if verdict.error is not None:
            raise verdict.error
        if coupon.is_shipping:
            plan.shipping.append(verdict)
        elif coupon.is_platform:
            plan.platform_goods = verdict
        else:
            plan.shop_goods.append(verdict)
    plan.shop_goods.sort(key=lambda v: v.coupon.merchant_id or 0)
    plan.shipping.sort(key=lambda v: (v.coupon.is_platform, v.coupon.merchant_id or 0))
    ctx.notes[NOTE_KEY] = plan
    return plan


def shop_coupons(ctx: PricingContext) -> list[Adjustment]:
    plan = plan_for(ctx)
    if plan is None:
        return []
    return [Adjustment(stage="coupon", amount_fen=goods_amount(v.coupon, v.base_fen), label=label_of(v.coupon),
                       sku_ids=v.sku_ids, merchant_id=v.coupon.merchant_id, source=v.coupon.source)
            for v in plan.shop_goods]


def platform_coupon(ctx: PricingContext) -> list[Adjustment]:
    plan = plan_for(ctx)
    if plan is None or plan.platform_goods is None:
        return []
    verdict = plan.platform_goods
    cost = sum(ln.goods_payable_fen for ln in ctx.lines if ln.sku_id in verdict.sku_ids)
    amount = goods_amount(verdict.coupon, cost)
    if amount <= 0:
        raise errors.no_effect()  # the shop coupons already took everything it could have
    return [Adjustment(stage="coupon", amount_fen=amount, label=label_of(verdict.coupon), sku_ids=verdict.sku_ids,
                       source=verdict.coupon.source)]


def shipping_fees(ctx: PricingContext) -> dict[int, int]:
    """Each merchant's shipping fee as the quote has it now: the template's fee on the goods as now priced, less
    what earlier shipping adjustments took (the same computation as `orders.pricing.price_checkout`)."""
    merchants: dict[int, list[PricedLine]] = {}
    for ln in ctx.lines:
        merchants.setdefault(ln.merchant_id, []).append(ln)
    rules = order_selectors.shipping_rules(set(merchants))
    fees = {m: shipping_fee(rules.get(m), pieces=sum(ln.quantity for ln in mlines),
                            weight_g=sum(ln.weight_g for ln in mlines),
                            goods_payable_fen=sum(ln.goods_payable_fen for ln in mlines))
            for m, mlines in merchants.items()}
    for adj in ctx.applied:
        if adj.stage == "shipping":
            for m, off in adj.per_merchant.items():
                fees[m] = max(0, fees.get(m, 0) - off)
    return fees


def free_shipping(ctx: PricingContext) -> list[Adjustment]:
    plan = plan_for(ctx)
    if plan is None or not plan.shipping:
        return []
    fees = shipping_fees(ctx)
    out: list[Adjustment] = []
    for verdict in plan.shipping:
        taken = shipping_amounts(verdict.coupon, verdict.merchant_ids, fees)
        if not taken:
            raise errors.no_effect()  # the parcels it covers ship free already
        for merchant_id, off in taken.items():
            fees[merchant_id] -= off
            out.append(Adjustment(stage="shipping", amount_fen=off, label=label_of(verdict.coupon),
                                  merchant_id=merchant_id, source=verdict.coupon.source))
    return out
