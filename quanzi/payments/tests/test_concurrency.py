"""Races on PostgreSQL (skipped on SQLite, which has no row locks): parallel deliveries of one callback, and
concurrent refunds of one payment."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from quanzi.core.errors import DomainError
from quanzi.core.models import Event
from quanzi.orders.enums import OrderStatus
from quanzi.payments import services
from quanzi.payments.enums import CallbackResult, PaymentStatus, RefundStatus
from quanzi.payments.gateways.sandbox import SandboxGateway
from quanzi.payments.models import PaymentCallback, Refund
from quanzi.payments.tests.helpers import paid_order, place_order, sandbox_notification

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(i)` in n threads released together; return each result or the exception it raised."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - collected and asserted by the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_same_callback_delivered_ten_times_in_parallel(member):
    assert connection.vendor == "postgresql"
    order = place_order(member)
    payment = services.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    headers, body = sandbox_notification(payment)

    outcomes = _race(10, lambda i: services.payment_handle_callback(gateway="sandbox", headers=headers, body=body))

    assert all(isinstance(o, services.CallbackOutcome) and o.ok for o in outcomes), outcomes
    assert sum(1 for o in outcomes if not o.replay) == 1
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert order.status == OrderStatus.PAID and order.paid_fen == payment.amount_fen
    assert order.status_changes.filter(to_status=OrderStatus.PAID).count() == 1
    assert Event.objects.filter(name="payment.succeeded").count() == 1
    assert Event.objects.filter(name="order.paid").count() == 1
    log = PaymentCallback.objects.get()
    assert log.result == CallbackResult.PROCESSED and log.deliveries == 10


def test_one_trade_told_under_ten_notification_ids_in_parallel(member):
    order = place_order(member)
    payment = services.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    gw = SandboxGateway()
    deliveries = []
    for i in range(10):  # the same trade (same txn id) re-sent with a fresh notification id each time
        headers, body = gw.build_notification(payment_no=payment.payment_no, amount_fen=payment.amount_fen)
        body = body.replace(b'-SUCCESS"', f'-SUCCESS-{i}"'.encode())
        deliveries.append(({"X-Sandbox-Signature": gw_sign(body)}, body))

    outcomes = _race(10, lambda i: services.payment_handle_callback(gateway="sandbox", headers=deliveries[i][0],
                                                                     body=deliveries[i][1]))

    assert all(o.ok for o in outcomes), outcomes
    assert sorted(o.result for o in outcomes).count(CallbackResult.PROCESSED) == 1
    order.refresh_from_db()
    assert order.status_changes.filter(to_status=OrderStatus.PAID).count() == 1
    assert order.paid_fen == payment.amount_fen
    assert PaymentCallback.objects.count() == 10


def gw_sign(body: bytes) -> str:
    from quanzi.payments.gateways.sandbox import sign

    return sign(body)


def test_two_partial_refunds_exceeding_the_payment_only_one_succeeds(member):
    order, payment = paid_order(member, price_fen=10000)
    share = payment.amount_fen // 2 + 1  # two of these are more than was paid

    results = _race(2, lambda i: services.refund_create(order_id=order.pk, amount_fen=share,
                                                        refund_no=f"AS-RACE-{i}", reason="并发退款"))

    won = [r for r in results if isinstance(r, Refund)]
    lost = [r for r in results if isinstance(r, DomainError)]
    assert len(won) == 1 and len(lost) == 1, results
    assert lost[0].code == "refund_exceeds_paid"
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.refunded_fen == share <= payment.amount_fen
    assert Refund.objects.count() == 1
    assert Refund.objects.get().status == RefundStatus.SUCCEEDED  # sent to the sandbox after commit
    assert order.refunded_fen == share


def test_same_refund_number_in_parallel_is_one_refund(member):
    order, payment = paid_order(member, price_fen=10000)

    results = _race(8, lambda i: services.refund_create(order_id=order.pk, amount_fen=1000, refund_no="AS-SAME"))

    assert all(isinstance(r, Refund) for r in results), results
    assert len({r.pk for r in results}) == 1
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.refunded_fen == 1000 and order.refunded_fen == 1000
