"""Test helpers: real orders placed through the catalog and orders services, sandbox notifications, and locally
generated keys for the WeChat Pay and Alipay tests (no network)."""

from __future__ import annotations

import base64
import functools
import itertools
import json
import time
import uuid
from decimal import Decimal
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from conftest import make_user
from quanzi.accounts.models import User
from quanzi.catalog import services as catalog
from quanzi.catalog.models import Category, Sku
from quanzi.orders import services as orders
from quanzi.orders.models import Order
from quanzi.payments import services
from quanzi.payments.gateways.sandbox import SandboxGateway
from quanzi.payments.models import Payment

_seq = itertools.count(1)


def operator() -> User:
    user = make_user("运营")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def merchant_sku(*, price_fen: int = 10000, stock: int = 100, owner: User | None = None) -> Sku:
    owner = owner or make_user("商家")
    m = catalog.merchant_apply(user=owner, business_name=f"支付测试店{next(_seq)}", licence_no="91330100MA2PAY",
                               contact_name="王老板", contact_phone="13800000000")
    catalog.merchant_approve(operator=operator(), merchant_id=m.pk, commission_rate=Decimal("0.0500"))
    cat = Category.objects.create(name=f"类目{next(_seq)}")
    product = catalog.product_create(user=owner, category_id=cat.pk, title=f"测试商品{next(_seq)}")
    sku = catalog.sku_create(user=owner, product_id=product.pk, spec={"规格": "标准"}, price_fen=price_fen,
                             stock=stock, weight_g=100)
    catalog.product_set_shelf(user=owner, product_id=product.pk, on_shelf=True)
    return sku


def place_order(buyer: User, sku: Sku | None = None, *, quantity: int = 1) -> Order:
    """One real order through `order_place` (pending payment)."""
    sku = sku or merchant_sku()
    addr = orders.address_create(user=buyer, name="小红", phone="13912345678", province="浙江省", city="杭州市",
                                 district="西湖区", detail="文三路 100 号")
    checkout = orders.order_place(user=buyer, address_id=addr.pk, idempotency_key=uuid.uuid4().hex,
                                  items=[(sku.pk, quantity)])
    order = checkout.orders.get()
    assert order.payable_fen > 0
    return order


def sandbox_notification(payment: Payment, *, amount_fen: int | None = None, status: str = "SUCCESS",
                         timestamp: int | None = None) -> tuple[dict[str, str], bytes]:
    return SandboxGateway().build_notification(
        payment_no=payment.payment_no, amount_fen=payment.amount_fen if amount_fen is None else amount_fen,
        status=status, timestamp=timestamp)


def pay_with_sandbox(payment: Payment) -> services.CallbackOutcome:
    headers, body = sandbox_notification(payment)
    return services.payment_handle_callback(gateway="sandbox", headers=headers, body=body)


def paid_order(buyer: User, *, price_fen: int = 10000) -> tuple[Order, Payment]:
    order = place_order(buyer, merchant_sku(price_fen=price_fen))
    payment = services.payment_create(user=buyer, order_id=order.pk, gateway="sandbox")
    outcome = pay_with_sandbox(payment)
    assert outcome.ok and outcome.result == "processed", outcome
    order.refresh_from_db()
    payment.refresh_from_db()
    return order, payment


# --- keys and signed fake notifications ---------------------------------------------------------------------------


