"""Trades against the fake providers on loopback: every payment kind's request (signature and required fields, the
expiry sent with every prepay), closing the provider's trade when the order is cancelled, the query job finding a
payment whose notification was lost, and the daily reconciliation against the bills."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.utils import timezone

from quanzi.core.errors import DomainError
from quanzi.orders import services as orders
from quanzi.orders.enums import OrderStatus
from quanzi.payments import jobs, reconcile, services
from quanzi.payments.enums import PaymentKind, PaymentStatus, ReconciliationStatus, RefundKind, RefundStatus
from quanzi.payments.models import Payment, Reconciliation, Refund
from quanzi.payments.tests.fake_providers import alipay_bill_zip, verify_alipay_request, wechat_bill
from quanzi.payments.tests.helpers import merchant_sku, place_order, rsa_pair, wechat_callback

pytestmark = pytest.mark.django_db

OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"


@pytest.fixture
def bound_openid(monkeypatch: Any) -> None:
    """The buyer logged in with WeChat (wxlogin's `openid_for`, under whichever appid is asked)."""
    from quanzi.wxlogin import selectors as wx

    monkeypatch.setattr(wx, "openid_for", lambda *, user_id, appid: f"{OPENID}-{appid}")


def _expected_expiry(payment: Payment) -> str:
    expires = payment.order.expires_at
    assert expires is not None
    return expires.astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat(timespec="seconds")


# --- kinds ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind,api", [("native", "native"), ("jsapi", "jsapi"), ("miniprogram", "jsapi"),
                                      ("h5", "h5")])
def test_every_wechat_kind_sends_a_signed_complete_prepay_with_the_expiry(providers, member, bound_openid, kind,
                                                                          api):
    order = place_order(member)
    payment = services.payment_create(user=member, order_id=order.pk, gateway="wechat", kind=kind,
                                      client_ip="203.0.113.9")
    assert payment.kind == kind
    sent = providers.of(api)[-1]
    assert sent.signature_ok and not sent.missing, sent
    assert sent.body["time_expire"] == _expected_expiry(payment)
    assert sent.body["notify_url"] == "https://shop.example.com/api/v1/payments/callback/wechat"
    assert sent.body["amount"] == {"total": payment.amount_fen, "currency": "CNY"}
    params = payment.client_data["params"]
    if kind == "native":
        assert params["code_url"].startswith("weixin://")
    elif kind == "h5":
        assert sent.body["scene_info"] == {"payer_client_ip": "203.0.113.9", "h5_info": {"type": "Wap"}}
        assert payment.client_data["pay_url"].startswith("https://wx.tenpay.com/")
    else:
        appid = "wxmini00000000001" if kind == "miniprogram" else "wxd678efh567hg6787"
        assert sent.body["appid"] == appid and sent.body["payer"] == {"openid": f"{OPENID}-{appid}"}
        # the bridge parameters are signed by the merchant key: appId\ntimeStamp\nnonceStr\npackage\n
        assert params["appId"] == appid and params["package"] == f"prepay_id=wx{payment.payment_no}"
        message = f"{params['appId']}\n{params['timeStamp']}\n{params['nonceStr']}\n{params['package']}\n"
        key = serialization.load_pem_public_key(rsa_pair("wechat-merchant")[1].encode())
        assert isinstance(key, rsa.RSAPublicKey)
        key.verify(base64.b64decode(params["paySign"]), message.encode(), padding.PKCS1v15(), hashes.SHA256())


def test_jsapi_without_a_wechat_login_is_refused_and_nothing_is_created(providers, member):
    order = place_order(member)
    with pytest.raises(DomainError) as exc:
        services.payment_create(user=member, order_id=order.pk, gateway="wechat", kind="jsapi")
    assert exc.value.code == "openid_required"
    assert not Payment.objects.exists() and not providers.requests
    with pytest.raises(DomainError) as exc:
        services.payment_create(user=member, order_id=order.pk, gateway="wechat", kind="wap")
    assert exc.value.code == "payment_kind_unavailable"


