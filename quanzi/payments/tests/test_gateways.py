"""Each gateway's signing and verification, with locally generated keys and signed fake callbacks (no network):
a good notification verifies; a tampered body, amount or signature is refused with a clear code."""

from __future__ import annotations

import base64
import json
import time
from types import SimpleNamespace as NS
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from hypothesis import given
from hypothesis import strategies as st

from quanzi.payments.enums import NotifyStatus, RefundStatus
from quanzi.payments.errors import CallbackRejected
from quanzi.payments.gateways import available_gateways, get_gateway
from quanzi.payments.gateways.alipay import AlipayGateway
from quanzi.payments.gateways.base import fen_to_yuan, yuan_to_fen
from quanzi.payments.gateways.sandbox import SandboxGateway, sign
from quanzi.payments.gateways.wechat import WechatPayGateway
from quanzi.payments.tests.helpers import (
    WechatAnswer,
    alipay_callback,
    alipay_settings,
    rsa_pair,
    rsa_sha256_sign,
    wechat_callback,
    wechat_settings,
)


def _refused(gateway: Any, headers: dict[str, str], body: bytes) -> str:
    with pytest.raises(CallbackRejected) as exc:
        gateway.verify_callback(headers, body)
    return exc.value.code


# --- money strings ----------------------------------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=10**12))
def test_yuan_strings_round_trip_exactly(fen):
    assert yuan_to_fen(fen_to_yuan(fen)) == fen


@pytest.mark.parametrize("text,fen", [("0.07", 7), ("100.1", 10010), ("12", 1200), ("99.99", 9999)])
def test_yuan_to_fen(text, fen):
    assert yuan_to_fen(text) == fen


@pytest.mark.parametrize("text", ["12.345", "-1.00", "1e3", "", "abc", "01.00", " 1.0.0"])
def test_yuan_to_fen_refuses_anything_else(text):
    with pytest.raises(CallbackRejected) as exc:
        yuan_to_fen(text)
    assert exc.value.code == "bad_amount"


# --- registry ---------------------------------------------------------------------------------------------------


def test_registry_offers_sandbox_always_and_others_when_configured(settings):
    settings.QUANZI_PAYMENTS = {}
    assert available_gateways() == ["sandbox"]
    settings.QUANZI_PAYMENTS = {"WECHAT": wechat_settings(), "ALIPAY": alipay_settings()}
    assert set(available_gateways()) == {"sandbox", "wechat", "alipay"}
    assert isinstance(get_gateway("wechat"), WechatPayGateway)
    assert isinstance(get_gateway("alipay"), AlipayGateway)


# --- sandbox ----------------------------------------------------------------------------------------------------


def test_sandbox_notification_verifies():
    gw = SandboxGateway()
    headers, body = gw.build_notification(payment_no="P1", amount_fen=1234)
    note = gw.verify_callback(headers, body)
    assert (note.out_trade_no, note.amount_fen, note.status) == ("P1", 1234, NotifyStatus.SUCCESS)
    assert note.gateway_txn_id.startswith("SBX")
    # the signature header may arrive in any case, or in Django's META style
    assert gw.verify_callback({"HTTP_X_SANDBOX_SIGNATURE": headers["X-Sandbox-Signature"]}, body) == note


def test_sandbox_refuses_tampering_with_clear_codes(settings):
    gw = SandboxGateway()
    headers, body = gw.build_notification(payment_no="P1", amount_fen=1234)
    assert _refused(gw, {}, body) == "missing_signature"
    assert _refused(gw, headers, body.replace(b"1234", b"1")) == "bad_signature"
    assert _refused(gw, {"X-Sandbox-Signature": sign(body, b"someone else's secret")}, body) == "bad_signature"
    bad = b"not json"
    assert _refused(gw, {"X-Sandbox-Signature": sign(bad)}, bad) == "bad_body"
    float_amount = json.dumps({**json.loads(body), "amount_fen": 12.34}).encode()
    assert _refused(gw, {"X-Sandbox-Signature": sign(float_amount)}, float_amount) == "bad_amount"
    old_headers, old_body = gw.build_notification(payment_no="P1", amount_fen=1234, timestamp=int(time.time()) - 999)
    assert _refused(gw, old_headers, old_body) == "stale_notification"


def test_sandbox_refund_succeeds_or_fails_by_switch(settings):
    gw = SandboxGateway()
    settings.QUANZI_PAYMENTS = {}
    assert gw.refund(NS(refund_no="R1")).status == RefundStatus.SUCCEEDED
    settings.QUANZI_PAYMENTS = {"SANDBOX_REFUND_FAIL": True}
    result = gw.refund(NS(refund_no="R1"))
    assert result.status == RefundStatus.FAILED and result.error_code == "sandbox_refund_failed"


# --- WeChat Pay v3 ----------------------------------------------------------------------------------------------


@pytest.fixture
def wechat(settings) -> WechatPayGateway:
    settings.QUANZI_PAYMENTS = {"WECHAT": wechat_settings()}
    gw = get_gateway("wechat")
    assert isinstance(gw, WechatPayGateway)
    return gw