@functools.cache
def rsa_pair(label: str) -> tuple[str, str]:
    """(private PEM, public PEM) generated locally; one pair per label per test run."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def rsa_sha256_sign(private_pem: str, message: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return base64.b64encode(key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


APIV3_KEY = "0123456789abcdef0123456789abcdef"  # 32 bytes, like a real APIv3 key
WECHAT_PUBKEY_ID = "PUB_KEY_ID_0114232134912410000000000000"


def wechat_settings() -> dict[str, Any]:
    merchant_private, _ = rsa_pair("wechat-merchant")
    _, platform_public = rsa_pair("wechat-platform")
    return {"MCHID": "1900000109", "APPID": "wxd678efh567hg6787", "PRIVATE_KEY": merchant_private,
            "CERT_SERIAL_NO": "444F4864EA9B34415", "APIV3_KEY": APIV3_KEY, "PUBLIC_KEY": platform_public,
            "PUBLIC_KEY_ID": WECHAT_PUBKEY_ID}


def wechat_callback(*, out_trade_no: str, total: int, transaction_id: str = "4200000000202611250000000001",
                    trade_state: str = "SUCCESS", notify_id: str | None = None, mchid: str = "1900000109",
                    appid: str = "wxd678efh567hg6787", key: str = APIV3_KEY, timestamp: int | None = None,
                    serial: str = WECHAT_PUBKEY_ID, signer: str = "wechat-platform") -> tuple[dict[str, str], bytes]:
    """A WeChat Pay v3 payment notification as the platform would send it: resource encrypted with
    AEAD_AES_256_GCM under the APIv3 key, envelope signed with the platform private key."""
    resource = {"mchid": mchid, "appid": appid, "out_trade_no": out_trade_no, "transaction_id": transaction_id,
                "trade_type": "NATIVE", "trade_state": trade_state, "trade_state_desc": "支付成功",
                "success_time": "2026-11-25T17:30:00+08:00", "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
                "amount": {"total": total, "payer_total": total, "currency": "CNY", "payer_currency": "CNY"}}
    nonce = uuid.uuid4().hex[:12]
    ciphertext = AESGCM(key.encode()).encrypt(nonce.encode(), json.dumps(resource).encode(), b"transaction")
    envelope = {"id": notify_id or str(uuid.uuid4()), "create_time": "2026-11-25T17:30:01+08:00",
                "resource_type": "encrypt-resource", "event_type": "TRANSACTION.SUCCESS", "summary": "支付成功",
                "resource": {"original_type": "transaction", "algorithm": "AEAD_AES_256_GCM",
                             "ciphertext": base64.b64encode(ciphertext).decode(), "associated_data": "transaction",
                             "nonce": nonce}}
    body = json.dumps(envelope, ensure_ascii=False)
    ts = str(int(time.time()) if timestamp is None else timestamp)
    sig_nonce = uuid.uuid4().hex
    signature = rsa_sha256_sign(rsa_pair(signer)[0], f"{ts}\n{sig_nonce}\n{body}\n")
    headers = {"Wechatpay-Signature": signature, "Wechatpay-Timestamp": ts, "Wechatpay-Nonce": sig_nonce,
               "Wechatpay-Serial": serial, "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
               "Content-Type": "application/json"}
    return headers, body.encode()


class WechatAnswer:
    """What `requests` returns from the WeChat Pay API, signed as the platform signs its answers."""

    def __init__(self, status: int, data: dict[str, Any]) -> None:
        self.status_code = status
        self.text = json.dumps(data)
        ts, nonce = str(int(time.time())), uuid.uuid4().hex
        self.headers = {
            "Content-Type": "application/json", "Wechatpay-Timestamp": ts, "Wechatpay-Nonce": nonce,
            "Wechatpay-Serial": WECHAT_PUBKEY_ID, "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
            "Wechatpay-Signature": rsa_sha256_sign(rsa_pair("wechat-platform")[0], f"{ts}\n{nonce}\n{self.text}\n"),
        }
        self.content = self.text.encode()


def fake_wechat_api(monkeypatch: Any) -> list[tuple[str, Any]]:
    """Answer the SDK's HTTP calls locally: a NATIVE order gets a code_url, a refund succeeds."""
    import wechatpayv3.core as core

    sent: list[tuple[str, Any]] = []

    def post(url: str, json: Any = None, **kw: Any) -> WechatAnswer:
        sent.append((url, json))
        if url.endswith("/v3/pay/transactions/native"):
            return WechatAnswer(200, {"code_url": f"weixin://wxpay/bizpayurl?pr={json['out_trade_no']}"})
        return WechatAnswer(200, {"refund_id": "5000000038201905270973", "status": "SUCCESS"})

    monkeypatch.setattr(core.requests, "post", post)
    return sent


ALIPAY_APPID = "2021000000000001"


