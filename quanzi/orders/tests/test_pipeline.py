import datetime as dt

import pytest
from django.utils import timezone

from quanzi.catalog.models import Sku
from quanzi.catalog.tests import factories as f
from quanzi.core.errors import Conflict, DomainError, InvalidInput, NotFound
from quanzi.orders import jobs, selectors, services
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import Order, OrderStatusChange, TrackingEvent
from quanzi.orders.tests.helpers import place

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():  # type: ignore[no-untyped-def]
    m = f.approved_merchant()
    _p, sku = f.product_with_sku(m, price_fen=5000, stock=10)
    return m, sku


def _order(buyer, sku, qty: int = 1) -> Order:  # type: ignore[no-untyped-def]
    return place(buyer, [(sku.pk, qty)]).orders.get()


def _paid(buyer, sku, ref: str = "pay-1") -> Order:  # type: ignore[no-untyped-def]
    o = _order(buyer, sku)
    return services.order_mark_paid(order_id=o.pk, amount_fen=o.payable_fen, payment_ref=ref).order


def test_mark_paid_moves_to_paid_once_and_replays_change_nothing(member, shop):
    _m, sku = shop
    o = _order(member, sku)
    r = services.order_mark_paid(order_id=o.pk, amount_fen=5000, payment_ref="pay-1")
    assert r.accepted and not r.replay and r.order.status == OrderStatus.PAID and r.order.paid_fen == 5000
    again = services.order_mark_paid(order_id=o.pk, amount_fen=5000, payment_ref="pay-1")
    assert again.replay and not again.accepted and again.order.paid_fen == 5000
    assert OrderStatusChange.objects.filter(order=o, to_status=OrderStatus.PAID).count() == 1


def test_mark_paid_refuses_an_amount_mismatch(member, shop):
    _m, sku = shop
    o = _order(member, sku)
    with pytest.raises(Conflict) as exc:
        services.order_mark_paid(order_id=o.pk, amount_fen=4999, payment_ref="pay-1")
    assert exc.value.code == "amount_mismatch"
    o.refresh_from_db()
    assert o.status == OrderStatus.PENDING_PAYMENT and o.paid_fen == 0