def test_alipay_qr_is_a_signed_precreate_with_the_expiry(providers, member):
    order = place_order(member)
    payment = services.payment_create(user=member, order_id=order.pk, gateway="alipay", kind="qr")
    sent = providers.of("alipay.trade.precreate")[-1]
    assert sent.signature_ok and not sent.missing
    assert sent.body["biz"]["time_expire"] == payment.order.expires_at.astimezone(
        dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M:%S")
    assert sent.body["notify_url"] == "https://shop.example.com/api/v1/payments/callback/alipay"
    assert payment.client_data["pay_url"] == f"https://qr.alipay.com/bax{payment.payment_no}"


@pytest.mark.parametrize("kind,method,product", [("wap", "alipay.trade.wap.pay", "QUICK_WAP_PAY"),
                                                 ("page", "alipay.trade.page.pay", "FAST_INSTANT_TRADE_PAY")])
def test_alipay_wap_and_page_are_signed_cashier_urls(providers, member, kind, method, product):
    order = place_order(member)
    payment = services.payment_create(user=member, order_id=order.pk, gateway="alipay", kind=kind,
                                      return_url=f"https://shop.example.com/orders/{order.pk}/")
    url = payment.client_data["pay_url"]
    assert url.startswith(f"{providers.base}/gateway.do?")
    params = dict(parse_qsl(urlsplit(url).query))
    assert verify_alipay_request(params)  # the RSA2 signature over every parameter but `sign`
    biz = json.loads(params["biz_content"])
    assert params["method"] == method and biz["product_code"] == product
    assert biz["out_trade_no"] == payment.payment_no and biz["time_expire"]
    assert params["return_url"] == f"https://shop.example.com/orders/{order.pk}/"
    assert params["notify_url"] == "https://shop.example.com/api/v1/payments/callback/alipay"


# --- close ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("gateway,kind,api", [("wechat", "native", "close"), ("alipay", "qr", "alipay.trade.close")])
def test_a_cancelled_orders_provider_trade_is_closed(providers, member, gateway, kind, api,
                                                      django_capture_on_commit_callbacks):
    order = place_order(member)
    payment = services.payment_create(user=member, order_id=order.pk, gateway=gateway, kind=kind)
    with django_capture_on_commit_callbacks(execute=True):
        orders.order_cancel(user=member, order_id=order.pk)
    sent = providers.of(api)
    assert len(sent) == 1 and sent[0].signature_ok and not sent[0].missing
    assert payment.payment_no in (sent[0].path + json.dumps(sent[0].body))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CLOSED and payment.next_query_at is None
    assert payment.status_changes.last().message_id == "payment.order_cancelled"


def test_a_trade_paid_before_the_close_is_booked_and_refunded(providers, member,
                                                              django_capture_on_commit_callbacks):
    order = place_order(member)
    payment = services.payment_create(user=member, order_id=order.pk, gateway="wechat")
    providers.wechat_trades[payment.payment_no]["state"] = "SUCCESS"  # paid; the notification is lost
    with django_capture_on_commit_callbacks(execute=True):
        orders.order_cancel(user=member, order_id=order.pk)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED  # WeChat refused to close a paid trade
    Payment.objects.filter(pk=payment.pk).update(next_query_at=timezone.now() - dt.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.payments_query.call_local() == 1
    payment.refresh_from_db()
    refund = Refund.objects.get(payment=payment)
    assert payment.status in (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED)
    assert refund.kind == RefundKind.ORDER_CANCELLED and refund.amount_fen == payment.amount_fen
    assert refund.status == RefundStatus.PROCESSING  # WeChat refunds are confirmed later


# --- query ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("gateway,kind", [("wechat", "native"), ("alipay", "qr")])
def test_a_lost_payment_notification_is_found_by_the_query_job(providers, member, gateway, kind):
    order = place_order(member)
    payment = services.payment_create(user=member, order_id=order.pk, gateway=gateway, kind=kind)
    assert jobs.payments_query.call_local() == 0  # not due in the first minutes
    Payment.objects.filter(pk=payment.pk).update(next_query_at=timezone.now() - dt.timedelta(seconds=1))
    assert jobs.payments_query.call_local() == 1  # still unpaid: asked again later
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED and payment.queries == 1
    assert payment.next_query_at is not None and payment.next_query_at > timezone.now()

    if gateway == "wechat":
        providers.wechat_trades[payment.payment_no]["state"] = "SUCCESS"
    else:
        providers.alipay_trades[payment.payment_no]["status"] = "TRADE_SUCCESS"
    Payment.objects.filter(pk=payment.pk).update(next_query_at=timezone.now() - dt.timedelta(seconds=1))
    assert jobs.payments_query.call_local() == 1
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED and payment.gateway_txn_id
    assert order.status == OrderStatus.PAID and order.paid_fen == payment.amount_fen
    assert payment.status_changes.last().message_id == "payment.query_paid"
    assert all(r.signature_ok and not r.missing for r in providers.requests)
    assert jobs.payments_query.call_local() == 0  # final: no more queries

    # the notification arrives late after all: the same trade, nothing booked twice
    if gateway == "wechat":
        headers, body = wechat_callback(out_trade_no=payment.payment_no, total=payment.amount_fen,
                                        transaction_id=payment.gateway_txn_id)
        outcome = services.payment_handle_callback(gateway="wechat", headers=headers, body=body)
        assert outcome.ok and outcome.result == "duplicate"
    order.refresh_from_db()
    assert order.paid_fen == payment.amount_fen


def test_an_open_payment_of_an_expired_order_is_closed_by_the_query_job(providers, member):
    order = place_order(member)
    payment = services.payment_create(user=member, order_id=order.pk, gateway="wechat")
    type(order).objects.filter(pk=order.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    Payment.objects.filter(pk=payment.pk).update(next_query_at=timezone.now() - dt.timedelta(seconds=1))
    assert jobs.payments_query.call_local() == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CLOSED and len(providers.of("close")) == 1


# --- reconciliation ------------------------------------------------------------------------------------------------


def _paid_by_query(providers: Any, member: Any, gateway: str, kind: str) -> Payment:
    order = place_order(member, merchant_sku(price_fen=5000))
    payment = services.payment_create(user=member, order_id=order.pk, gateway=gateway, kind=kind)
    if gateway == "wechat":
        providers.wechat_trades[payment.payment_no]["state"] = "SUCCESS"
    else:
        providers.alipay_trades[payment.payment_no]["status"] = "TRADE_SUCCESS"
    services.payment_query(payment_id=payment.pk)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    return payment


def test_daily_reconciliation_reports_the_differences(providers, member, settings):
    settings.QUANZI_SANDBOX_PAYMENTS = False  # the sandbox has no bills; only the two providers are reconciled
    day = timezone.localdate()
    good = _paid_by_query(providers, member, "wechat", "native")
    other = _paid_by_query(providers, member, "wechat", "native")
    missing = _paid_by_query(providers, member, "wechat", "native")
    providers.wechat_bill = wechat_bill([
        (good.gateway_txn_id, good.payment_no, "SUCCESS", "50.00", "", "", "0.00"),
        (other.gateway_txn_id, other.payment_no, "SUCCESS", "49.00", "", "", "0.00"),  # amount differs
        ("4200000000000000000009", "P-NOT-OURS", "SUCCESS", "12.00", "", "", "0.00"),  # we never booked it
    ])
    ali = _paid_by_query(providers, member, "alipay", "qr")
    providers.alipay_bill = alipay_bill_zip([("2026A1", ali.payment_no, "交易", "50.00", "")])

    reports = {r.gateway: r for r in reconcile.reconcile_day(day=day)}
    wx = reports["wechat"]
    assert wx.status == ReconciliationStatus.DIFFERENT and wx.bill_rows == 3 and wx.our_rows == 3
    kinds = {(d["kind"], d["ref"]) for d in wx.differences}
    assert kinds == {("amount", other.payment_no), ("missing_here", "P-NOT-OURS"),
                     ("missing_there", missing.payment_no)}
    assert reports["alipay"].status == ReconciliationStatus.MATCHED
    assert all(r.signature_ok for r in providers.requests if r.api not in ("bill_download",))

    # run again: the day's report is replaced, not duplicated
    providers.wechat_bill = wechat_bill([
        (p.gateway_txn_id, p.payment_no, "SUCCESS", "50.00", "", "", "0.00") for p in (good, other, missing)])
    reconcile.reconcile_day(day=day)
    assert Reconciliation.objects.filter(gateway="wechat", bill_date=day).get().status == \
        ReconciliationStatus.MATCHED


def test_admin_shows_the_reconciliation_report(providers, member, settings, admin_client):
    settings.QUANZI_SANDBOX_PAYMENTS = False
    payment = _paid_by_query(providers, member, "wechat", "native")
    providers.wechat_bill = wechat_bill([])
    report = reconcile.reconcile_gateway(gateway="wechat", day=timezone.localdate())
    assert report is not None and report.differences[0]["ref"] == payment.payment_no
    page = admin_client.get(f"/admin/payments/reconciliation/{report.pk}/change/")
    assert page.status_code == 200 and payment.payment_no in page.content.decode()
    assert PaymentKind.NATIVE == payment.kind