def test_wechat_callback_verifies_and_decrypts(wechat):
    headers, body = wechat_callback(out_trade_no="P123", total=8800, notify_id="EV-1")
    note = wechat.verify_callback(headers, body)
    assert note.notify_id == "EV-1" and note.out_trade_no == "P123" and note.amount_fen == 8800
    assert note.gateway_txn_id == "4200000000202611250000000001" and note.status == NotifyStatus.SUCCESS
    django_style = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}
    assert wechat.verify_callback(django_style, body).amount_fen == 8800


def test_wechat_refuses_a_tampered_body(wechat):
    headers, body = wechat_callback(out_trade_no="P123", total=8800)
    tampered = body.replace(b'"summary": "\\u652f', b'"summary": "X\\u652f') if b"\\u" in body else \
        body.replace("支付成功".encode(), "已支付".encode())
    assert tampered != body
    assert _refused(wechat, headers, tampered) == "bad_signature"


def test_wechat_refuses_a_forged_signature(wechat):
    headers, body = wechat_callback(out_trade_no="P123", total=8800, signer="attacker")
    assert _refused(wechat, headers, body) == "bad_signature"
    headers, body = wechat_callback(out_trade_no="P123", total=8800)
    assert _refused(wechat, {**headers, "Wechatpay-Signature": "bm90IGEgc2lnbmF0dXJl"}, body) == "bad_signature"


def test_wechat_refuses_other_checks_with_their_codes(wechat):
    headers, body = wechat_callback(out_trade_no="P1", total=1, serial="PUB_KEY_ID_OTHER")
    assert _refused(wechat, headers, body) == "unknown_platform_key"
    headers, body = wechat_callback(out_trade_no="P1", total=1, timestamp=int(time.time()) - 3600)
    assert _refused(wechat, headers, body) == "stale_notification"
    headers, body = wechat_callback(out_trade_no="P1", total=1, key="ffffffffffffffffffffffffffffffff")
    assert _refused(wechat, headers, body) == "decrypt_failed"
    headers, body = wechat_callback(out_trade_no="P1", total=1, mchid="1900000999")
    assert _refused(wechat, headers, body) == "merchant_mismatch"
    headers, body = wechat_callback(out_trade_no="P1", total=1)
    assert _refused(wechat, {k: v for k, v in headers.items() if k != "Wechatpay-Signature"}, body) \
        == "missing_signature"
    assert _refused(wechat, {**headers, "Wechatpay-Signature-Type": "HMAC-SHA256"}, body) \
        == "unsupported_signature_type"


def test_wechat_closed_trade_is_reported_as_closed(wechat):
    headers, body = wechat_callback(out_trade_no="P1", total=100, trade_state="CLOSED")
    assert wechat.verify_callback(headers, body).status == NotifyStatus.CLOSED


def test_wechat_native_order_and_refund_through_the_sdk(wechat, monkeypatch):
    import wechatpayv3.core as core

    sent: list[tuple[str, dict[str, Any]]] = []

    def fake_post(url: str, json: Any = None, **kw: Any) -> WechatAnswer:
        sent.append((url, json))
        assert kw["headers"]["Authorization"].startswith("WECHATPAY2-SHA256-RSA2048 mchid=\"1900000109\"")
        if url.endswith("/v3/pay/transactions/native"):
            return WechatAnswer(200, {"code_url": "weixin://wxpay/bizpayurl?pr=abc"})
        return WechatAnswer(200, {"refund_id": "50000000382019052709732678859", "status": "PROCESSING"})

    monkeypatch.setattr(core.requests, "post", fake_post)

    payment = NS(payment_no="P9", amount_fen=2990, gateway_txn_id="4200000001", order=NS(number="Q1"), combined=None)
    refund = NS(refund_no="AS-1", amount_fen=990, reason="破损", payment=payment)

    intent = wechat.create_payment(payment)
    assert intent.pay_url == "weixin://wxpay/bizpayurl?pr=abc"
    assert sent[0][1]["amount"] == {"total": 2990, "currency": "CNY"} and sent[0][1]["out_trade_no"] == "P9"
    result = wechat.refund(refund)
    assert result.status == RefundStatus.PROCESSING and result.gateway_refund_id.startswith("5000")
    assert sent[1][1]["amount"] == {"refund": 990, "total": 2990, "currency": "CNY"}
    assert sent[1][1]["out_refund_no"] == "AS-1"


def test_wechat_refund_failure_is_reported(wechat, monkeypatch):
    import wechatpayv3.core as core

    monkeypatch.setattr(core.requests, "post",
                        lambda url, **kw: WechatAnswer(403, {"code": "NOT_ENOUGH", "message": "余额不足"}))

    payment = NS(payment_no="P9", amount_fen=2990, gateway_txn_id="4200000001", combined=None)
    result = wechat.refund(NS(refund_no="AS-1", amount_fen=990, reason="", payment=payment))
    assert result.status == RefundStatus.FAILED and result.error_code == "NOT_ENOUGH"


