"""Payment jobs: money that must go back is pushed again until it does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from quanzi.orders import services as orders
from quanzi.orders.enums import OrderStatus
from quanzi.payments import jobs, services
from quanzi.payments.enums import PaymentStatus, RefundKind, RefundStatus
from quanzi.payments.models import Refund
from quanzi.payments.tests.helpers import paid_order, pay_with_sandbox, place_order

pytestmark = pytest.mark.django_db


def test_failed_automatic_refund_is_retried_by_the_job(member, settings, django_capture_on_commit_callbacks):
    order = place_order(member)
    payment = services.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    orders.order_cancel(user=member, order_id=order.pk)
    settings.QUANZI_PAYMENTS = {"SANDBOX_REFUND_FAIL": True}
    with django_capture_on_commit_callbacks(execute=True):
        pay_with_sandbox(payment)
    refund = Refund.objects.get()
    assert refund.kind == RefundKind.ORDER_CANCELLED and refund.status == RefundStatus.FAILED

    assert jobs.refunds_resubmit.call_local() == 0  # too recent: not yet
    Refund.objects.filter(pk=refund.pk).update(finished_at=timezone.now() - dt.timedelta(minutes=10))
    settings.QUANZI_PAYMENTS = {}
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.refunds_resubmit.call_local() == 1
    refund.refresh_from_db()
    payment.refresh_from_db()
    order.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert payment.status == PaymentStatus.REFUNDED
    assert order.status == OrderStatus.CANCELLED and order.refunded_fen == order.paid_fen == payment.amount_fen


def test_a_refund_left_pending_is_submitted_by_the_job(member):
    order, payment = paid_order(member)
    refund = services.refund_create(order_id=order.pk, amount_fen=700, refund_no="AS-LOST")  # worker never ran
    Refund.objects.filter(pk=refund.pk).update(created_at=timezone.now() - dt.timedelta(minutes=10))
    assert jobs.refunds_resubmit.call_local() == 1
    refund.refresh_from_db()
    order.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED and order.refunded_fen == 700
    assert jobs.refunds_resubmit.call_local() == 0  # nothing left to do: running it again changes nothing
    order.refresh_from_db()
    assert order.refunded_fen == 700
