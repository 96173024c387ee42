"""Fault: payment notifications delivered twice and out of order. Gateways retry a notification until they get
an answer, and a "closed" and a "paid" notice of one trade may cross on the network. The duplicates of one
notification are covered in payments/tests (test_replayed_callback_changes_nothing, ten parallel deliveries, one
trade under ten notification ids); here the orders that cross: a late "closed" after "paid", a late "paid" after
"closed", and both kinds delivered several times at once, in a shuffled order.

Must hold: the money is never lost (a trade the bank says was paid ends paid, whatever came before or after),
the order is paid once (one status change, one `order.paid` event), and every delivery is answered OK (so the
gateway stops retrying).
"""

from __future__ import annotations

import random

import pytest

from conftest import make_user
from quanzi.core.models import Event
from quanzi.core.testing import race
from quanzi.orders.enums import OrderStatus
from quanzi.payments import services
from quanzi.payments.enums import CallbackResult, PaymentStatus
from quanzi.payments.models import PaymentCallback
from quanzi.payments.tests.helpers import place_order, sandbox_notification

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _deliver(payment, status: str) -> services.CallbackOutcome:  # type: ignore[no-untyped-def]
    headers, body = sandbox_notification(payment, status=status)
    return services.payment_handle_callback(gateway="sandbox", headers=headers, body=body)


def _deliver_ok(payment, kind: str, outcomes: list) -> None:  # type: ignore[no-untyped-def, type-arg]
    outcome = _deliver(payment, kind)
    outcomes.append(outcome)
    assert outcome.ok, outcome


def _paid_once(payment, order) -> None:  # type: ignore[no-untyped-def]
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert order.status == OrderStatus.PAID and order.paid_fen == payment.amount_fen
    assert order.status_changes.filter(to_status=OrderStatus.PAID).count() == 1
    assert Event.objects.filter(name="order.paid", object_id=order.pk).count() == 1
    assert Event.objects.filter(name="payment.succeeded").count() == 1


def test_a_late_closed_notice_after_paid_changes_nothing() -> None:
    buyer = make_user()
    order = place_order(buyer)
    payment = services.payment_create(user=buyer, order_id=order.pk, gateway="sandbox")
    assert _deliver(payment, "SUCCESS").result == CallbackResult.PROCESSED
    for _ in range(2):
        late = _deliver(payment, "CLOSED")
        assert late.ok and late.result == CallbackResult.IGNORED
    again = _deliver(payment, "SUCCESS")
    assert again.ok and again.replay
    _paid_once(payment, order)


def test_a_late_paid_notice_after_closed_still_pays_the_order() -> None:
    buyer = make_user()
    order = place_order(buyer)
    payment = services.payment_create(user=buyer, order_id=order.pk, gateway="sandbox")
    closed = _deliver(payment, "CLOSED")
    assert closed.ok
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CLOSED
    paid = _deliver(payment, "SUCCESS")  # the bank took the money after all: it is booked, not dropped
    assert paid.ok and paid.result == CallbackResult.PROCESSED
    assert _deliver(payment, "CLOSED").ok  # and a repeat of the old closed notice changes nothing
    _paid_once(payment, order)


def test_paid_and_closed_notices_delivered_several_times_at_once_in_any_order() -> None:
    for seed in range(3):
        buyer = make_user()
        order = place_order(buyer)
        payment = services.payment_create(user=buyer, order_id=order.pk, gateway="sandbox")
        kinds = ["SUCCESS"] * 4 + ["CLOSED"] * 4
        random.Random(seed).shuffle(kinds)
        outcomes: list[services.CallbackOutcome] = []
        results = race([lambda k=k, p=payment, out=outcomes: _deliver_ok(p, k, out) for k in kinds])
        assert results == ["ok"] * len(kinds), results
        _paid_once(payment, order)
        assert PaymentCallback.objects.filter(payment=payment).count() == 2  # one row per notification id
        assert sum(c.deliveries for c in PaymentCallback.objects.filter(payment=payment)) == len(kinds)
        assert sum(o.result == CallbackResult.PROCESSED and not o.replay for o in outcomes) == 1
        Event.objects.filter(name="payment.succeeded").delete()  # the next round counts its own
