"""Payment services on real orders: creating payments, applying callbacks (idempotent), automatic refunds of
payments that arrive for cancelled orders, and refunds (idempotent by number, never above what was paid)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from quanzi.core.errors import DomainError
from quanzi.core.models import Event
from quanzi.orders import services as orders
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import Order
from quanzi.payments import services
from quanzi.payments.enums import CallbackResult, PaymentStatus, RefundKind, RefundStatus
from quanzi.payments.models import Payment, PaymentCallback, Refund
from quanzi.payments.tests.helpers import (
    merchant_sku,
    paid_order,
    pay_with_sandbox,
    place_order,
    sandbox_notification,
)

pytestmark = pytest.mark.django_db


def _code(exc: pytest.ExceptionInfo[DomainError]) -> str:
    return exc.value.code


# --- payment_create ---------------------------------------------------------------------------------------------


def test_payment_create_uses_order_payable_amount_and_gives_a_pay_page(member):
    order = place_order(member, merchant_sku(price_fen=12345), quantity=2)
    payment = services.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    assert payment.amount_fen == order.payable_fen
    assert payment.status == PaymentStatus.CREATED
    assert payment.client_data["pay_url"] == f"/pay/sandbox/{payment.payment_no}/"
    assert Event.objects.filter(name="payment.create", object_id=payment.pk).count() == 1


def test_payment_create_reuses_the_open_payment_for_the_same_gateway(member):
    order = place_order(member)
    first = services.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    again = services.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    assert again.pk == first.pk
    assert Payment.objects.filter(order=order).count() == 1


def test_another_buyer_cannot_pay_someone_elses_order(member, other):
    order = place_order(member)
    with pytest.raises(DomainError) as exc:
        services.payment_create(user=other, order_id=order.pk, gateway="sandbox")
    assert exc.value.status == 404
    assert not Payment.objects.exists()


def test_only_pending_orders_can_be_paid(member):
    order = place_order(member)
    orders.order_cancel(user=member, order_id=order.pk)
    with pytest.raises(DomainError) as exc:
        services.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    assert _code(exc) == "order_not_payable"


def test_an_expired_order_cannot_be_paid_even_before_any_job_ran(member):
    order = place_order(member)
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(DomainError) as exc:
        services.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    assert _code(exc) == "order_not_payable"


def test_unconfigured_gateway_is_unavailable(member, settings):
    settings.QUANZI_PAYMENTS = {}
    order = place_order(member)
    for name in ("wechat", "alipay", "paypal"):
        with pytest.raises(DomainError) as exc:
            services.payment_create(user=member, order_id=order.pk, gateway=name)
        assert _code(exc) == "gateway_unavailable"


# --- callbacks --------------------------------------------------------------------------------------------------


def test_verified_callback_marks_payment_and_order_paid(member):
    order = place_order(member)
    payment = services.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    outcome = pay_with_sandbox(payment)
    assert outcome.ok and outcome.result == CallbackResult.PROCESSED
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED and payment.paid_at is not None
    assert payment.gateway_txn_id.startswith("SBX")
    assert order.status == OrderStatus.PAID and order.paid_fen == order.payable_fen
    log = PaymentCallback.objects.get()
    assert log.verified and log.result == CallbackResult.PROCESSED and log.payment_id == payment.pk


def test_replayed_callback_changes_nothing(member):
    order = place_order(member)
    payment = services.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    headers, body = sandbox_notification(payment)
    services.payment_handle_callback(gateway="sandbox", headers=headers, body=body)
    order.refresh_from_db()
    changes = order.status_changes.count()
    events = Event.objects.count()
    for _ in range(3):
        outcome = services.payment_handle_callback(gateway="sandbox", headers=headers, body=body)
        assert outcome.ok and outcome.replay and outcome.result == CallbackResult.PROCESSED
    order.refresh_from_db()
    assert order.status_changes.count() == changes
    assert order.paid_fen == payment.amount_fen
    assert Event.objects.count() == events
    assert PaymentCallback.objects.get().deliveries == 4


@pytest.mark.parametrize("tamper", ["body", "signature", "amount"])
def test_tampered_callback_is_refused_and_changes_nothing(member, tamper):
    order = place_order(member)
    payment = services.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    headers, body = sandbox_notification(payment)
    if tamper == "body":
        body = body.replace(b'"amount_fen":', b'"amount_fen":1')
        expected = "bad_signature"
    elif tamper == "signature":
        headers = {**headers, "X-Sandbox-Signature": "0" * 64}
        expected = "bad_signature"
    else:  # a correctly signed notification whose amount differs from the payment
        headers, body = sandbox_notification(payment, amount_fen=payment.amount_fen - 1)
        expected = "amount_mismatch"
    outcome = services.payment_handle_callback(gateway="sandbox", headers=headers, body=body)
    assert not outcome.ok and outcome.code == expected
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED and order.status == OrderStatus.PENDING_PAYMENT
    log = PaymentCallback.objects.get()
    assert log.result == CallbackResult.REJECTED and log.error_code == expected


def test_stale_notification_is_refused(member):
    order = place_order(member)
    payment = services.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    headers, body = sandbox_notification(payment, timestamp=int(timezone.now().timestamp()) - 3600)
    outcome = services.payment_handle_callback(gateway="sandbox", headers=headers, body=body)
    assert not outcome.ok and outcome.code == "stale_notification"


def test_callback_for_unknown_payment_is_refused(member):
    order = place_order(member)
    payment = services.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    payment.payment_no = "PNOSUCHPAYMENT"
    headers, body = sandbox_notification(payment)
    outcome = services.payment_handle_callback(gateway="sandbox", headers=headers, body=body)
    assert not outcome.ok and outcome.code == "unknown_payment"


def test_closed_notification_closes_an_open_payment(member):
    order = place_order(member)
    payment = services.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    headers, body = sandbox_notification(payment, status="CLOSED")
    outcome = services.payment_handle_callback(gateway="sandbox", headers=headers, body=body)
    assert outcome.ok and outcome.result == CallbackResult.IGNORED
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CLOSED
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_payment_for_a_cancelled_order_is_recorded_and_refunded(member, django_capture_on_commit_callbacks):
    order = place_order(member)
    payment = services.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    orders.order_cancel(user=member, order_id=order.pk)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = pay_with_sandbox(payment)
    assert outcome.ok and outcome.result == CallbackResult.AUTO_REFUNDED
    payment.refresh_from_db()
    order.refresh_from_db()
    refund = Refund.objects.get()
    assert refund.kind == RefundKind.ORDER_CANCELLED and refund.amount_fen == payment.amount_fen
    assert refund.status == RefundStatus.SUCCEEDED and refund.refund_no == f"AUTO-{payment.payment_no}"
    assert payment.status == PaymentStatus.REFUNDED and payment.refunded_fen == payment.amount_fen
    assert order.status == OrderStatus.CANCELLED
    assert order.paid_fen == payment.amount_fen and order.refunded_fen == payment.amount_fen


def test_payment_for_an_order_that_expired_unseen_is_refunded(member, django_capture_on_commit_callbacks):
    order = place_order(member)
    payment = services.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        outcome = pay_with_sandbox(payment)
    assert outcome.result == CallbackResult.AUTO_REFUNDED
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.refunded_fen == order.paid_fen == payment.amount_fen


def test_second_successful_payment_of_a_paid_order_is_refunded(member, settings, monkeypatch,
                                                               django_capture_on_commit_callbacks):
    from quanzi.payments.tests.helpers import fake_wechat_api, wechat_callback, wechat_settings

    settings.QUANZI_PAYMENTS = {"WECHAT": wechat_settings()}
    sent = fake_wechat_api(monkeypatch)
    order = place_order(member)
    first = services.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    second = services.payment_create(user=member, order_id=order.pk, gateway="wechat")  # both opened while unpaid
    pay_with_sandbox(first)
    headers, body = wechat_callback(out_trade_no=second.payment_no, total=second.amount_fen)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outcome = services.payment_handle_callback(gateway="wechat", headers=headers, body=body)
    assert outcome.ok and outcome.result == CallbackResult.AUTO_REFUNDED
    refund = Refund.objects.get()
    assert refund.payment_id == second.pk and refund.kind == RefundKind.NOT_APPLIED
    assert len(callbacks) == 1  # the gateway refund is queued after commit, not called inside the transaction
    assert len(sent) == 1  # only the order creation has reached WeChat so far
    callbacks[0]()
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert sent[-1][1]["out_refund_no"] == f"AUTO-{second.payment_no}"
    assert sent[-1][1]["amount"] == {"refund": second.amount_fen, "total": second.amount_fen, "currency": "CNY"}
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.paid_fen == 2 * order.payable_fen
    assert order.refunded_fen == order.payable_fen  # the duplicate went back; the order keeps one payment


# --- refunds ----------------------------------------------------------------------------------------------------


def test_partial_refunds_up_to_the_amount_paid(member, django_capture_on_commit_callbacks):
    order, payment = paid_order(member, price_fen=10000)
    total = payment.amount_fen
    with django_capture_on_commit_callbacks(execute=True):
        r1 = services.refund_create(order_id=order.pk, amount_fen=total - 100, refund_no="AS-1", reason="少发一件")
    with django_capture_on_commit_callbacks(execute=True):
        r2 = services.refund_create(order_id=order.pk, amount_fen=100, refund_no="AS-2")
    r1.refresh_from_db()
    r2.refresh_from_db()
    assert r1.status == r2.status == RefundStatus.SUCCEEDED
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.refunded_fen == total and payment.status == PaymentStatus.REFUNDED
    assert order.refunded_fen == total and order.status == OrderStatus.REFUNDED
    with pytest.raises(DomainError) as exc:
        services.refund_create(order_id=order.pk, amount_fen=1, refund_no="AS-3")
    assert _code(exc) in ("refund_exceeds_paid", "payment_not_refundable")


def test_refund_above_what_is_left_is_refused_and_nothing_written(member):
    order, payment = paid_order(member)
    services.refund_create(order_id=order.pk, amount_fen=payment.amount_fen - 10, refund_no="AS-10")
    with pytest.raises(DomainError) as exc:
        services.refund_create(order_id=order.pk, amount_fen=11, refund_no="AS-11")
    assert _code(exc) == "refund_exceeds_paid"
    assert not Refund.objects.filter(refund_no="AS-11").exists()
    payment.refresh_from_db()
    assert payment.refunded_fen == payment.amount_fen - 10


def test_refund_with_a_used_number_returns_the_first_result(member, django_capture_on_commit_callbacks):
    order, payment = paid_order(member)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.refund_create(order_id=order.pk, amount_fen=500, refund_no="AS-R", reason="破损")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = services.refund_create(order_id=order.pk, amount_fen=500, refund_no="AS-R", reason="破损")
    assert again.pk == first.pk and not callbacks
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.refunded_fen == 500 and order.refunded_fen == 500
    assert Refund.objects.count() == 1
    with pytest.raises(DomainError) as exc:
        services.refund_create(order_id=order.pk, amount_fen=600, refund_no="AS-R")
    assert _code(exc) == "refund_no_conflict"


@pytest.mark.parametrize("amount", [0, -5, True, 1.5])
def test_refund_amount_must_be_positive_int_fen(member, amount):
    order, _payment = paid_order(member)
    with pytest.raises(DomainError) as exc:
        services.refund_create(order_id=order.pk, amount_fen=amount, refund_no="AS-BAD")
    assert _code(exc) == "refund_amount_invalid"


def test_unpaid_order_has_nothing_to_refund(member):
    order = place_order(member)
    with pytest.raises(DomainError) as exc:
        services.refund_create(order_id=order.pk, amount_fen=100, refund_no="AS-NONE")
    assert _code(exc) == "payment_not_refundable"


def test_failed_gateway_refund_releases_the_amount_and_can_be_retried(member, settings,
                                                                     django_capture_on_commit_callbacks):
    order, payment = paid_order(member)
    settings.QUANZI_PAYMENTS = {"SANDBOX_REFUND_FAIL": True}
    with django_capture_on_commit_callbacks(execute=True):
        refund = services.refund_create(order_id=order.pk, amount_fen=800, refund_no="AS-F")
    refund.refresh_from_db()
    payment.refresh_from_db()
    order.refresh_from_db()
    assert refund.status == RefundStatus.FAILED and refund.error_code == "sandbox_refund_failed"
    assert payment.refunded_fen == 0 and order.refunded_fen == 0
    settings.QUANZI_PAYMENTS = {}
    with django_capture_on_commit_callbacks(execute=True):
        services.refund_retry(refund_no="AS-F")
    refund.refresh_from_db()
    payment.refresh_from_db()
    order.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED and refund.attempts == 2
    assert payment.refunded_fen == 800 and order.refunded_fen == 800
    with pytest.raises(DomainError) as exc:
        services.refund_retry(refund_no="AS-F")
    assert _code(exc) == "refund_not_retryable"


def test_sandbox_confirm_sends_a_verified_callback_after_commit(member, other, django_capture_on_commit_callbacks):
    order = place_order(member)
    payment = services.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    with pytest.raises(DomainError):
        services.sandbox_confirm(user=other, payment_no=payment.payment_no)
    with django_capture_on_commit_callbacks(execute=True):
        services.sandbox_confirm(user=member, payment_no=payment.payment_no)
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED and order.status == OrderStatus.PAID
    log = PaymentCallback.objects.get()
    assert log.verified and log.headers.get("x-sandbox-signature")
    # confirming again is the same trade: no new money, no new state change
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.sandbox_confirm(user=member, payment_no=payment.payment_no)
    assert not callbacks
    order.refresh_from_db()
    assert order.paid_fen == payment.amount_fen


def test_sandbox_pay_now_pays_through_the_callback_path(member):
    order = place_order(member)
    payment = services.sandbox_pay_now(user=member, order_id=order.pk)
    order.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED and order.status == OrderStatus.PAID
    assert PaymentCallback.objects.get(payment=payment).verified
