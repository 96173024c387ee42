"""What the after-sales app needs from the order pipeline: no shipping while a refund request is pending, cancelling
part of an unshipped order (stock back exactly once), refunds spread over the lines, and the timestamps that go
with a status reached through `order_transition`."""

import datetime as dt

import pytest
from django.utils import timezone

from quanzi.catalog.models import Sku, StockMovement
from quanzi.catalog.tests import factories as f
from quanzi.core.errors import Conflict, InvalidInput
from quanzi.orders import services
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import Order, OrderLine, OrderRefund, Shipment
from quanzi.orders.tests.helpers import place

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():  # type: ignore[no-untyped-def]
    m = f.approved_merchant()
    _p1, a = f.product_with_sku(m, price_fen=1000, stock=10, title="洗面奶")
    _p2, b = f.product_with_sku(m, price_fen=3000, stock=10, title="面霜")
    return m, a, b


def _paid(buyer, items, ref="pay-1") -> Order:  # type: ignore[no-untyped-def]
    o = place(buyer, [(s.pk, q) for s, q in items]).orders.get()
    return services.order_mark_paid(order_id=o.pk, amount_fen=o.payable_fen, payment_ref=ref).order


def _line(order: Order, sku: Sku) -> OrderLine:
    return OrderLine.objects.get(order=order, sku=sku)


def _stock(sku: Sku) -> int:
    return Sku.objects.get(pk=sku.pk).stock


def _ship(m, order):  # type: ignore[no-untyped-def]
    return services.order_ship(user=m.user, order_id=order.pk, carrier="顺丰", tracking_no="SF1234567890")


# --- 1. no shipping while a refund request is pending --------------------------------------------------------------


def test_ship_is_refused_while_a_refund_request_is_pending(member, shop):
    m, a, _b = shop
    order = _paid(member, [(a, 1)])
    services.order_transition(order_id=order.pk, to=OrderStatus.REFUNDING, reason="售后申请")
    with pytest.raises(Conflict) as exc:
        _ship(m, order)
    assert exc.value.code == "order_refund_pending"
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDING and order.shipped_at is None
    assert not Shipment.objects.filter(order=order).exists()
    # the merchant rejects the request: back to 待发货, and now it ships
    services.order_transition(order_id=order.pk, to=OrderStatus.PAID, reason="拒绝")
    assert _ship(m, order).status == OrderStatus.SHIPPED


def test_a_partly_refunded_unshipped_order_still_ships(member, shop):
    m, a, _b = shop
    order = _paid(member, [(a, 2)])
    services.order_record_refund(order_id=order.pk, amount_fen=500, refund_ref="rf-part")
    assert _ship(m, order).status == OrderStatus.SHIPPED


# --- 2. cancelling part of an unshipped order ----------------------------------------------------------------------


def test_cancelling_units_before_shipment_returns_their_stock_exactly_once(member, shop):
    m, a, b = shop
    order = _paid(member, [(a, 3), (b, 2)])
    assert (_stock(a), _stock(b)) == (7, 8)
    la, lb = _line(order, a), _line(order, b)

    assert services.order_lines_cancel_unshipped(order_id=order.pk, lines=[(la.pk, 2)], ref="AS-1") == 2
    assert _stock(a) == 9
    assert services.order_lines_cancel_unshipped(order_id=order.pk, lines=[(la.pk, 2)], ref="AS-1") == 0  # replay
    assert _stock(a) == 9
    la.refresh_from_db()
    assert (la.cancelled_quantity, la.quantity_to_ship) == (2, 1)
    returns = StockMovement.objects.filter(sku=a, order_id=order.pk, delta__gt=0)
    assert list(returns.values_list("delta", flat=True)) == [2]

    with pytest.raises(Conflict) as exc:  # only one unit is left to cancel; nothing changes
        services.order_lines_cancel_unshipped(order_id=order.pk, lines=[(lb.pk, 1), (la.pk, 2)], ref="AS-2")
    assert exc.value.code == "cancel_exceeds_quantity"
    assert (_stock(a), _stock(b)) == (9, 8)
    assert _line(order, b).cancelled_quantity == 0

    # the rest is refunded in full: only the units still held go back, the cancelled ones are not returned twice
    services.order_record_refund(order_id=order.pk, amount_fen=order.paid_fen, refund_ref="rf-all")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.REFUNDED
    assert (_stock(a), _stock(b)) == (10, 10)
    assert services.order_lines_cancel_unshipped(order_id=order.pk, lines=[(la.pk, 1)], ref="AS-3") == 0
    assert (_stock(a), _stock(b)) == (10, 10)


