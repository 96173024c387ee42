"""Flash sales end to end through the services, on the database gate (no Redis): the allotment leaves stock when
a session is scheduled and comes back when it ends, a buy is a normal order at the flash price paid within 5
minutes, every refusal has its code and changes nothing, and an expired order's unit goes back to the allotment.
Transactions commit (transaction=True) so the order moments run after commit as in production."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from quanzi.catalog.enums import StockReason
from quanzi.catalog.models import StockMovement
from quanzi.catalog.tests import factories as f
from quanzi.core.errors import DomainError
from quanzi.core.models import Event
from quanzi.growth.flashsale import jobs, selectors, services
from quanzi.growth.flashsale.enums import ReservationStatus, SessionStatus
from quanzi.growth.flashsale.models import (
    FlashItem,
    FlashMemberCount,
    FlashReservation,
    FlashSessionStatusChange,
)
from quanzi.growth.flashsale.tests.helpers import buy, buyer, counts, shop
from quanzi.orders import jobs as order_jobs
from quanzi.orders import services as orders
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import CheckoutSession, Order, OrderLineAdjustment
from quanzi.orders.tests.helpers import place
from quanzi.payments import services as payments
from quanzi.payments.tests.helpers import pay_with_sandbox

pytestmark = pytest.mark.django_db(transaction=True)


def code_of(fn, *args, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as exc:
        fn(*args, **kwargs)
    return exc.value.code


def test_scheduling_moves_the_allotment_out_of_stock_and_ending_returns_the_rest():
    s = shop(stock=150, allotment=100, schedule=False)
    assert counts(s.item, s.sku) == (100, 0, 150)  # a draft touches no stock
    session = services.session_schedule(user=s.merchant.user, session_id=s.session.pk)
    assert session.status == SessionStatus.SCHEDULED
    assert counts(s.item, s.sku) == (100, 0, 50)
    assert StockMovement.objects.filter(sku=s.sku, reason=StockReason.ALLOT).get().delta == -100
    buy(buyer(), s.item)
    # the order's unit came from the allotment: normal stock is untouched (in through unallot, out by the order)
    assert counts(s.item, s.sku) == (100, 1, 50)
    services.session_end(user=s.merchant.user, session_id=s.session.pk, reason="提前结束")
    # the 99 left over go back; the order keeps its unit
    assert counts(s.item, s.sku) == (100, 1, 149)
    assert [(c.from_status, c.to_status) for c in FlashSessionStatusChange.objects.filter(session=s.session)] == \
        [("", "draft"), ("draft", "scheduled"), ("scheduled", "ended")]
    # ending twice is refused with a code and changes nothing
    assert code_of(services.session_end, user=s.merchant.user, session_id=s.session.pk) == "illegal_transition"
    assert counts(s.item, s.sku) == (100, 1, 149)


def test_schedule_refuses_when_the_stock_cannot_cover_the_allotment_and_changes_nothing():
    s = shop(stock=30, allotment=50, schedule=False)
    assert code_of(services.session_schedule, user=s.merchant.user, session_id=s.session.pk) == "not_enough_stock"
    s.session.refresh_from_db()
    assert s.session.status == SessionStatus.DRAFT and counts(s.item, s.sku) == (50, 0, 30)
    assert not StockMovement.objects.filter(reason=StockReason.ALLOT).exists()


def test_a_buy_is_a_normal_order_at_the_flash_price_paid_within_five_minutes():
    s = shop(price_fen=9900, flash_price_fen=1990)
    member = buyer()
    before = timezone.now()
    checkout = buy(member, s.item)
    order = checkout.orders.get()
    line = order.lines.get()
    assert (line.list_fen, line.campaign_discount_fen, line.goods_payable_fen) == (9900, 7910, 1990)
    assert OrderLineAdjustment.objects.get(order_line=line).source == f"flashsale:{s.item.pk}"
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert before + dt.timedelta(minutes=4) < order.expires_at <= timezone.now() + dt.timedelta(minutes=5)
    reservation = FlashReservation.objects.get()
    assert (reservation.order_id, reservation.quantity, reservation.goods_fen, reservation.status) == \
        (order.pk, 1, 1990, ReservationStatus.RESERVED)
    assert FlashMemberCount.objects.get(item=s.item, user=member).units == 1
    # the pipeline and payment work as usual: pay it
    payment = payments.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    assert pay_with_sandbox(payment).ok
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.PAID and reservation.paid_at is not None
    stats = selectors.session_stats(sessions=[s.session])[0]
    assert (stats.units_paid, stats.gmv_fen) == (1, 1990)
    assert Event.objects.filter(name="flashsale.reserve").count() == 1


def test_refusals_have_their_codes_and_change_nothing():
    upcoming = shop(starts_in=dt.timedelta(minutes=30))
    member = buyer()
    assert code_of(buy, member, upcoming.item) == "flashsale_not_started"
    live = shop(allotment=2, limit=1)
    buy(member, live.item)
    assert code_of(buy, member, live.item) == "flashsale_limit_reached"
    assert code_of(buy, member, live.item, quantity=0) == "invalid_quantity"
    assert code_of(buy, buyer(), live.item, quantity=2) == "flashsale_limit_reached"
    buy(buyer(), live.item)
    assert code_of(buy, buyer(), live.item) == "flashsale_sold_out"
    services.session_pause(user=live.merchant.user, session_id=live.session.pk)
    assert code_of(buy, buyer(), live.item) == "flashsale_paused"
    services.session_resume(user=live.merchant.user, session_id=live.session.pk)
    services.session_end(user=live.merchant.user, session_id=live.session.pk)
    assert code_of(buy, buyer(), live.item) == "flashsale_ended"
    assert code_of(buy, buyer(), upcoming.item, key="short") == "idempotency_key_missing"
    # two orders, two reservations: nothing else was written by the refusals
    assert Order.objects.count() == 2 and FlashReservation.objects.count() == 2
    assert counts(live.item, live.sku)[:2] == (2, 2)


def test_a_session_past_its_end_refuses_at_once_even_before_the_job_ends_it():
    s = shop(allotment=5)
    FlashItem.objects.filter(pk=s.item.pk).update()
    s.session.__class__.objects.filter(pk=s.session.pk).update(ends_at=timezone.now() - dt.timedelta(seconds=1))
    assert code_of(buy, buyer(), s.item) == "flashsale_ended"
    assert jobs.flashsale_end_due.call_local() == 1
    assert jobs.flashsale_end_due.call_local() == 0  # idempotent
    assert counts(s.item, s.sku) == (5, 0, 150)  # every unit back in stock


def test_a_replay_of_the_same_key_returns_the_first_checkout():
    s = shop(allotment=3, limit=1)
    member = buyer()
    first = buy(member, s.item, key="same-key-123")
    again = buy(member, s.item, key="same-key-123")
    assert again.pk == first.pk and CheckoutSession.objects.count() == 1
    assert counts(s.item, s.sku)[:2] == (3, 1)


def test_an_unpaid_order_past_its_window_gives_its_unit_back_to_the_allotment():
    s = shop(allotment=1, limit=1)
    first, second = buyer(), buyer()
    order = buy(first, s.item).orders.get()
    assert code_of(buy, second, s.item) == "flashsale_sold_out"
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    order_jobs.settle_due_orders.call_local()
    reservation = FlashReservation.objects.get(order=order)
    assert reservation.status == ReservationStatus.RELEASED and reservation.returned_to_allotment
    assert counts(s.item, s.sku) == (1, 0, 149)  # back in the allotment, not in normal stock
    assert FlashMemberCount.objects.get(item=s.item, user=first).units == 0
    assert buy(second, s.item).orders.count() == 1  # the unit sells again


def test_an_expired_order_is_swept_by_the_next_refused_shopper():
    s = shop(allotment=1, limit=1)
    order = buy(buyer(), s.item).orders.get()
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    late = buyer()
    # this refusal (sold out as stored) cancels the expired order; its unit is back for the next try
    assert code_of(buy, late, s.item) == "flashsale_sold_out"
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    assert buy(late, s.item).orders.count() == 1


def test_a_unit_taken_by_a_normal_sale_in_between_shrinks_the_allotment():
    s = shop(stock=100, allotment=100, limit=1)  # every unit in the flash sale: normal stock is 0
    member = buyer()
    order = buy(member, s.item).orders.get()
    assert counts(s.item, s.sku) == (100, 1, 0)
    # the buyer cancels; orders puts the unit into normal stock and, before the moment's hook runs, a normal
    # shopper buys it (as if between the commit and the hook): simulate by holding the hook back
    from quanzi.orders import hooks

    hook = hooks.MOMENT_HOOKS["cancelled"].pop("flashsale.release")
    try:
        orders.order_cancel(user=member, order_id=order.pk)
        place(buyer(), [(s.sku.pk, 1)])
    finally:
        hooks.MOMENT_HOOKS["cancelled"]["flashsale.release"] = hook
    # the hook runs now (its run row was never written, so it runs once, as the sweep would make it)
    from quanzi.orders.models import OrderMoment

    moment = OrderMoment.objects.get(order=order, kind="cancelled")
    OrderMoment.objects.filter(pk=moment.pk).update(done_at=None)
    orders.moment_dispatch(moment_id=moment.pk)
    reservation = FlashReservation.objects.get(order=order)
    assert reservation.status == ReservationStatus.RELEASED and not reservation.returned_to_allotment
    assert counts(s.item, s.sku) == (99, 0, 0)  # never counted twice: the allotment gave that unit up


def test_a_refund_is_booked_and_the_unit_does_not_come_back_to_the_allotment():
    s = shop(allotment=2, limit=1)
    member = buyer()
    order = buy(member, s.item).orders.get()
    payment = payments.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    assert pay_with_sandbox(payment).ok
    order.refresh_from_db()
    payments.refund_create(order_id=order.pk, amount_fen=order.payable_fen, refund_no="R-flash-1")
    reservation = FlashReservation.objects.get(order=order)
    assert reservation.status == ReservationStatus.REFUNDED and reservation.refunded_fen == order.payable_fen
    assert counts(s.item, s.sku) == (2, 1, 149)  # sold once; the refunded unit went to normal stock
    stats = selectors.session_stats(sessions=[s.session])[0]
    assert (stats.units_paid, stats.gmv_fen, stats.refunded_fen) == (1, 1990, order.payable_fen)


def test_through_the_normal_checkout_only_with_its_kind_and_alone():
    s = shop(allotment=3, limit=2)
    member = buyer()
    normal = place(member, [(s.sku.pk, 1)], options={"campaign_id": s.item.pk}).orders.get()
    assert normal.payable_fen == 9900  # no kind: not a flash-sale checkout (a group-buy may use campaign_id)
    flash = place(member, [(s.sku.pk, 1)], options={"campaign_id": s.item.pk, "campaign_kind": "flashsale"})
    assert flash.orders.get().payable_fen == 1990
    _p, other = f.product_with_sku(s.merchant, price_fen=500, stock=5)
    assert code_of(place, member, [(s.sku.pk, 1), (other.pk, 1)],
                   options={"campaign_id": s.item.pk, "campaign_kind": "flashsale"}) == "flashsale_alone"
    assert counts(s.item, s.sku)[:2] == (3, 1)


def test_bad_session_and_item_input_is_refused_with_codes():
    merchant = f.approved_merchant()
    _p, sku = f.product_with_sku(merchant, price_fen=1000, stock=10)
    now = timezone.now()
    user = merchant.user
    assert code_of(services.session_create, user=user, title="", starts_at=now, ends_at=now + dt.timedelta(hours=1)) \
        == "invalid_title"
    assert code_of(services.session_create, user=user, title="场", starts_at=now, ends_at=now) == "invalid_time"
    assert code_of(services.session_create, user=user, title="场", starts_at=now, ends_at=now + dt.timedelta(hours=1),
                   pay_minutes=60) == "invalid_pay_minutes"
    session = services.session_create(user=user, title="场", starts_at=now, ends_at=now + dt.timedelta(hours=1))
    assert code_of(services.item_add, user=user, session_id=session.pk, sku_id=sku.pk, flash_price_fen=1000,
                   allotment=5) == "invalid_price"
    assert code_of(services.item_add, user=user, session_id=session.pk, sku_id=sku.pk, flash_price_fen=500,
                   allotment=0) == "invalid_allotment"
    assert code_of(services.session_schedule, user=user, session_id=session.pk) == "session_without_items"
    other = f.approved_merchant()
    _p2, foreign = f.product_with_sku(other, price_fen=1000, stock=10)
    assert code_of(services.item_add, user=user, session_id=session.pk, sku_id=foreign.pk, flash_price_fen=500,
                   allotment=5) == "not_session_owner"
    assert code_of(services.session_pause, user=other.user, session_id=session.pk) == "not_session_owner"
    assert not FlashItem.objects.exists()


def test_an_expired_flash_order_does_not_read_as_free_normal_stock():
    from quanzi.catalog.selectors import available_stock

    s = shop(stock=100, allotment=100, limit=1)  # normal stock 0
    order = buy(buyer(), s.item).orders.get()
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    # orders counts the expired order's unit as freed; it goes back to the allotment, so normal stock stays 0
    assert available_stock(sku_ids=[s.sku.pk]) == {s.sku.pk: 0}
