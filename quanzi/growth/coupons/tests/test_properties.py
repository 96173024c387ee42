"""Property tests, with real coupons through the real checkout: for any combination of coupons (any kind, scope
and issuer; at most one platform and one per shop) and a campaign adjustment (on any lines, allowing coupons or
not), every order's total is the sum of its lines, no line goes below zero, each line's stage amounts are the sum
of its adjustment rows; and refunding any subset of lines, piece by piece, never returns more than was paid for
them, nor more to a source (a coupon, the campaign) than it contributed to the lines refunded — the split of each
`refunded` moment (orders.services.moments.refund_source_split) — and exactly that once a line is refunded in
full."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import make_user
from quanzi.catalog.tests import factories as f
from quanzi.core.errors import DomainError
from quanzi.growth.coupons import services
from quanzi.growth.coupons.enums import CouponKind, CouponScope
from quanzi.growth.coupons.errors import ErrorCode
from quanzi.orders import pricing
from quanzi.orders import services as order_services
from quanzi.orders.models import OrderLine, OrderLineAdjustment, OrderMoment
from quanzi.orders.tests.helpers import address

COUPON_CODES = {c.value for c in ErrorCode}


@pytest.fixture
def world(db: None) -> Any:
    """Two shops, four SKUs (two categories), shipping ¥8 a parcel, an operator and a buyer."""
    a, b = f.approved_merchant(), f.approved_merchant()
    skin, home = f.category("护肤"), f.category("家居")
    skus = [f.product_with_sku(a, price_fen=10000, stock=100000, cat=skin)[1],
            f.product_with_sku(a, price_fen=3350, stock=100000, cat=skin)[1],
            f.product_with_sku(a, price_fen=8001, stock=100000, cat=home)[1],
            f.product_with_sku(b, price_fen=6000, stock=100000, cat=home)[1]]
    for m in (a, b):
        order_services.shipping_template_set(user=m.user, mode="piece", first_units=1, first_fee_fen=800,
                                             additional_units=1, additional_fee_fen=100, free_threshold_fen=None)
    buyer = make_user("买家")

    class World:
        merchants = (a, b)
        categories = (skin, home)
        operator = f.operator()
        address_id = address(buyer).pk

    World.skus, World.buyer = skus, buyer  # type: ignore[attr-defined]
    return World


coupon_st = st.fixed_dictionaries({
    "kind": st.sampled_from(list(CouponKind.values)),
    "amount": st.integers(1, 30000),
    "rate": st.integers(1, 99),
    "threshold": st.integers(0, 20000),
    "scope": st.sampled_from(["platform", "merchant", "category", "product"]),
    "shop": st.sampled_from([None, 0, 1]),  # the issuer: the platform, or one of the two shops
})

case_st = st.fixed_dictionaries({
    "quantities": st.lists(st.integers(0, 3), min_size=4, max_size=4).filter(lambda q: sum(q) > 0),
    "coupons": st.lists(coupon_st, min_size=0, max_size=3),
    "campaign": st.one_of(st.none(), st.fixed_dictionaries({
        "amount": st.integers(1, 40000), "skus": st.sets(st.integers(0, 3), min_size=1), "allows": st.booleans()})),
    "refunds": st.lists(st.tuples(st.integers(0, 3), st.integers(1, 10**6)), min_size=1, max_size=6),
})


def _template(world: Any, spec: dict[str, Any], n: int) -> Any:
    kind = spec["kind"]
    merchant = world.merchants[spec["shop"]] if spec["shop"] is not None else None
    scope = spec["scope"]
    if scope == "merchant" and merchant is None:
        scope = CouponScope.PLATFORM
    amount, threshold, rate = spec["amount"], spec["threshold"], "0"
    if kind == CouponKind.AMOUNT_OFF:
        threshold = max(threshold, amount + 1)
    elif kind == CouponKind.NO_THRESHOLD:
        threshold = 0
    elif kind == CouponKind.PERCENT_OFF:
        rate = f"0.{spec['rate']:02d}"
        amount = amount % 5000  # a cap, or none
    else:
        amount = amount % 1200
    product_ids = [world.skus[0].product_id] if scope == "product" else []
    if merchant is not None and scope == "product":
        product_ids = [next(s.product_id for s in world.skus if s.product.merchant_id == merchant.pk)]
    return services.template_create(
        actor=world.operator, name=f"券{n}", kind=kind, amount_fen=amount, discount_rate=rate,
        threshold_fen=threshold, scope=scope, merchant_id=merchant.pk if merchant else None,
        category_id=world.categories[0].pk if scope == "category" else None, product_ids=product_ids, valid_days=3)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(case=case_st)
def test_orders_sum_to_their_lines_and_refunds_never_return_more_than_was_paid(world: Any,
                                                                               case: dict[str, Any]) -> None:
    items = [(s.pk, q) for s, q in zip(world.skus, case["quantities"], strict=True) if q]
    # one platform coupon and one per shop at most: later ones of a group are left out
    chosen: list[Any] = []
    groups: set[Any] = set()
    for n, spec in enumerate(case["coupons"]):
        group = spec["shop"]
        if group in groups:
            continue
        groups.add(group)
        chosen.append(services.coupon_claim(user=world.buyer, template_id=_template(world, spec, n).pk))
    campaign = case["campaign"]

    def flash(ctx: pricing.PricingContext) -> list[pricing.Adjustment]:
        return [pricing.Adjustment(stage="campaign", amount_fen=campaign["amount"], label="限时价",
                                   sku_ids=frozenset(world.skus[i].pk for i in campaign["skus"]),
                                   source="flashsale:9", allows_coupons=campaign["allows"])]

    if campaign:
        pricing.CAMPAIGN_ADJUSTERS.append(flash)
    try:
        session = order_services.order_place(user=world.buyer, address_id=world.address_id,
                                             idempotency_key=uuid.uuid4().hex, items=items,
                                             options={"coupon_ids": [c.pk for c in chosen]})
    except DomainError as exc:  # a combination that does not apply (below a threshold, nothing in scope …)
        assert exc.code in COUPON_CODES, exc
        event(f"refused: {exc.code}")
        return
    finally:
        if campaign:
            pricing.CAMPAIGN_ADJUSTERS.remove(flash)

    orders = list(session.orders.order_by("id"))
    event(f"placed with {len(chosen)} coupon(s)" + (" and a campaign" if campaign else ""))
    assert session.total_fen == sum(o.payable_fen for o in orders)
    for order in orders:
        lines = list(order.lines.all())
        assert order.payable_fen == sum(ln.payable_fen for ln in lines)
        assert order.discount_fen == sum(ln.list_fen - ln.goods_payable_fen for ln in lines)
        assert order.shipping_fen == sum(ln.shipping_fen for ln in lines)
        for ln in lines:
            assert ln.goods_payable_fen >= 0 and ln.payable_fen >= 0 and ln.shipping_fen >= 0
            assert ln.payable_fen == ln.list_fen - ln.member_discount_fen - ln.campaign_discount_fen \
                - ln.coupon_discount_fen - ln.points_discount_fen + ln.shipping_fen
            rows = list(OrderLineAdjustment.objects.filter(order_line=ln))
            assert sum(r.amount_fen for r in rows if r.stage == "coupon") == ln.coupon_discount_fen
            assert sum(r.amount_fen for r in rows if r.stage == "campaign") == ln.campaign_discount_fen
        _refund_and_check(order, lines, case["refunds"])


def _refund_and_check(order: Any, lines: list[OrderLine], refunds: list[tuple[int, int]]) -> None:
    if order.payable_fen <= 0:
        return
    order_services.order_mark_paid(order_id=order.pk, amount_fen=order.payable_fen, payment_ref=f"pay-{order.pk}")
    left = {ln.pk: ln.payable_fen for ln in lines}
    for i, (pick, amount) in enumerate(refunds):
        line = lines[pick % len(lines)]
        amount = min(amount, left[line.pk])
        if amount <= 0:
            continue
        order_services.order_record_refund(order_id=order.pk, amount_fen=amount, refund_ref=f"r-{order.pk}-{i}",
                                           lines={line.pk: amount})
        left[line.pk] -= amount
    refunded = {ln.pk: ln.payable_fen - left[ln.pk] for ln in lines}
    moments = list(OrderMoment.objects.filter(order=order, kind="refunded"))
    assert sum(m.amount_fen for m in moments) == sum(refunded.values()) <= order.payable_fen
    returned: dict[str, int] = {}
    for m in moments:
        assert sum(int(v) for v in m.payload["lines"].values()) == m.amount_fen
        for source, fen in m.payload["sources"].items():
            assert fen >= 0
            returned[source] = returned.get(source, 0) + fen
    touched = [pk for pk, fen in refunded.items() if fen > 0]
    contributed: dict[str, int] = {}
    in_full: dict[str, int] = {}
    for row in OrderLineAdjustment.objects.filter(order_line_id__in=touched):
        contributed[row.source] = contributed.get(row.source, 0) + row.amount_fen
        if left[row.order_line_id] == 0:
            in_full[row.source] = in_full.get(row.source, 0) + row.amount_fen
    for source, fen in returned.items():
        assert fen <= contributed.get(source, 0), (source, fen, contributed)
    for source, fen in in_full.items():
        assert returned.get(source, 0) >= fen  # a line refunded in full gives its source back exactly
    for ln in OrderLine.objects.filter(order=order):
        assert ln.refunded_fen <= ln.payable_fen