def test_cancel_before_shipment_is_refused_for_shipped_orders_and_foreign_lines(member, other, shop):
    m, a, b = shop
    order = _paid(member, [(a, 2)])
    foreign = _paid(other, [(b, 1)], ref="pay-2")
    with pytest.raises(InvalidInput) as exc:
        services.order_lines_cancel_unshipped(order_id=order.pk, lines=[(_line(foreign, b).pk, 1)], ref="AS-x")
    assert exc.value.code == "line_not_in_order"
    with pytest.raises(InvalidInput):
        services.order_lines_cancel_unshipped(order_id=order.pk, lines=[(_line(order, a).pk, 0)], ref="AS-y")
    _ship(m, order)
    with pytest.raises(Conflict) as exc2:
        services.order_lines_cancel_unshipped(order_id=order.pk, lines=[(_line(order, a).pk, 1)], ref="AS-z")
    assert exc2.value.code == "order_already_shipped"
    assert _stock(a) == 8 and _line(order, a).cancelled_quantity == 0


def test_unpaid_orders_are_cancelled_whole_not_in_part(member, shop):
    _m, a, _b = shop
    order = place(member, [(a.pk, 2)]).orders.get()
    with pytest.raises(Conflict):
        services.order_lines_cancel_unshipped(order_id=order.pk, lines=[(_line(order, a).pk, 1)], ref="AS-u")
    assert _stock(a) == 8


# --- 3. refunds spread over the lines ------------------------------------------------------------------------------


def test_a_refund_with_a_breakdown_keeps_the_lines_refunded_totals(member, shop):
    _m, a, b = shop
    order = _paid(member, [(a, 2), (b, 1)])  # 2000 + 3000
    la, lb = _line(order, a), _line(order, b)
    services.order_record_refund(order_id=order.pk, amount_fen=2500, refund_ref="rf-1",
                                 lines={la.pk: 1000, lb.pk: 1500})
    services.order_record_refund(order_id=order.pk, amount_fen=2500, refund_ref="rf-1",
                                 lines={la.pk: 1000, lb.pk: 1500})  # replay: booked once
    la.refresh_from_db()
    lb.refresh_from_db()
    order.refresh_from_db()
    assert (la.refunded_fen, lb.refunded_fen) == (1000, 1500)
    assert la.refunded_fen + lb.refunded_fen == order.refunded_fen == 2500


@pytest.mark.parametrize(("split", "code"), [
    ("sum_short", "refund_lines_mismatch"),
    ("above_payable", "line_refund_exceeds_payable"),
    ("foreign_line", "line_not_in_order"),
])
def test_a_bad_breakdown_books_nothing(member, other, shop, split, code):
    _m, a, b = shop
    order = _paid(member, [(a, 1), (b, 1)])  # 1000 + 3000
    la, lb = _line(order, a), _line(order, b)
    foreign = _line(_paid(other, [(b, 1)], ref="pay-2"), b)
    lines = {"sum_short": {la.pk: 500, lb.pk: 400},
             "above_payable": {la.pk: 1001, lb.pk: 999},
             "foreign_line": {la.pk: 500, foreign.pk: 500}}[split]
    with pytest.raises((Conflict, InvalidInput)) as exc:
        amount = 1000 if split == "sum_short" else sum(lines.values())
        services.order_record_refund(order_id=order.pk, amount_fen=amount, refund_ref="rf-bad", lines=lines)
    assert exc.value.code == code
    order.refresh_from_db()
    assert order.refunded_fen == 0 and order.status == OrderStatus.PAID
    assert not OrderRefund.objects.filter(refund_ref="rf-bad").exists()
    assert sum(OrderLine.objects.values_list("refunded_fen", flat=True)) == 0