def alipay_settings() -> dict[str, Any]:
    app_private, _ = rsa_pair("alipay-app")
    _, alipay_public = rsa_pair("alipay-platform")
    return {"APPID": ALIPAY_APPID, "APP_PRIVATE_KEY": app_private, "ALIPAY_PUBLIC_KEY": alipay_public}


def alipay_sign_params(params: dict[str, str], signer: str = "alipay-platform") -> str:
    """Alipay's rule: without sign/sign_type and empty values, sorted by key, k=v joined by '&', RSA2."""
    content = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k not in ("sign", "sign_type") and v != "")
    return rsa_sha256_sign(rsa_pair(signer)[0], content)


def alipay_callback(*, out_trade_no: str, total_amount: str, trade_no: str = "2026112522001400000000000001",
                    trade_status: str = "TRADE_SUCCESS", notify_id: str | None = None, app_id: str = ALIPAY_APPID,
                    signer: str = "alipay-platform", tamper: dict[str, str] | None = None) -> bytes:
    from urllib.parse import urlencode

    params = {"gmt_create": "2026-11-25 17:30:00", "charset": "utf-8", "notify_time": "2026-11-25 17:30:02",
              "notify_type": "trade_status_sync", "notify_id": notify_id or uuid.uuid4().hex, "app_id": app_id,
              "out_trade_no": out_trade_no, "trade_no": trade_no, "trade_status": trade_status,
              "total_amount": total_amount, "receipt_amount": total_amount, "buyer_logon_id": "159****5620",
              "subject": "圈子订单", "version": "1.0", "passback_params": ""}
    params["sign"] = alipay_sign_params(params, signer)
    params["sign_type"] = "RSA2"
    params.update(tamper or {})
    return urlencode(params).encode()


def wechat_refund_callback(*, out_refund_no: str, out_trade_no: str, refund: int, total: int,
                           refund_status: str = "SUCCESS", refund_id: str = "50000000382019052709732678859",
                           notify_id: str | None = None, mchid: str = "1900000109", key: str = APIV3_KEY,
                           signer: str = "wechat-platform") -> tuple[dict[str, str], bytes]:
    """A WeChat Pay v3 refund notification (REFUND.SUCCESS / REFUND.ABNORMAL / REFUND.CLOSED) as the platform
    sends it to the refund's notify_url: the refund resource encrypted under the APIv3 key (associated data
    "refund"), the envelope signed with the platform key."""
    resource = {"mchid": mchid, "out_trade_no": out_trade_no, "transaction_id": "4200000000202611250000000001",
                "out_refund_no": out_refund_no, "refund_id": refund_id, "refund_status": refund_status,
                "success_time": "2026-11-30T18:30:00+08:00", "user_received_account": "招商银行信用卡0403",
                "amount": {"total": total, "refund": refund, "payer_total": total, "payer_refund": refund}}
    nonce = uuid.uuid4().hex[:12]
    ciphertext = AESGCM(key.encode()).encrypt(nonce.encode(), json.dumps(resource).encode(), b"refund")
    envelope = {"id": notify_id or str(uuid.uuid4()), "create_time": "2026-11-30T18:30:01+08:00",
                "resource_type": "encrypt-resource", "event_type": f"REFUND.{refund_status}",
                "summary": "退款成功", "resource": {"original_type": "refund", "algorithm": "AEAD_AES_256_GCM",
                                                 "ciphertext": base64.b64encode(ciphertext).decode(),
                                                 "associated_data": "refund", "nonce": nonce}}
    body = json.dumps(envelope, ensure_ascii=False)
    ts, sig_nonce = str(int(time.time())), uuid.uuid4().hex
    headers = {"Wechatpay-Signature": rsa_sha256_sign(rsa_pair(signer)[0], f"{ts}\n{sig_nonce}\n{body}\n"),
               "Wechatpay-Timestamp": ts, "Wechatpay-Nonce": sig_nonce, "Wechatpay-Serial": WECHAT_PUBKEY_ID,
               "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048", "Content-Type": "application/json"}
    return headers, body.encode()
