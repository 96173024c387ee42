"""Refunds both ways, against the fake providers on loopback: a WeChat refund carries its own notify_url and a
REFUND.* notification built from the published format completes it (verified, idempotent, refused with a clear
code when it is not ours); an Alipay answer 10000 with fund_change=N stays processing until the refund query says
REFUND_SUCCESS; the query job backs off and never gives up while the provider says processing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from quanzi.payments import jobs, selectors, services
from quanzi.payments.enums import CallbackKind, CallbackResult, PaymentStatus, RefundStatus
from quanzi.payments.models import Payment, PaymentCallback, Refund
from quanzi.payments.tests.helpers import (
    alipay_callback,
    merchant_sku,
    operator,
    place_order,
    wechat_callback,
    wechat_refund_callback,
)

pytestmark = pytest.mark.django_db

BASE = "https://shop.example.com"


def wechat_paid(buyer: Any, price_fen: int = 10000) -> Payment:
    order = place_order(buyer, merchant_sku(price_fen=price_fen))
    payment = services.payment_create(user=buyer, order_id=order.pk, gateway="wechat")
    headers, body = wechat_callback(out_trade_no=payment.payment_no, total=payment.amount_fen)
    assert services.payment_handle_callback(gateway="wechat", headers=headers, body=body).ok
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    return payment


def alipay_paid(buyer: Any, price_fen: int = 10000) -> Payment:
    order = place_order(buyer, merchant_sku(price_fen=price_fen))
    payment = services.payment_create(user=buyer, order_id=order.pk, gateway="alipay", kind="qr")
    yuan = f"{payment.amount_fen // 100}.{payment.amount_fen % 100:02d}"
    body = alipay_callback(out_trade_no=payment.payment_no, total_amount=yuan)
    assert services.payment_handle_callback(gateway="alipay", headers={}, body=body).ok
    payment.refresh_from_db()
    return payment


def _refund(payment: Payment, amount: int, no: str, capture: Any) -> Refund:
    with capture(execute=True):
        refund = services.refund_create(order_id=payment.order_id, amount_fen=amount, refund_no=no,
                                        reason="破损", actor=operator())
    refund.refresh_from_db()
    return refund


def _post(client: Client, url: str, headers: dict[str, str], body: bytes) -> Any:
    return client.post(url, data=body, content_type=headers.get("Content-Type", "application/json"),
                       headers={k: v for k, v in headers.items() if k != "Content-Type"})


# --- WeChat: refund notifications on their own callback --------------------------------------------------------


def test_wechat_refund_carries_its_own_notify_url_and_refund_success_completes_it(
        providers, member, django_capture_on_commit_callbacks):
    payment = wechat_paid(member)
    refund = _refund(payment, 3000, "AS-WX-1", django_capture_on_commit_callbacks)
    assert refund.status == RefundStatus.PROCESSING  # WeChat accepted; the money moves later
    sent = providers.of("refund")[-1]
    assert sent.signature_ok and not sent.missing
    assert sent.body["notify_url"] == f"{BASE}/api/v1/payments/refund-callback/wechat"
    assert sent.body["amount"] == {"refund": 3000, "total": payment.amount_fen, "currency": "CNY"}

    headers, body = wechat_refund_callback(out_refund_no="AS-WX-1", out_trade_no=payment.payment_no, refund=3000,
                                           total=payment.amount_fen, notify_id="RF-EV-1")
    client = Client()
    res = _post(client, "/api/v1/payments/refund-callback/wechat", headers, body)
    assert res.status_code == 204  # WeChat's "received"
    refund.refresh_from_db()
    order = refund.order
    order.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED and refund.gateway_refund_id.startswith("5000")
    assert order.refunded_fen == 3000
    log = PaymentCallback.objects.get(notify_id="RF-EV-1")
    assert log.kind == CallbackKind.REFUND and log.verified and log.result == CallbackResult.PROCESSED

    # redelivered: answered the same, counted, nothing booked twice
    assert _post(client, "/api/v1/payments/refund-callback/wechat", headers, body).status_code == 204
    order.refresh_from_db()
    assert order.refunded_fen == 3000 and PaymentCallback.objects.get(notify_id="RF-EV-1").deliveries == 2
    # the same refund told again under another notification id: a duplicate, nothing changes
    headers, body = wechat_refund_callback(out_refund_no="AS-WX-1", out_trade_no=payment.payment_no, refund=3000,
                                           total=payment.amount_fen)
    assert _post(client, "/api/v1/payments/refund-callback/wechat", headers, body).status_code == 204
    order.refresh_from_db()
    assert order.refunded_fen == 3000
    assert PaymentCallback.objects.filter(kind=CallbackKind.REFUND, result=CallbackResult.DUPLICATE).count() == 1


def test_wechat_refund_abnormal_fails_it_and_gives_the_amount_back(providers, member,
                                                                    django_capture_on_commit_callbacks):
    payment = wechat_paid(member)
    refund = _refund(payment, 2500, "AS-WX-2", django_capture_on_commit_callbacks)
    headers, body = wechat_refund_callback(out_refund_no="AS-WX-2", out_trade_no=payment.payment_no, refund=2500,
                                           total=payment.amount_fen, refund_status="ABNORMAL")
    outcome = services.refund_handle_callback(gateway="wechat", headers=headers, body=body)
    assert outcome.ok and outcome.result == CallbackResult.PROCESSED
    refund.refresh_from_db()
    payment.refresh_from_db()
    assert refund.status == RefundStatus.FAILED and refund.error_code == "ABNORMAL"
    assert payment.refunded_fen == 0  # reserved amount released: it can be refunded again (retry)


@pytest.mark.parametrize("change,code", [
    ({"mchid": "1900000999"}, "merchant_mismatch"),  # another merchant's refund
    ({"out_refund_no": "NOT-OURS"}, "unknown_refund"),
    ({"refund": 2999}, "amount_mismatch"),
    ({"out_trade_no": "P-SOMEONE-ELSE"}, "txn_mismatch"),
    ({"signer": "attacker"}, "bad_signature"),
])
def test_bad_refund_notifications_are_refused_and_change_nothing(providers, member, change, code,
                                                                 django_capture_on_commit_callbacks):
    payment = wechat_paid(member)
    refund = _refund(payment, 3000, "AS-WX-3", django_capture_on_commit_callbacks)
    args = {"out_refund_no": "AS-WX-3", "out_trade_no": payment.payment_no, "refund": 3000,
            "total": payment.amount_fen, **change}
    headers, body = wechat_refund_callback(**args)
    res = _post(Client(), "/api/v1/payments/refund-callback/wechat", headers, body)
    assert res.status_code == 400 and json.loads(res.content)["code"] == "FAIL"
    outcome = services.refund_handle_callback(gateway="wechat", headers=headers, body=body)
    assert not outcome.ok and outcome.code == code
    refund.refresh_from_db()
    assert refund.status == RefundStatus.PROCESSING
    assert PaymentCallback.objects.filter(kind=CallbackKind.REFUND, result=CallbackResult.REJECTED,
                                          error_code=code).exists()


def test_refund_and_payment_notifications_do_not_cross(providers, member, django_capture_on_commit_callbacks):
    payment = wechat_paid(member)
    _refund(payment, 1000, "AS-WX-4", django_capture_on_commit_callbacks)
    headers, body = wechat_refund_callback(out_refund_no="AS-WX-4", out_trade_no=payment.payment_no, refund=1000,
                                           total=payment.amount_fen)
    # a REFUND.* at the payment callback (the old bug: 400 通知内容缺少必要字段) is told where it belongs
    outcome = services.payment_handle_callback(gateway="wechat", headers=headers, body=body)
    assert not outcome.ok and outcome.code == "wrong_callback"
    headers, body = wechat_callback(out_trade_no=payment.payment_no, total=payment.amount_fen)
    assert services.refund_handle_callback(gateway="wechat", headers=headers, body=body).code == "wrong_callback"


def test_wechat_processing_refund_is_settled_by_the_query_job(providers, member,
                                                               django_capture_on_commit_callbacks):
    payment = wechat_paid(member)
    refund = _refund(payment, 4000, "AS-WX-5", django_capture_on_commit_callbacks)
    assert jobs.refunds_query.call_local() == 0  # not due yet
    Refund.objects.filter(pk=refund.pk).update(next_query_at=timezone.now() - dt.timedelta(seconds=1))
    assert jobs.refunds_query.call_local() == 1
    refund.refresh_from_db()
    assert refund.status == RefundStatus.PROCESSING and refund.queries == 1
    assert providers.of("refund_query")[-1].signature_ok
    assert "/v3/refund/domestic/refunds/AS-WX-5" in providers.of("refund_query")[-1].path
    providers.wechat_refunds["AS-WX-5"] = "SUCCESS"
    Refund.objects.filter(pk=refund.pk).update(next_query_at=timezone.now() - dt.timedelta(seconds=1))
    assert jobs.refunds_query.call_local() == 1
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED


# --- Alipay: fund_change -------------------------------------------------------------------------------------------


def test_alipay_fund_change_n_stays_processing_until_the_refund_query_confirms(providers, member,
                                                                               django_capture_on_commit_callbacks):
    payment = alipay_paid(member)
    providers.alipay_refund_fund_change = "N"
    refund = _refund(payment, 990, "AS-ALI-1", django_capture_on_commit_callbacks)
    sent = providers.of("alipay.trade.refund")[-1]
    assert sent.signature_ok and not sent.missing and sent.body["biz"]["refund_amount"] == "9.90"
    assert refund.status == RefundStatus.PROCESSING  # 10000 alone is not money moved
    order = refund.order
    order.refresh_from_db()
    assert order.refunded_fen == 0

    # the query says nothing final yet: still processing, asked again later (backing off)
    Refund.objects.filter(pk=refund.pk).update(next_query_at=timezone.now() - dt.timedelta(seconds=1))
    before = timezone.now()
    assert jobs.refunds_query.call_local() == 1
    refund.refresh_from_db()
    assert refund.status == RefundStatus.PROCESSING and refund.queries == 1
    assert refund.next_query_at is not None and refund.next_query_at >= before + dt.timedelta(minutes=9)
    query = providers.of("alipay.trade.fastpay.refund.query")[-1]
    assert query.signature_ok and query.body["biz"]["out_request_no"] == "AS-ALI-1"

    providers.alipay_refunds["AS-ALI-1"] = "REFUND_SUCCESS"
    Refund.objects.filter(pk=refund.pk).update(next_query_at=timezone.now() - dt.timedelta(seconds=1))
    assert jobs.refunds_query.call_local() == 1
    refund.refresh_from_db()
    order.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED and order.refunded_fen == 990


def test_alipay_fund_change_y_succeeds_at_once(providers, member, django_capture_on_commit_callbacks):
    payment = alipay_paid(member)
    providers.alipay_refund_fund_change = "Y"
    refund = _refund(payment, 500, "AS-ALI-2", django_capture_on_commit_callbacks)
    assert refund.status == RefundStatus.SUCCEEDED


def test_the_query_job_never_gives_up_and_backs_off(providers, member, django_capture_on_commit_callbacks):
    payment = alipay_paid(member)
    refund = _refund(payment, 700, "AS-ALI-3", django_capture_on_commit_callbacks)
    gaps = []
    for _ in range(14):  # far past the old job's ten attempts
        Refund.objects.filter(pk=refund.pk).update(next_query_at=timezone.now() - dt.timedelta(seconds=1))
        now = timezone.now()
        assert jobs.refunds_query.call_local() == 1
        refund.refresh_from_db()
        assert refund.status == RefundStatus.PROCESSING
        assert refund.next_query_at is not None
        gaps.append(round((refund.next_query_at - now).total_seconds() / 60))
    assert gaps == [10, 20, 40, 80, 160, 320] + [360] * 8  # minutes: doubling, then every 6 hours, for ever


def test_stuck_refunds_are_listed_for_operators(providers, member, django_capture_on_commit_callbacks, client):
    payment = alipay_paid(member)
    refund = _refund(payment, 700, "AS-ALI-4", django_capture_on_commit_callbacks)
    fresh = _refund(payment, 100, "AS-ALI-5", django_capture_on_commit_callbacks)
    Refund.objects.filter(pk=refund.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    assert list(selectors.refunds_stuck()) == [refund]
    staff = operator()
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    client.force_login(staff)
    page = client.get("/admin/payments/refund/?stuck=1")
    assert page.status_code == 200
    text = page.content.decode()
    assert "AS-ALI-4" in text and fresh.refund_no not in text