# --- Alipay -----------------------------------------------------------------------------------------------------


@pytest.fixture
def alipay(settings) -> AlipayGateway:
    settings.QUANZI_PAYMENTS = {"ALIPAY": alipay_settings()}
    gw = get_gateway("alipay")
    assert isinstance(gw, AlipayGateway)
    return gw


def test_alipay_callback_verifies(alipay):
    body = alipay_callback(out_trade_no="P77", total_amount="100.07", notify_id="N-1")
    note = alipay.verify_callback({"Content-Type": "application/x-www-form-urlencoded"}, body)
    assert (note.notify_id, note.out_trade_no, note.amount_fen, note.status) == ("N-1", "P77", 10007,
                                                                                NotifyStatus.SUCCESS)


def test_alipay_refuses_tampering_with_clear_codes(alipay):
    assert _refused(alipay, {}, alipay_callback(out_trade_no="P77", total_amount="100.07",
                                                tamper={"total_amount": "0.01"})) == "bad_signature"
    assert _refused(alipay, {}, alipay_callback(out_trade_no="P77", total_amount="1.00",
                                                signer="attacker")) == "bad_signature"
    assert _refused(alipay, {}, alipay_callback(out_trade_no="P77", total_amount="1.00",
                                                tamper={"sign": ""})) == "missing_signature"
    assert _refused(alipay, {}, alipay_callback(out_trade_no="P77", total_amount="1.00",
                                                tamper={"sign_type": "RSA"})) == "unsupported_signature_type"
    assert _refused(alipay, {}, alipay_callback(out_trade_no="P77", total_amount="1.00",
                                                app_id="2021000000000999")) == "merchant_mismatch"
    assert _refused(alipay, {}, alipay_callback(out_trade_no="P77", total_amount="1.005")) == "bad_amount"
    assert _refused(alipay, {}, b"%%%") == "bad_body"


def test_alipay_page_pay_url_is_signed_by_the_app_key(alipay):
    url = alipay.create_payment(NS(payment_no="P5", amount_fen=1999, order=NS(number="Q1"))).pay_url
    assert url.startswith("https://openapi.alipay.com/gateway.do?")
    params = dict(parse_qsl(urlsplit(url).query))
    biz = json.loads(params["biz_content"])
    assert biz["out_trade_no"] == "P5" and biz["total_amount"] == "19.99"
    signed = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k not in ("sign",))
    public = serialization.load_pem_public_key(rsa_pair("alipay-app")[1].encode())
    assert isinstance(public, rsa.RSAPublicKey)
    public.verify(base64.b64decode(params["sign"]), signed.encode(), padding.PKCS1v15(), hashes.SHA256())


def _alipay_response(payload: dict[str, Any], signer: str = "alipay-platform") -> bytes:
    inner = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    signature = rsa_sha256_sign(rsa_pair(signer)[0], inner)
    return ('{"alipay_trade_refund_response":' + inner + ',"sign":"' + signature + '"}').encode()


@pytest.mark.parametrize("signer,payload,expected,code", [
    ("alipay-platform", {"code": "10000", "msg": "Success", "trade_no": "2026112522001", "fund_change": "Y",
                         "refund_fee": "9.90"}, RefundStatus.SUCCEEDED, ""),
    ("alipay-platform", {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_HAS_FINISHED",
                         "sub_msg": "交易已完结"}, RefundStatus.FAILED, "ACQ.TRADE_HAS_FINISHED"),
    ("attacker", {"code": "10000", "msg": "Success"}, RefundStatus.FAILED, "bad_response_signature"),
])
def test_alipay_refund_reads_the_signed_answer(alipay, monkeypatch, signer, payload, expected, code):
    import alipay as sdk

    class Answer:
        def read(self) -> bytes:
            return _alipay_response(payload, signer)

    requested: list[str] = []
    monkeypatch.setattr(sdk, "urlopen", lambda url, timeout=None: requested.append(url) or Answer())

    payment = NS(payment_no="P5", amount_fen=1999, gateway_txn_id="", combined=None)
    result = alipay.refund(NS(refund_no="AS-9", amount_fen=990, reason="破损", payment=payment))
    assert result.status == expected and result.error_code == code
    assert "refund_amount%22%3A%229.90%22" in requested[0] and "AS-9" in requested[0]


def test_misconfigured_keys_are_reported_not_crashed(settings):
    from quanzi.core.errors import DomainError

    settings.QUANZI_PAYMENTS = {"WECHAT": {**wechat_settings(), "PUBLIC_KEY": "not a key"}}
    with pytest.raises(DomainError) as exc:
        get_gateway("wechat")
    assert exc.value.code == "gateway_misconfigured"
    settings.QUANZI_PAYMENTS = {"ALIPAY": {**alipay_settings(), "ALIPAY_PUBLIC_KEY": "not a key"}}
    with pytest.raises(DomainError) as exc:
        get_gateway("alipay")
    assert exc.value.code == "gateway_misconfigured"
