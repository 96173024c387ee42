"""Payments API and the sandbox cashier page: who may do what, and the gateways' callback formats."""

from __future__ import annotations

import json

import pytest

from quanzi.orders.enums import OrderStatus
from quanzi.payments import services
from quanzi.payments.enums import PaymentStatus, RefundStatus
from quanzi.payments.models import Payment, PaymentCallback, Refund
from quanzi.payments.tests.helpers import (
    alipay_callback,
    alipay_settings,
    fake_wechat_api,
    merchant_sku,
    paid_order,
    place_order,
    sandbox_notification,
    wechat_callback,
    wechat_settings,
)

pytestmark = pytest.mark.django_db


def _post(client, url: str, data: dict) -> object:
    return client.post(url, data=json.dumps(data), content_type="application/json")


# --- creating and reading payments ------------------------------------------------------------------------------


def test_buyer_creates_a_payment_for_their_order(api, member):
    order = place_order(member)
    res = _post(api(member), "/api/v1/payments/", {"order_id": order.pk, "gateway": "sandbox"})
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["amount_fen"] == order.payable_fen and body["status"] == "created"
    assert body["pay_url"] == f"/pay/sandbox/{body['payment_no']}/"
    got = api(member).get(f"/api/v1/payments/{body['payment_no']}")
    assert got.status_code == 200 and got.json()["payment_no"] == body["payment_no"]


def test_anonymous_gets_401(api, member):
    order = place_order(member)
    res = _post(api(None), "/api/v1/payments/", {"order_id": order.pk, "gateway": "sandbox"})
    assert res.status_code == 401 and res.json()["code"] == "not_authenticated"
    assert not Payment.objects.exists()


def test_another_buyer_gets_404_for_the_order_and_the_payment(api, member, other):
    order = place_order(member)
    res = _post(api(other), "/api/v1/payments/", {"order_id": order.pk, "gateway": "sandbox"})
    assert res.status_code == 404
    payment = services.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    assert api(other).get(f"/api/v1/payments/{payment.payment_no}").status_code == 404
    assert api(other).get(f"/api/v1/payments/orders/{order.pk}/payments").status_code == 404


def test_paying_a_cancelled_order_is_a_clear_conflict(api, member):
    from quanzi.orders import services as orders

    order = place_order(member)
    orders.order_cancel(user=member, order_id=order.pk)
    res = _post(api(member), "/api/v1/payments/", {"order_id": order.pk, "gateway": "sandbox"})
    assert res.status_code == 409 and res.json()["code"] == "order_not_payable"


def test_unknown_gateway_is_refused(api, member, settings):
    settings.QUANZI_PAYMENTS = {}
    order = place_order(member)
    res = _post(api(member), "/api/v1/payments/", {"order_id": order.pk, "gateway": "wechat"})
    assert res.status_code == 404 and res.json()["code"] == "gateway_unavailable"
    assert api(None).get("/api/v1/payments/gateways").json() == [{"name": "sandbox", "label": "沙箱支付"}]


# --- callbacks over HTTP ----------------------------------------------------------------------------------------


def test_sandbox_callback_endpoint_applies_a_signed_notification_once(api, member):
    order = place_order(member)
    payment = services.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    headers, body = sandbox_notification(payment)
    client = api(None)
    for _ in range(2):
        res = client.post("/api/v1/payments/callback/sandbox", data=body, content_type="application/json",
                          HTTP_X_SANDBOX_SIGNATURE=headers["X-Sandbox-Signature"])
        assert res.status_code == 200 and res.json() == {"code": "SUCCESS"}
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.status_changes.filter(to_status="paid").count() == 1
    assert PaymentCallback.objects.get().deliveries == 2


def test_sandbox_callback_with_a_bad_signature_is_400(api, member):
    order = place_order(member)
    payment = services.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    _headers, body = sandbox_notification(payment)
    res = api(None).post("/api/v1/payments/callback/sandbox", data=body, content_type="application/json",
                         HTTP_X_SANDBOX_SIGNATURE="f" * 64)
    assert res.status_code == 400 and res.json()["reason"] == "bad_signature"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED


