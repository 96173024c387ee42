"""Property tests: every discount spread over lines sums exactly to the order-level discount, no line goes below
zero, and the waterfall adds up line by line."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quanzi.core.money import allocate
from quanzi.orders import pricing
from quanzi.orders.pricing import Adjustment, ShippingRule, SkuFacts, price_checkout


@given(total=st.integers(0, 10**9), weights=st.lists(st.integers(0, 10**7), min_size=1, max_size=30))
def test_allocate_sums_exactly_and_never_goes_negative(total: int, weights: list[int]) -> None:
    parts = allocate(total, weights)
    assert sum(parts) == total and len(parts) == len(weights) and min(parts) >= 0
    if sum(weights):
        # largest remainder: every part is within one fen of its exact share
        wsum = sum(weights)
        assert all(abs(p * wsum - total * w) < wsum for p, w in zip(parts, weights, strict=True))


sku_st = st.builds(
    lambda i, merchant, price, member_off, weight: SkuFacts(
        sku_id=i, product_id=i, merchant_id=merchant, title=f"商品{i}", spec={}, price_fen=price,
        member_price_fen=(price - member_off) if 0 < member_off < price else None, weight_g=weight),
    i=st.integers(1, 10**6), merchant=st.integers(1, 3), price=st.integers(1, 10**6),
    member_off=st.integers(0, 10**5), weight=st.integers(0, 5000))


@st.composite
def checkout_st(draw: Any) -> tuple[list[tuple[SkuFacts, int]], int, int, int, bool]:
    skus = draw(st.lists(sku_st, min_size=1, max_size=8, unique_by=lambda s: s.sku_id))
    items = [(s, draw(st.integers(1, 20))) for s in skus]
    return (items, draw(st.integers(0, 10**8)), draw(st.integers(0, 10**7)), draw(st.integers(0, 10**6)),
            draw(st.booleans()))


@settings(max_examples=300, deadline=None)
@given(case=checkout_st(), first_fee=st.integers(0, 3000), extra_fee=st.integers(0, 1000),
       threshold=st.one_of(st.none(), st.integers(0, 10**6)))
def test_waterfall_lines_sum_exactly(case: tuple[list[tuple[SkuFacts, int]], int, int, int, bool], first_fee: int,
                                     extra_fee: int, threshold: int | None) -> None:
    items, coupon, campaign, points, member = case
    merchant_ids = {f.merchant_id for f, _q in items}
    rules = {m: ShippingRule(mode="piece", first_units=1, first_fee_fen=first_fee, additional_units=1,
                             additional_fee_fen=extra_fee, free_threshold_fen=threshold) for m in merchant_ids}
    saved = (pricing.MEMBER_CHECKS[:], pricing.CAMPAIGN_ADJUSTERS[:], pricing.COUPON_ADJUSTERS[:],
             pricing.POINTS_ADJUSTERS[:])
    try:
        pricing.MEMBER_CHECKS[:] = [lambda user: member]
        first_merchant = min(merchant_ids)
        pricing.CAMPAIGN_ADJUSTERS[:] = [lambda ctx: [Adjustment(stage="campaign", amount_fen=campaign,
                                                                 merchant_id=first_merchant)]]
        pricing.COUPON_ADJUSTERS[:] = [lambda ctx: [Adjustment(stage="coupon", amount_fen=coupon)]]
        pricing.POINTS_ADJUSTERS[:] = [lambda ctx: [Adjustment(stage="points", amount_fen=points)]]
        quote = price_checkout(user=None, items=items, shipping_rules=rules)  # type: ignore[arg-type]
    finally:
        (pricing.MEMBER_CHECKS[:], pricing.CAMPAIGN_ADJUSTERS[:], pricing.COUPON_ADJUSTERS[:],
         pricing.POINTS_ADJUSTERS[:]) = saved
    lines = quote.lines
    applied = {a.stage: a.amount_fen for a in quote.adjustments}
    # each order-level discount is spread so the lines sum exactly to what was applied
    assert sum(ln.campaign_discount_fen for ln in lines) == applied["campaign"] <= campaign
    assert sum(ln.coupon_discount_fen for ln in lines) == applied["coupon"] <= coupon
    assert sum(ln.points_discount_fen for ln in lines) == applied["points"] <= points
    assert quote.discount_fen == sum(ln.discount_fen for ln in lines)
    # each adjustment says what it took off each line, and that is exactly what the line's stage amount holds
    for adj in quote.adjustments:
        assert sum(adj.per_line.values()) == adj.amount_fen
        assert all(p > 0 for p in adj.per_line.values())
    for ln in lines:
        for stage, attr in (("campaign", "campaign_discount_fen"), ("coupon", "coupon_discount_fen"),
                            ("points", "points_discount_fen")):
            assert sum(a.per_line.get(ln.sku_id, 0) for a in quote.adjustments if a.stage == stage) \
                == getattr(ln, attr)
    # what could be taken off was taken off (caps only bind when the lines ran out of room)
    goods_after_member = sum(ln.list_fen - ln.member_discount_fen for ln in lines)
    assert applied["coupon"] == min(coupon, goods_after_member - applied["campaign"])
    for ln in lines:
        assert ln.goods_payable_fen >= 0 and ln.shipping_fen >= 0
        assert ln.payable_fen == ln.list_fen - ln.discount_fen + ln.shipping_fen
        assert all(isinstance(v, int) for v in (ln.list_fen, ln.discount_fen, ln.shipping_fen, ln.payable_fen))
    for mq in quote.merchants:
        assert sum(ln.shipping_fen for ln in mq.lines) == mq.shipping_fen
        assert mq.payable_fen == mq.goods_fen - mq.discount_fen + mq.shipping_fen
    assert quote.total_fen == quote.goods_fen - quote.discount_fen + quote.shipping_fen


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amounts=st.lists(st.integers(1, 6000), min_size=1, max_size=8))
def test_booked_refunds_never_exceed_what_was_paid(member: Any, amounts: list[int]) -> None:
    from quanzi.catalog.tests import factories as f
    from quanzi.core.errors import Conflict
    from quanzi.orders import services
    from quanzi.orders.tests.helpers import place

    _p, sku = f.product_with_sku(f.approved_merchant(), price_fen=5000, stock=1)
    order = place(member, [(sku.pk, 1)]).orders.get()
    services.order_mark_paid(order_id=order.pk, amount_fen=5000, payment_ref=f"pay-{order.pk}")
    accepted = 0
    for i, amount in enumerate(amounts):
        try:
            services.order_record_refund(order_id=order.pk, amount_fen=amount, refund_ref=f"rf-{order.pk}-{i}")
            accepted += amount
        except Conflict:
            assert accepted + amount > 5000  # refused only when it would overshoot
    order.refresh_from_db()
    assert order.refunded_fen == accepted <= order.paid_fen == 5000
    assert order.status == ("refunded" if accepted == 5000 else "partially_refunded" if accepted else "paid")


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(coupon=st.integers(1, 3999), refunds=st.lists(st.integers(1, 4000), min_size=1, max_size=6))
def test_refunds_return_each_source_exactly_once_in_full(member: Any, coupon: int, refunds: list[int]) -> None:
    """However a line is refunded, piece by piece, the coupon's share handed back adds up to exactly what the
    coupon paid once the line is refunded in full, and never more before."""
    from quanzi.catalog.tests import factories as f
    from quanzi.orders import services
    from quanzi.orders.models import OrderLineAdjustment, OrderMoment
    from quanzi.orders.tests.helpers import place

    m = f.approved_merchant()
    _p, sku = f.product_with_sku(m, price_fen=4000, stock=50)
    pricing.COUPON_ADJUSTERS.append(coupon_adjuster := (
        lambda ctx: [Adjustment(stage="coupon", amount_fen=coupon, source="coupon:1")]))
    try:
        order = place(member, [(sku.pk, 1)]).orders.get()
    finally:
        pricing.COUPON_ADJUSTERS.remove(coupon_adjuster)
    order = services.order_mark_paid(order_id=order.pk, amount_fen=order.payable_fen, payment_ref=f"p{order.pk}").order
    line = order.lines.get()
    assert OrderLineAdjustment.objects.get(order_line=line).amount_fen == coupon
    left = line.payable_fen
    for i, amount in enumerate(refunds):
        amount = min(amount, left)
        if amount <= 0:
            break
        services.order_record_refund(order_id=order.pk, amount_fen=amount, refund_ref=f"r{order.pk}-{i}",
                                     lines={line.pk: amount})
        left -= amount
    returned = sum(mo.payload["sources"].get("coupon:1", 0)
                   for mo in OrderMoment.objects.filter(order=order, kind="refunded"))
    assert returned <= coupon
    if left == 0:
        assert returned == coupon
