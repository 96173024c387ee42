"""WeChat Pay API v3 on the `wechatpayv3` SDK (public-key mode: 微信支付公钥 + its id; no network at start).

Callback verification follows the v3 spec: the `Wechatpay-Signature` header is an RSA-SHA256 (PKCS#1 v1.5)
signature over "timestamp\\nnonce\\nbody\\n" made with the platform key named by `Wechatpay-Serial`; the
`resource` is AEAD_AES_256_GCM ciphertext under the APIv3 key. Each check refuses with its own code.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from wechatpayv3 import WeChatPay, WeChatPayType
from wechatpayv3.utils import aes_decrypt, load_public_key, rsa_verify

from quanzi.core.errors import DomainError
from quanzi.payments.conf import notify_url, payment_settings
from quanzi.payments.enums import NotifyStatus, RefundStatus
from quanzi.payments.errors import ErrorCode, rejected
from quanzi.payments.gateways.base import (
    Ack,
    Gateway,
    PaymentIntent,
    RefundResult,
    VerifiedNotification,
    header,
)

if TYPE_CHECKING:
    from quanzi.payments.models import Payment, Refund

SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"
_TRADE_STATE = {"SUCCESS": NotifyStatus.SUCCESS, "CLOSED": NotifyStatus.CLOSED, "REVOKED": NotifyStatus.CLOSED,
                "PAYERROR": NotifyStatus.CLOSED}
_REFUND_STATUS = {"SUCCESS": RefundStatus.SUCCEEDED, "PROCESSING": RefundStatus.PROCESSING,
                  "ABNORMAL": RefundStatus.FAILED, "CLOSED": RefundStatus.FAILED}


class WechatPayGateway(Gateway):
    name = "wechat"

    def __init__(self, *, mchid: str, appid: str, private_key: str, cert_serial_no: str, apiv3_key: str,
                 public_key: str, public_key_id: str, max_age: int = 300) -> None:
        self.mchid = mchid
        self.appid = appid
        self.apiv3_key = apiv3_key
        self.public_key_id = public_key_id
        try:
            self.public_key = load_public_key(public_key)
        except Exception:  # noqa: BLE001 - the SDK raises a bare Exception for an unreadable key
            self.public_key = None
        if self.public_key is None or len(apiv3_key.encode()) != 32:
            raise DomainError(ErrorCode.GATEWAY_MISCONFIGURED, _("微信支付平台公钥或 APIv3 密钥配置无效"), status=500)
        self.max_age = max_age
        self._private_key = private_key
        self._cert_serial_no = cert_serial_no
        self._public_key_pem = public_key
        self._client: Any = None

    @classmethod
    def from_settings(cls) -> WechatPayGateway:
        conf = payment_settings()
        c = conf["WECHAT"]
        return cls(mchid=c["MCHID"], appid=c["APPID"], private_key=c["PRIVATE_KEY"],
                   cert_serial_no=c["CERT_SERIAL_NO"], apiv3_key=c["APIV3_KEY"], public_key=c["PUBLIC_KEY"],
                   public_key_id=c["PUBLIC_KEY_ID"], max_age=int(conf["CALLBACK_MAX_AGE"]))

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = WeChatPay(
                wechatpay_type=WeChatPayType.NATIVE, mchid=self.mchid, private_key=self._private_key,
                cert_serial_no=self._cert_serial_no, appid=self.appid, apiv3_key=self.apiv3_key,
                notify_url=notify_url(self.name), public_key=self._public_key_pem,
                public_key_id=self.public_key_id, timeout=(5, 15),
            )
        return self._client

    # -- pay ----------------------------------------------------------------------------------------------------
    def create_payment(self, payment: Payment) -> PaymentIntent:
        try:
            code, message = self.client.pay(
                description=_("圈子订单 %(number)s") % {"number": payment.order.number},
                out_trade_no=payment.payment_no, amount={"total": payment.amount_fen, "currency": "CNY"},
                pay_type=WeChatPayType.NATIVE,
            )
            data = json.loads(message) if code in (200, 201) else {}
        except Exception as exc:  # noqa: BLE001 - network / SDK failure: nothing was charged
            raise DomainError(ErrorCode.GATEWAY_ERROR, _("微信支付下单失败，请稍后重试"), status=502) from exc
        if not data.get("code_url"):
            raise DomainError(ErrorCode.GATEWAY_ERROR, _("微信支付下单失败，请稍后重试"), status=502)
        return PaymentIntent(pay_url=data["code_url"], params={"code_url": data["code_url"]})

    # -- callbacks ----------------------------------------------------------------------------------------------
    def verify_callback(self, headers: Mapping[str, str], body: bytes) -> VerifiedNotification:
        signature = header(headers, "Wechatpay-Signature")
        timestamp = header(headers, "Wechatpay-Timestamp")
        nonce = header(headers, "Wechatpay-Nonce")
        serial = header(headers, "Wechatpay-Serial")
        sig_type = header(headers, "Wechatpay-Signature-Type") or SIGNATURE_TYPE
        if not (signature and timestamp and nonce and serial):
            raise rejected(ErrorCode.MISSING_SIGNATURE, _("缺少微信支付签名头"))
        if sig_type != SIGNATURE_TYPE:
            raise rejected(ErrorCode.UNSUPPORTED_SIGNATURE_TYPE, _("不支持的签名类型"))
        if serial != self.public_key_id:
            raise rejected(ErrorCode.UNKNOWN_PLATFORM_KEY, _("未知的微信支付平台公钥"))
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > self.max_age:
            raise rejected(ErrorCode.STALE_NOTIFICATION, _("通知已过期"))
        try:
            text = body.decode("utf-8")
            ok = rsa_verify(timestamp, nonce, text, signature, self.public_key)
        except (UnicodeDecodeError, ValueError, TypeError):
            ok = False
        if not ok:
            raise rejected(ErrorCode.BAD_SIGNATURE, _("签名校验失败"))
        try:
            envelope: Any = json.loads(text)
            resource = envelope["resource"]
            notify_id = str(envelope["id"])
        except (ValueError, KeyError, TypeError) as exc:
            raise rejected(ErrorCode.BAD_BODY, _("通知内容无法解析")) from exc
        if resource.get("algorithm") != "AEAD_AES_256_GCM":
            raise rejected(ErrorCode.UNSUPPORTED_ALGORITHM, _("不支持的加密算法"))
        try:
            plain = aes_decrypt(nonce=resource["nonce"], ciphertext=resource["ciphertext"],
                                associated_data=resource.get("associated_data") or "", apiv3_key=self.apiv3_key)
        except (KeyError, ValueError, TypeError):
            plain = None
        if plain is None:
            raise rejected(ErrorCode.DECRYPT_FAILED, _("通知内容解密失败"))
        try:
            trade: Any = json.loads(plain)
            total = trade["amount"]["total"]
            out_trade_no, txn_id, state = trade["out_trade_no"], trade["transaction_id"], trade["trade_state"]
        except (ValueError, KeyError, TypeError) as exc:
            raise rejected(ErrorCode.BAD_BODY, _("通知内容缺少必要字段")) from exc
        if trade.get("mchid") != self.mchid or trade.get("appid") != self.appid:
            raise rejected(ErrorCode.MERCHANT_MISMATCH, _("通知不属于本商户"))
        if not isinstance(total, int) or isinstance(total, bool) or total < 0:
            raise rejected(ErrorCode.BAD_AMOUNT, _("通知中的金额格式无效"))
        return VerifiedNotification(notify_id=notify_id, out_trade_no=str(out_trade_no), amount_fen=total,
                                    gateway_txn_id=str(txn_id), status=_TRADE_STATE.get(state, NotifyStatus.OTHER),
                                    raw=trade)

    # -- refunds ------------------------------------------------------------------------------------------------
    def refund(self, refund: Refund) -> RefundResult:
        payment = refund.payment
        try:
            code, message = self.client.refund(
                out_refund_no=refund.refund_no, transaction_id=payment.gateway_txn_id,
                amount={"refund": refund.amount_fen, "total": payment.amount_fen, "currency": "CNY"},
                reason=(refund.reason or "")[:80] or None,
            )
            data: Any = json.loads(message) if isinstance(message, str | bytes) and message else {}
        except Exception as exc:  # noqa: BLE001 - the same refund_no may be submitted again safely
            return RefundResult(RefundStatus.FAILED, error_code="gateway_unreachable", error_message=str(exc)[:200])
        if code not in (200, 201):
            return RefundResult(RefundStatus.FAILED, error_code=str(data.get("code") or f"http_{code}"),
                                error_message=str(data.get("message") or "")[:200])
        status = _REFUND_STATUS.get(str(data.get("status")), RefundStatus.PROCESSING)
        return RefundResult(status, gateway_refund_id=str(data.get("refund_id") or ""),
                            error_code="" if status != RefundStatus.FAILED else str(data.get("status")))

    def ack(self, ok: bool, code: str = "", message: str = "") -> Ack:
        if ok:
            return Ack(204, "", "application/json")
        return Ack(400, json.dumps({"code": "FAIL", "message": message or code}, ensure_ascii=False),
                   "application/json")
