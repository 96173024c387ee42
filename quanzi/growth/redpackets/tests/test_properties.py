"""The property test of the waterfall with the balance in it (the coupons' property test, extended): for any
combination of coupons, a campaign and a balance spend, real orders through the real checkout sum to their lines,
no line goes below zero, the balance step is the sum of its adjustment rows and of the ledger's spend; and
refunding any subset of lines never returns more than was paid for them, nor more to a source (the balance
included) than it contributed — and the balance the ledger gives back never exceeds what the order spent."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from quanzi.core.errors import DomainError
from quanzi.growth.coupons import services as coupon_services
from quanzi.growth.coupons.errors import ErrorCode as CouponCode
from quanzi.growth.coupons.tests.test_properties import _refund_and_check, _template, coupon_st, world  # noqa: F401
from quanzi.growth.redpackets import services
from quanzi.growth.redpackets.enums import BalanceKind
from quanzi.growth.redpackets.errors import ErrorCode
from quanzi.growth.redpackets.models import BalanceEntry
from quanzi.growth.redpackets.selectors import balance_of
from quanzi.orders import pricing
from quanzi.orders import services as order_services
from quanzi.orders.models import OrderLineAdjustment

CODES = {c.value for c in CouponCode} | {c.value for c in ErrorCode}

case_st = st.fixed_dictionaries({
    "quantities": st.lists(st.integers(0, 3), min_size=4, max_size=4).filter(lambda q: sum(q) > 0),
    "coupons": st.lists(coupon_st, min_size=0, max_size=2),
    "campaign": st.one_of(st.none(), st.fixed_dictionaries({
        "amount": st.integers(1, 40000), "skus": st.sets(st.integers(0, 3), min_size=1), "allows": st.booleans()})),
    "balance": st.integers(1, 60000),  # what the member holds
    "spend": st.integers(0, 80000),  # what they ask to spend (capped at the balance and at the goods)
    "refunds": st.lists(st.tuples(st.integers(0, 3), st.integers(1, 10**6)), min_size=1, max_size=5),
})


@pytest.mark.django_db
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(case=case_st)
def test_with_the_balance_orders_sum_to_their_lines_and_refunds_return_no_more_than_paid(world: Any,  # noqa: F811
                                                                                          case: dict[str, Any]) -> None:
    buyer = world.buyer
    held = balance_of(user_id=buyer.pk)
    if held < case["balance"]:
        services.balance_grant(operator=world.operator, user_id=buyer.pk, amount_fen=case["balance"] - held,
                               reference=uuid.uuid4().hex)
    before = balance_of(user_id=buyer.pk)
    items = [(s.pk, q) for s, q in zip(world.skus, case["quantities"], strict=True) if q]
    chosen: list[Any] = []
    groups: set[Any] = set()
    for n, spec in enumerate(case["coupons"]):
        if spec["shop"] in groups:
            continue
        groups.add(spec["shop"])
        chosen.append(coupon_services.coupon_claim(user=buyer, template_id=_template(world, spec, n).pk))
    campaign = case["campaign"]

    def flash(ctx: pricing.PricingContext) -> list[pricing.Adjustment]:
        return [pricing.Adjustment(stage="campaign", amount_fen=campaign["amount"], label="限时价",
                                   sku_ids=frozenset(world.skus[i].pk for i in campaign["skus"]),
                                   source="flashsale:9", allows_coupons=campaign["allows"])]

    if campaign:
        pricing.CAMPAIGN_ADJUSTERS.append(flash)
    try:
        session = order_services.order_place(
            user=buyer, address_id=world.address_id, idempotency_key=uuid.uuid4().hex, items=items,
            options={"coupon_ids": [c.pk for c in chosen], "balance_fen": case["spend"]})
    except DomainError as exc:
        assert exc.code in CODES, exc
        assert balance_of(user_id=buyer.pk) == before  # refused: nothing spent
        event(f"refused: {exc.code}")
        return
    finally:
        if campaign:
            pricing.CAMPAIGN_ADJUSTERS.remove(flash)

    orders = list(session.orders.order_by("id"))
    spent = -int(BalanceEntry.objects.filter(order_id__in=[o.pk for o in orders], kind=BalanceKind.CHECKOUT_SPEND)
                 .aggregate(s=Sum("amount_fen"))["s"] or 0)
    assert spent == min(case["spend"], before, spent + sum(o.goods_fen - o.discount_fen for o in orders))
    assert balance_of(user_id=buyer.pk) == before - spent >= 0
    event("balance spent" if spent else "no balance spent")
    assert session.total_fen == sum(o.payable_fen for o in orders)
    for order in orders:
        lines = list(order.lines.all())
        assert order.payable_fen == sum(ln.payable_fen for ln in lines)
        for ln in lines:
            assert ln.goods_payable_fen >= 0 and ln.payable_fen >= 0
            assert ln.payable_fen == ln.list_fen - ln.member_discount_fen - ln.campaign_discount_fen \
                - ln.coupon_discount_fen - ln.points_discount_fen + ln.shipping_fen
            rows = OrderLineAdjustment.objects.filter(order_line=ln, source="balance")
            assert sum(r.amount_fen for r in rows) == ln.points_discount_fen
        order_spent = -sum(BalanceEntry.objects.filter(reference=f"order-spend:{order.pk}")
                           .values_list("amount_fen", flat=True))
        assert order_spent == sum(ln.points_discount_fen for ln in lines)
        _refund_and_check(order, lines, case["refunds"])
        # the moments' `refunded` hooks are run here by hand, as after commit: the balance given back
        _run_refund_moments(order.pk)
        back = sum(BalanceEntry.objects.filter(order_id=order.pk, kind=BalanceKind.REFUND_RETURN)
                   .values_list("amount_fen", flat=True))
        assert 0 <= back <= order_spent
        refunded_in_full = all(ln.refunded_fen == ln.payable_fen for ln in order.lines.all())
        if refunded_in_full and order.payable_fen > 0:
            assert back == order_spent


def _run_refund_moments(order_id: int) -> None:
    from quanzi.orders.hooks import OrderMomentEvent
    from quanzi.orders.models import OrderMoment

    for m in OrderMoment.objects.filter(order_id=order_id, kind="refunded").order_by("id"):
        services.on_order_refunded(OrderMomentEvent(
            moment="refunded", moment_id=m.pk, order_id=order_id, buyer_id=0, merchant_id=0, ref=m.ref,
            amount_fen=m.amount_fen, at=m.created_at, lines={int(k): int(v) for k, v in m.payload["lines"].items()},
            sources={k: int(v) for k, v in m.payload["sources"].items()}))