def test_wechat_payment_and_callback_answer_in_wechat_format(api, member, settings, monkeypatch):
    settings.QUANZI_PAYMENTS = {"WECHAT": wechat_settings()}
    fake_wechat_api(monkeypatch)  # the SDK's HTTPS calls are answered locally, signed with a local platform key
    order = place_order(member)
    res = _post(api(member), "/api/v1/payments/", {"order_id": order.pk, "gateway": "wechat"})
    assert res.status_code == 201 and res.json()["pay_url"].startswith("weixin://wxpay/bizpayurl?pr=P")
    payment = Payment.objects.get(payment_no=res.json()["payment_no"])
    headers, body = wechat_callback(out_trade_no=payment.payment_no, total=payment.amount_fen)
    meta = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items() if k != "Content-Type"}
    res = api(None).post("/api/v1/payments/callback/wechat", data=body, content_type="application/json", **meta)
    assert res.status_code == 204
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    headers, body = wechat_callback(out_trade_no=payment.payment_no, total=1)
    meta = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items() if k != "Content-Type"}
    res = api(None).post("/api/v1/payments/callback/wechat", data=body, content_type="application/json", **meta)
    assert res.status_code == 400 and res.json()["code"] == "FAIL"


def test_alipay_callback_endpoint_answers_success_or_fail(api, member, settings):
    settings.QUANZI_PAYMENTS = {"ALIPAY": alipay_settings()}
    order = place_order(member, merchant_sku(price_fen=1999))
    res = _post(api(member), "/api/v1/payments/", {"order_id": order.pk, "gateway": "alipay"})
    assert res.status_code == 201 and res.json()["pay_url"].startswith("https://openapi.alipay.com/gateway.do?")
    payment_no = res.json()["payment_no"]
    yuan = f"{order.payable_fen // 100}.{order.payable_fen % 100:02d}"
    forged = alipay_callback(out_trade_no=payment_no, total_amount=yuan, signer="attacker")
    res = api(None).post("/api/v1/payments/callback/alipay", data=forged,
                         content_type="application/x-www-form-urlencoded")
    assert res.status_code == 400 and res.content == b"fail"
    good = alipay_callback(out_trade_no=payment_no, total_amount=yuan)
    res = api(None).post("/api/v1/payments/callback/alipay", data=good,
                         content_type="application/x-www-form-urlencoded")
    assert res.status_code == 200 and res.content == b"success"
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.paid_fen == order.payable_fen


def test_callback_for_an_unknown_gateway_is_404(api):
    assert api(None).post("/api/v1/payments/callback/paypal", data=b"{}",
                          content_type="application/json").status_code == 404


# --- refunds list -----------------------------------------------------------------------------------------------


def test_refunds_of_an_order_are_visible_to_its_buyer_and_merchant_only(api, member, other,
                                                                        django_capture_on_commit_callbacks):
    order, payment = paid_order(member)
    with django_capture_on_commit_callbacks(execute=True):
        services.refund_create(order_id=order.pk, amount_fen=300, refund_no="AS-API-1", reason="少件")
    url = f"/api/v1/payments/orders/{order.pk}/refunds"
    body = api(member).get(url).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["refund_no"] == "AS-API-1" and item["amount_fen"] == 300
    assert item["status"] == RefundStatus.SUCCEEDED and item["payment_no"] == payment.payment_no
    assert api(order.merchant.user).get(url).json()["count"] == 1
    assert api(other).get(url).status_code == 404
    assert api(None).get(url).status_code == 401
    assert Refund.objects.count() == 1


# --- sandbox cashier page ---------------------------------------------------------------------------------------


def test_sandbox_page_shows_the_amount_and_confirming_pays(client, member, other, django_capture_on_commit_callbacks):
    order = place_order(member, merchant_sku(price_fen=4321))
    payment = services.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    url = f"/pay/sandbox/{payment.payment_no}/"
    assert client.get(url).status_code == 302  # login first
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.force_login(member)
    page = client.get(url).content.decode()
    assert "确认支付" in page and f"¥{order.payable_fen // 100}.{order.payable_fen % 100:02d}" in page
    with django_capture_on_commit_callbacks(execute=True):
        res = client.post(url)
    assert res.status_code == 302 and res["Location"].endswith("?sent=1")
    status = client.get(f"{url}status/").content.decode()
    assert "支付成功" in status
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_operator_back_office_lists_payments_callbacks_and_refunds(client, member):
    order, payment = paid_order(member)
    services.refund_create(order_id=order.pk, amount_fen=100, refund_no="AS-ADMIN")
    staff = type(member).objects.create_superuser(phone="13700000001", password="pass-word-1", nickname="运营")
    client.force_login(staff)
    for url in ("/admin/payments/payment/", "/admin/payments/paymentcallback/", "/admin/payments/refund/"):
        res = client.get(url)
        assert res.status_code == 200, url
    assert payment.payment_no in client.get("/admin/payments/payment/").content.decode()
    assert "AS-ADMIN" in client.get("/admin/payments/refund/").content.decode()