def test_payment_for_an_expired_order_is_booked_for_refund(member, shop):
    _m, sku = shop
    o = _order(member, sku)
    Order.objects.filter(pk=o.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    r = services.order_mark_paid(order_id=o.pk, amount_fen=5000, payment_ref="late-pay")
    assert r.cancelled and not r.accepted and r.needs_refund_fen == 5000
    assert r.order.status == OrderStatus.CANCELLED and r.order.paid_fen == 5000
    assert Sku.objects.get(pk=sku.pk).stock == 10  # the reservation came back
    refunded = services.order_record_refund(order_id=o.pk, amount_fen=5000, refund_ref="rf-late")
    assert refunded.status == OrderStatus.CANCELLED and refunded.refunded_fen == 5000


def test_a_second_payment_of_a_paid_order_is_flagged_for_refund(member, shop):
    _m, sku = shop
    o = _paid(member, sku, "pay-1")
    r = services.order_mark_paid(order_id=o.pk, amount_fen=5000, payment_ref="pay-2")
    assert not r.accepted and r.needs_refund_fen == 5000 and r.order.status == OrderStatus.PAID
    done = services.order_record_refund(order_id=o.pk, amount_fen=5000, refund_ref="rf-dup")
    assert done.status == OrderStatus.PAID and done.refunded_fen == 5000  # the order itself stands


def test_refunds_are_idempotent_and_never_exceed_what_was_paid(member, shop):
    _m, sku = shop
    o = _paid(member, sku)
    part = services.order_record_refund(order_id=o.pk, amount_fen=2000, refund_ref="rf-1")
    assert part.status == OrderStatus.PARTIALLY_REFUNDED and part.refunded_fen == 2000
    assert services.order_record_refund(order_id=o.pk, amount_fen=2000, refund_ref="rf-1").refunded_fen == 2000
    with pytest.raises(Conflict) as exc:
        services.order_record_refund(order_id=o.pk, amount_fen=3001, refund_ref="rf-2")
    assert exc.value.code == "refund_exceeds_paid"
    full = services.order_record_refund(order_id=o.pk, amount_fen=3000, refund_ref="rf-3")
    assert full.status == OrderStatus.REFUNDED and full.refunded_fen == 5000
    assert Sku.objects.get(pk=sku.pk).stock == 10  # refunded before shipping: goods back in stock
    with pytest.raises(InvalidInput):
        services.order_record_refund(order_id=o.pk, amount_fen=1, refund_ref="rf-1")  # ref reused differently


def test_ship_track_confirm_and_audit(member, shop):
    m, sku = shop
    o = _paid(member, sku)
    o = services.order_ship(user=m.user, order_id=o.pk, carrier="顺丰", tracking_no="SF1234567890")
    assert o.status == OrderStatus.SHIPPED and o.shipped_at is not None
    services.tracking_event_add(user=m.user, order_id=o.pk, description="已到达杭州转运中心", location="杭州")
    assert TrackingEvent.objects.filter(shipment__order=o).count() == 2
    o = services.order_confirm_receipt(user=member, order_id=o.pk)
    assert o.status == OrderStatus.DELIVERED and o.delivered_at is not None
    moves = list(OrderStatusChange.objects.filter(order=o).values_list("from_status", "to_status"))
    assert moves == [("", "pending_payment"), ("pending_payment", "paid"), ("paid", "shipped"),
                     ("shipped", "delivered")]


def test_illegal_moves_are_refused(member, shop):
    m, sku = shop
    o = _order(member, sku)
    with pytest.raises(Conflict) as exc:
        services.order_ship(user=m.user, order_id=o.pk, carrier="顺丰", tracking_no="SF1234567890")
    assert exc.value.code == "illegal_transition"
    with pytest.raises(Conflict):
        services.order_confirm_receipt(user=member, order_id=o.pk)
    services.order_cancel(user=member, order_id=o.pk)
    with pytest.raises(Conflict):
        services.order_transition(order_id=o.pk, to=OrderStatus.PAID)
    paid = _paid(member, sku, "pay-x")
    with pytest.raises(Conflict):
        services.order_cancel(user=member, order_id=paid.pk)  # paid orders leave through after-sales


def test_cancel_returns_stock_exactly_once(member, shop):
    _m, sku = shop
    o = _order(member, sku, 3)
    assert Sku.objects.get(pk=sku.pk).stock == 7
    services.order_cancel(user=member, order_id=o.pk)
    services.order_cancel(user=member, order_id=o.pk)
    services.order_settle(order_id=o.pk)
    assert Sku.objects.get(pk=sku.pk).stock == 10


def test_only_the_buyer_and_the_orders_merchant_act_on_it(member, other, shop):
    m, sku = shop
    o = _paid(member, sku)
    stranger = f.approved_merchant()
    with pytest.raises(NotFound):
        services.order_ship(user=stranger.user, order_id=o.pk, carrier="顺丰", tracking_no="SF1234567890")
    with pytest.raises(NotFound):
        services.order_cancel(user=other, order_id=o.pk)
    with pytest.raises(NotFound):
        selectors.order_get_for_buyer(user=other, order_id=o.pk)
    with pytest.raises(NotFound):
        selectors.order_get_for_merchant(merchant=stranger, order_id=o.pk)
    assert selectors.order_get_for_merchant(merchant=m, order_id=o.pk).pk == o.pk


def test_auto_confirm_after_ten_days_reads_as_delivered_and_the_job_makes_it_real(member, shop):
    m, sku = shop
    o = _paid(member, sku)
    services.order_ship(user=m.user, order_id=o.pk, carrier="中通", tracking_no="ZT0000001")
    Order.objects.filter(pk=o.pk).update(shipped_at=timezone.now() - dt.timedelta(days=10, minutes=1))
    o.refresh_from_db()
    assert o.status == OrderStatus.SHIPPED
    assert selectors.order_status_now(o) == OrderStatus.DELIVERED
    assert list(selectors.order_list_for_buyer(user=member, status=OrderStatus.DELIVERED)) == [o]
    assert not selectors.order_list_for_buyer(user=member, status=OrderStatus.SHIPPED).exists()
    jobs.settle_due_orders.call_local()
    o.refresh_from_db()
    assert o.status == OrderStatus.DELIVERED and o.delivered_at is not None


def test_delivery_past_the_return_window_completes(member, shop):
    m, sku = shop
    o = _paid(member, sku)
    services.order_ship(user=m.user, order_id=o.pk, carrier="中通", tracking_no="ZT0000001")
    services.order_confirm_receipt(user=member, order_id=o.pk)
    Order.objects.filter(pk=o.pk).update(delivered_at=timezone.now() - dt.timedelta(days=8))
    o.refresh_from_db()
    assert selectors.order_status_now(o) == OrderStatus.COMPLETED
    jobs.settle_due_orders.call_local()
    o.refresh_from_db()
    assert o.status == OrderStatus.COMPLETED and o.completed_at is not None


def test_expiry_job_cancels_unpaid_orders_and_is_safe_to_run_twice(member, shop):
    _m, sku = shop
    o = _order(member, sku, 2)
    Order.objects.filter(pk=o.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    jobs.settle_due_orders.call_local()
    jobs.settle_due_orders.call_local()
    o.refresh_from_db()
    assert o.status == OrderStatus.CANCELLED and Sku.objects.get(pk=sku.pk).stock == 10


def test_bad_payment_arguments(member, shop):
    _m, sku = shop
    o = _order(member, sku)
    with pytest.raises(DomainError):
        services.order_mark_paid(order_id=o.pk, amount_fen=0, payment_ref="x")
    with pytest.raises(NotFound):
        services.order_mark_paid(order_id=999999, amount_fen=1, payment_ref="x")


def test_a_payment_ref_cannot_pay_two_orders(member, shop):
    _m, sku = shop
    first = _paid(member, sku, "pay-same")
    second = _order(member, sku)
    with pytest.raises(InvalidInput) as exc:
        services.order_mark_paid(order_id=second.pk, amount_fen=second.payable_fen, payment_ref="pay-same")
    assert exc.value.code == "payment_ref_reused"
    second.refresh_from_db()
    assert second.status == OrderStatus.PENDING_PAYMENT and second.paid_fen == 0
    assert Order.objects.get(pk=first.pk).paid_fen == 5000
