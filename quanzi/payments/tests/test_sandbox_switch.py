"""Findings 1 and 2 of the security issue, in-process: with the sandbox switched off (every server that is not the
demo or the tests), it can neither start a payment, nor confirm one, nor have its callback accepted, nor refund;
and its signing key is its own setting, never derived from SECRET_KEY."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from django.test import Client

from quanzi.core.errors import DomainError
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import Order
from quanzi.payments import services
from quanzi.payments.enums import PaymentStatus, RefundStatus
from quanzi.payments.gateways import available_gateways
from quanzi.payments.models import Payment
from quanzi.payments.tests.helpers import paid_order, place_order, sandbox_notification

pytestmark = pytest.mark.django_db


def test_sandbox_is_offered_only_when_configured(settings):
    assert "sandbox" in available_gateways()  # the tests turn it on, like the demo
    settings.QUANZI_SANDBOX_PAYMENTS = False
    assert "sandbox" not in available_gateways()
    settings.QUANZI_SANDBOX_PAYMENTS = True
    settings.QUANZI_SANDBOX_SECRET = ""  # on, but with nothing of its own to sign with: still off
    assert "sandbox" not in available_gateways()


def test_sandbox_secret_is_not_derived_from_secret_key(settings):
    derived = hmac.new(settings.SECRET_KEY.encode(), b"quanzi-sandbox-callback", hashlib.sha256).hexdigest()
    assert settings.QUANZI_SANDBOX_SECRET and settings.QUANZI_SANDBOX_SECRET != derived
    assert settings.QUANZI_SANDBOX_SECRET != settings.SECRET_KEY


def test_buyer_cannot_start_or_confirm_a_sandbox_payment_when_it_is_off(member, settings):
    order = place_order(member)
    payment = services.payment_create(user=member, order_id=order.pk, gateway="sandbox")  # made while on
    settings.QUANZI_SANDBOX_PAYMENTS = False
    with pytest.raises(DomainError) as exc:
        services.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    assert exc.value.code == "gateway_unavailable"
    with pytest.raises(DomainError) as exc:
        services.sandbox_confirm(user=member, payment_no=payment.payment_no)
    assert exc.value.code == "gateway_unavailable"
    client = Client()
    client.force_login(member)
    assert client.get(f"/pay/sandbox/{payment.payment_no}/").status_code == 404
    assert client.post(f"/pay/sandbox/{payment.payment_no}/").status_code == 404
    answer = client.post("/api/v1/payments/", {"order_id": order.pk, "gateway": "sandbox"},
                         content_type="application/json")
    assert answer.status_code == 404 and answer.json()["code"] == "gateway_unavailable"
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_signed_sandbox_callback_is_refused_when_it_is_off(member, settings):
    order = place_order(member)
    payment = services.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    headers, body = sandbox_notification(payment)  # correctly signed, even
    settings.QUANZI_SANDBOX_PAYMENTS = False
    answer = Client().post("/api/v1/payments/callback/sandbox", body, content_type="application/json",
                           headers={"X-Sandbox-Signature": headers["X-Sandbox-Signature"]})
    assert answer.status_code == 404 and answer.json()["code"] == "gateway_unavailable"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CREATED
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING_PAYMENT


def test_sandbox_refund_does_not_succeed_when_it_is_off(member, settings, django_capture_on_commit_callbacks):
    order, _payment = paid_order(member)
    settings.QUANZI_SANDBOX_PAYMENTS = False
    with django_capture_on_commit_callbacks(execute=True):
        try:
            refund = services.refund_create(order_id=order.pk, amount_fen=100, refund_no="AS-OFF")
        except DomainError as exc:
            assert exc.code == "gateway_unavailable"
            refund = None
    order.refresh_from_db()
    assert order.refunded_fen == 0
    if refund is not None:
        refund.refresh_from_db()
        assert refund.status != RefundStatus.SUCCEEDED


def test_order_page_offers_only_enabled_gateways(member, settings):
    order = place_order(member)
    client = Client()
    client.force_login(member)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-gateway="sandbox"' in page
    settings.QUANZI_SANDBOX_PAYMENTS = False
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-gateway="sandbox"' not in page and 'id="no-gateway"' in page
    response = client.post(f"/orders/{order.pk}/pay/", {"gateway": "sandbox"}, follow=True)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING_PAYMENT
    assert not Payment.objects.filter(order=order).exists()
    assert "支付方式不可用" in response.content.decode() or "Payment method" in response.content.decode()
