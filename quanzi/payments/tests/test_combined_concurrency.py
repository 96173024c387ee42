"""Combined payments (合单支付) under races on PostgreSQL (skipped on SQLite, which has no row locks): notifications
of one combined trade arriving at once pay each order exactly once; two clicks on the cashier make one trade."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from quanzi.core.models import Event
from quanzi.core.testing import race
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import Order
from quanzi.payments import combined, services
from quanzi.payments.enums import CallbackResult, PaymentStatus
from quanzi.payments.gateways.sandbox import SandboxGateway, sign
from quanzi.payments.models import CombinedPayment, Payment, PaymentCallback
from quanzi.payments.tests.test_combined import two_merchant_checkout

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _notifications(c: CombinedPayment, n: int) -> list[tuple[dict[str, str], bytes]]:
    """The same trade told under n different notification ids (a provider retrying, a query finding it)."""
    headers, body = SandboxGateway().build_notification(payment_no=c.combined_no, amount_fen=c.amount_fen)
    out = [(headers, body)]
    for i in range(1, n):
        other = body.replace(b'"notify_id":"', f'"notify_id":"R{i}-'.encode())
        out.append(({**headers, "X-Sandbox-Signature": sign(other)}, other))
    return out


def _assert_paid_once(orders: list[Order]) -> None:
    for order in orders:
        order.refresh_from_db()
        assert order.status == OrderStatus.PAID and order.paid_fen == order.payable_fen
        assert order.status_changes.filter(to_status=OrderStatus.PAID).count() == 1
        assert Payment.objects.get(order=order).status == PaymentStatus.SUCCEEDED
    assert Event.objects.filter(name="order.paid").count() == len(orders)
    assert Event.objects.filter(name="payment.succeeded").count() == len(orders)
    assert Event.objects.filter(name="payment.combined_succeeded").count() == 1


def test_two_callbacks_at_once_pay_each_order_once(member):
    assert connection.vendor == "postgresql"
    checkout_id, orders = two_merchant_checkout(member)
    c = combined.combined_create(user=member, checkout_id=checkout_id, gateway="sandbox")
    (h1, b1), (h2, b2) = _notifications(c, 2)
    outcomes: list[Any] = []

    def deliver(headers: dict[str, str], body: bytes) -> None:
        outcomes.append(services.payment_handle_callback(gateway="sandbox", headers=headers, body=body))

    assert race([lambda: deliver(h1, b1), lambda: deliver(h2, b2)]) == ["ok", "ok"]
    assert sorted(o.result for o in outcomes) == [CallbackResult.DUPLICATE, CallbackResult.PROCESSED]
    _assert_paid_once(orders)
    c.refresh_from_db()
    assert c.status == PaymentStatus.SUCCEEDED and c.status_changes.count() == 1


def test_one_notification_redelivered_eight_times_at_once(member):
    checkout_id, orders = two_merchant_checkout(member)
    c = combined.combined_create(user=member, checkout_id=checkout_id, gateway="sandbox")
    headers, body = _notifications(c, 1)[0]
    outcomes: list[Any] = []

    def deliver() -> None:
        outcomes.append(services.payment_handle_callback(gateway="sandbox", headers=headers, body=body))

    assert race([deliver] * 8) == ["ok"] * 8
    assert all(o.ok for o in outcomes) and sum(1 for o in outcomes if not o.replay) == 1
    _assert_paid_once(orders)
    assert PaymentCallback.objects.get().deliveries == 8


def test_two_clicks_at_once_make_one_trade(member):
    checkout_id, _orders = two_merchant_checkout(member)
    made: list[int] = []

    def click() -> None:
        made.append(combined.combined_create(user=member, checkout_id=checkout_id, gateway="sandbox").pk)

    assert race([click, click]) == ["ok", "ok"]
    assert len(set(made)) == 1
    assert CombinedPayment.objects.count() == 1 and Payment.objects.count() == 2