def test_a_refund_booked_without_a_breakdown_is_spread_pro_rata_once(member, shop):
    _m, a, b = shop
    order = _paid(member, [(a, 1), (b, 1)])  # lines pay 1000 and 3000 (no shipping template)
    la, lb = _line(order, a), _line(order, b)
    services.order_record_refund(order_id=order.pk, amount_fen=1200, refund_ref="OP-9")  # an operator's refund
    assert (_line(order, a).refunded_fen, _line(order, b).refunded_fen) == (300, 900)
    services.order_record_refund(order_id=order.pk, amount_fen=1200, refund_ref="OP-9")  # a replay: nothing
    services.order_record_refund(order_id=order.pk, amount_fen=1200, refund_ref="OP-9",
                                 lines={la.pk: 300, lb.pk: 900})  # the same split again: nothing
    with pytest.raises(InvalidInput):  # a different split of the same refund is refused
        services.order_record_refund(order_id=order.pk, amount_fen=1200, refund_ref="OP-9",
                                     lines={la.pk: 1000, lb.pk: 200})
    order.refresh_from_db()
    assert order.refunded_fen == 1200
    assert (_line(order, a).refunded_fen, _line(order, b).refunded_fen) == (300, 900)


def test_a_line_never_refunds_more_than_it_paid_over_several_refunds(member, shop):
    _m, a, b = shop
    order = _paid(member, [(a, 1), (b, 1)])
    la = _line(order, a)
    services.order_record_refund(order_id=order.pk, amount_fen=800, refund_ref="rf-a", lines={la.pk: 800})
    with pytest.raises(Conflict) as exc:
        services.order_record_refund(order_id=order.pk, amount_fen=300, refund_ref="rf-b", lines={la.pk: 300})
    assert exc.value.code == "line_refund_exceeds_payable"
    assert _line(order, a).refunded_fen == 800 and Order.objects.get(pk=order.pk).refunded_fen == 800


# --- 4. timestamps that go with the target status ------------------------------------------------------------------


def test_moving_back_to_completed_sets_completed_at_and_keeps_the_first_shipping_time(member, shop):
    m, a, _b = shop
    order = _paid(member, [(a, 1)])
    order = _ship(m, order)
    shipped_at = order.shipped_at
    services.order_transition(order_id=order.pk, to=OrderStatus.REFUNDING)
    back = services.order_transition(order_id=order.pk, to=OrderStatus.SHIPPED)
    assert back.shipped_at == shipped_at  # auto-confirm still counts from the first shipment
    services.order_confirm_receipt(user=member, order_id=order.pk)
    Order.objects.filter(pk=order.pk).update(delivered_at=timezone.now() - dt.timedelta(days=3))
    services.order_transition(order_id=order.pk, to=OrderStatus.REFUNDING)
    Order.objects.filter(pk=order.pk).update(delivered_at=timezone.now() - dt.timedelta(days=8))
    assert Order.objects.get(pk=order.pk).completed_at is None
    done = services.order_transition(order_id=order.pk, to=OrderStatus.COMPLETED, reason="售后结束")
    assert done.status == OrderStatus.COMPLETED and done.completed_at is not None
    assert timezone.now() - done.completed_at < dt.timedelta(minutes=1)


# --- the same through the API --------------------------------------------------------------------------------------


def test_api_shows_line_refunds_and_cancellations_and_refuses_shipping_a_pending_refund(member, shop, api):
    m, a, b = shop
    order = _paid(member, [(a, 3), (b, 1)])
    la = _line(order, a)
    services.order_transition(order_id=order.pk, to=OrderStatus.REFUNDING, reason="售后申请")
    r = api(m.user).post(f"/api/v1/orders/merchant/orders/{order.pk}/ship",
                         {"carrier": "顺丰", "tracking_no": "SF1234567890"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "order_refund_pending"
    services.order_record_refund(order_id=order.pk, amount_fen=1000, refund_ref="AS-1", lines={la.pk: 1000})
    services.order_lines_cancel_unshipped(order_id=order.pk, lines=[(la.pk, 1)], ref="AS-1")
    lines = {ln["id"]: ln for ln in api(member).get(f"/api/v1/orders/{order.pk}").json()["lines"]}
    assert (lines[la.pk]["refunded_fen"], lines[la.pk]["cancelled_quantity"], lines[la.pk]["quantity"]) \
        == (1000, 1, 3)
    assert lines[_line(order, b).pk]["cancelled_quantity"] == 0
