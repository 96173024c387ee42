"""The property test of the ledger: for any sequence of earns, checkout redemptions, refunds (pro rata restores),
cancellations, the clock moving on (up to years) and the expiry job, after every step

- the ledger sum = the sum of the lots' `remaining` (and no lot is below zero or above its amount);
- every draw entry is exactly the sum of its draws; no draw is restored more than it took;
- an order never gets back more points than it redeemed;
- a refused redemption (more than held) changes nothing;
- once the expiry job has run, the balance shown = the ledger sum = the sum of the lots."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.db.models import F, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_user
from quanzi.core.errors import DomainError
from quanzi.loyalty.points import selectors, services
from quanzi.loyalty.points.enums import DRAW_KINDS, PointsKind
from quanzi.loyalty.points.models import PointsDraw, PointsEntry, PointsLot
from quanzi.loyalty.points.tests.helpers import Clock, grant, local
from quanzi.orders.hooks import CheckoutContext, OrderMomentEvent, PlacedLine, PlacedOrder
from quanzi.orders.pricing import Quote

step_st = st.one_of(
    st.tuples(st.just("earn"), st.integers(1, 5000)),
    st.tuples(st.just("tick"), st.integers(0, 400)),
    st.tuples(st.just("redeem"), st.integers(1, 8000)),
    st.tuples(st.just("refund"), st.integers(0, 9), st.integers(1, 6000)),
    st.tuples(st.just("cancel"), st.integers(0, 9)),
    st.tuples(st.just("expire")),
)


def _ctx(user: Any, order_id: int, points: int) -> CheckoutContext:
    line = PlacedLine(line_id=order_id, sku_id=1, product_id=1, quantity=1, goods_payable_fen=0, payable_fen=0,
                      adjustments={"points": points})
    return CheckoutContext(user=user, checkout_id=order_id, options={"points": points}, quote=Quote(merchants=[]),
                           orders=[PlacedOrder(order_id=order_id, merchant_id=1, payable_fen=0, lines=[line])])


def _event(moment: str, order_id: int, moment_id: int, user: Any, fen: int = 0) -> OrderMomentEvent:
    return OrderMomentEvent(moment=moment, moment_id=moment_id, order_id=order_id, buyer_id=user.pk, merchant_id=1,
                            ref="", amount_fen=fen, at=local(2025, 1, 1), sources={"points": fen} if fen else {})


def _check(user: Any, orders: list[int]) -> None:
    assert selectors.ledger_sum(user_id=user.pk) == selectors.lots_remaining_sum(user_id=user.pk)
    assert not PointsLot.objects.filter(user=user, remaining__gt=F("amount")).exists()
    for entry in PointsEntry.objects.filter(user=user, kind__in=DRAW_KINDS):
        assert -entry.points == entry.draws.aggregate(s=Sum("points"))["s"]
    for draw in PointsDraw.objects.filter(entry__user=user):
        assert (draw.restored_lots.aggregate(s=Sum("amount"))["s"] or 0) <= draw.points
    for order_id in orders:
        spent = -PointsEntry.objects.get(key=f"redeem:order:{order_id}").points
        back = PointsEntry.objects.filter(order_id=order_id, kind__in=[PointsKind.ORDER_RETURN,
                                                                       PointsKind.REFUND_RETURN])
        assert (back.aggregate(s=Sum("points"))["s"] or 0) <= spent


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(steps=st.lists(step_st, min_size=1, max_size=25))
def test_balance_equals_the_lots_and_the_ledger_for_any_sequence(monkeypatch: Any,
                                                                  steps: list[tuple[Any, ...]]) -> None:
    clock = Clock(monkeypatch, local(2025, 6, 1, 12, 0))
    user = make_user()
    orders: list[int] = []
    moment = 0
    for step in steps:
        kind = step[0]
        if kind == "earn":
            grant(user, step[1])
        elif kind == "tick":
            clock.set(clock.at + dt.timedelta(days=step[1]))
        elif kind == "redeem":
            order_id = 10_000_000 + user.pk * 100 + len(orders)
            held, ledger = selectors.points_balance(user_id=user.pk), PointsEntry.objects.count()
            try:
                with transaction.atomic():
                    services.points_redeem(_ctx(user, order_id, step[1]))
            except DomainError as exc:
                assert exc.code == "points_insufficient" and step[1] > held
                assert selectors.points_balance(user_id=user.pk) == held and PointsEntry.objects.count() == ledger
            else:
                assert step[1] <= held
                assert selectors.points_balance(user_id=user.pk) == held - step[1]
                orders.append(order_id)
        elif kind in ("refund", "cancel") and orders:
            moment += 1
            order_id = orders[step[1] % len(orders)]
            if kind == "refund":
                services.on_order_refunded(_event("refunded", order_id, moment, user, fen=step[2]))
            else:
                services.on_order_cancelled(_event("cancelled", order_id, moment, user))
        elif kind == "expire":
            services.points_expire_due(user_id=user.pk)
        _check(user, orders)
        assert selectors.points_balance(user_id=user.pk) >= 0
    services.points_expire_due(user_id=user.pk)
    _check(user, orders)
    balance = selectors.points_balance(user_id=user.pk)
    assert balance == selectors.ledger_sum(user_id=user.pk) == selectors.lots_remaining_sum(user_id=user.pk)
