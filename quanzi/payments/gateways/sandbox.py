"""The sandbox gateway, for the demo and the tests: on only when configured (settings.QUANZI_SANDBOX_PAYMENTS),
never in production unless someone set QUANZI_ALLOW_SANDBOX_PAYMENTS_IN_PRODUCTION=1.

Its cashier is our own page (/pay/sandbox/<payment_no>/). Confirming there makes the sandbox "bank" send a
notification signed with HMAC-SHA256 (secret: QUANZI_PAYMENTS["SANDBOX_SECRET"]) to the same callback endpoint
and verification path an external gateway uses.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from quanzi.payments.conf import payment_settings
from quanzi.payments.enums import NotifyStatus, PaymentKind, RefundStatus
from quanzi.payments.errors import ErrorCode, rejected
from quanzi.payments.gateways.base import (
    Ack,
    Gateway,
    PayContext,
    PaymentIntent,
    RefundResult,
    VerifiedNotification,
    header,
)
from quanzi.wxlogin.conf import SANDBOX_APPID

if TYPE_CHECKING:
    from quanzi.payments.models import Payment, Refund

SIGNATURE_HEADER = "X-Sandbox-Signature"


def _secret() -> bytes:
    secret = str(payment_settings()["SANDBOX_SECRET"] or "")
    if len(secret) < 32:  # never sign or verify with an empty or guessable key
        raise rejected(ErrorCode.SANDBOX_NOT_CONFIGURED, _("沙箱支付未配置密钥"))
    return secret.encode()


def sign(body: bytes, secret: bytes | None = None) -> str:
    return hmac.new(secret if secret is not None else _secret(), body, hashlib.sha256).hexdigest()


def txn_id_for(payment_no: str) -> str:
    """The sandbox bank's transaction id for a payment: stable, so confirming twice is one trade."""
    return "SBX" + hmac.new(_secret(), payment_no.encode(), hashlib.sha256).hexdigest()[:24].upper()


PREPAY_PREFIX = "sbx_prepay_"


def bridge_params(payment_no: str) -> dict[str, str]:
    """JSAPI-style parameters for WeixinJSBridge getBrandWCPayRequest, as WeChat Pay's look; the sandbox signs
    them with its own secret (HMAC-SHA256) so the sandbox bridge can tell they are ours."""
    ts, nonce, package = str(int(time.time())), secrets.token_hex(16), f"prepay_id={PREPAY_PREFIX}{payment_no}"
    return {"appId": SANDBOX_APPID, "timeStamp": ts, "nonceStr": nonce, "package": package,
            "signType": "HMAC-SHA256", "paySign": sign(f"{SANDBOX_APPID}\n{ts}\n{nonce}\n{package}\n".encode())}


def bridge_payment_no(params: Mapping[str, Any]) -> str | None:
    """The payment number of sandbox bridge parameters whose paySign is ours, or None."""
    fields = [str(params.get(k) or "") for k in ("appId", "timeStamp", "nonceStr", "package")]
    expected = sign(("\n".join(fields) + "\n").encode())
    if not hmac.compare_digest(expected, str(params.get("paySign") or "")):
        return None
    package = fields[3]
    prefix = f"prepay_id={PREPAY_PREFIX}"
    return package[len(prefix):] if package.startswith(prefix) else None


class SandboxGateway(Gateway):
    name = "sandbox"

    kinds = (PaymentKind.SANDBOX, PaymentKind.JSAPI)

    def appid_for(self, kind: str) -> str:
        return SANDBOX_APPID if kind == PaymentKind.JSAPI else ""

    def create_payment(self, payment: Payment, context: PayContext | None = None) -> PaymentIntent:
        if context is not None and context.kind == PaymentKind.JSAPI:
            return PaymentIntent(params=bridge_params(payment.payment_no))
        return PaymentIntent(pay_url=f"/pay/sandbox/{payment.payment_no}/")

    def build_notification(self, *, payment_no: str, amount_fen: int, status: str = "SUCCESS",
                           timestamp: int | None = None) -> tuple[dict[str, str], bytes]:
        """The signed notification the sandbox bank sends for a paid (or closed) trade."""
        txn_id = txn_id_for(payment_no)
        body = json.dumps({
            "notify_id": f"{txn_id}-{status}",
            "payment_no": payment_no,
            "txn_id": txn_id,
            "amount_fen": amount_fen,
            "status": status,
            "timestamp": int(time.time()) if timestamp is None else timestamp,
        }, separators=(",", ":"), sort_keys=True).encode()
        return {SIGNATURE_HEADER: sign(body), "Content-Type": "application/json"}, body

    def verify_callback(self, headers: Mapping[str, str], body: bytes) -> VerifiedNotification:
        signature = header(headers, SIGNATURE_HEADER)
        if not signature:
            raise rejected(ErrorCode.MISSING_SIGNATURE, _("缺少签名"))
        if not hmac.compare_digest(signature, sign(body)):
            raise rejected(ErrorCode.BAD_SIGNATURE, _("签名校验失败"))
        try:
            data: Any = json.loads(body)
        except ValueError as exc:
            raise rejected(ErrorCode.BAD_BODY, _("通知内容无法解析")) from exc
        if not isinstance(data, dict):
            raise rejected(ErrorCode.BAD_BODY, _("通知内容无法解析"))
        amount = data.get("amount_fen")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise rejected(ErrorCode.BAD_AMOUNT, _("通知中的金额格式无效"))
        timestamp = data.get("timestamp")
        if not isinstance(timestamp, int) or abs(time.time() - timestamp) > int(payment_settings()["CALLBACK_MAX_AGE"]):
            raise rejected(ErrorCode.STALE_NOTIFICATION, _("通知已过期"))
        fields = [data.get(k) for k in ("notify_id", "payment_no", "txn_id", "status")]
        if not all(isinstance(v, str) and v for v in fields):
            raise rejected(ErrorCode.BAD_BODY, _("通知内容缺少必要字段"))
        state = {"SUCCESS": NotifyStatus.SUCCESS, "CLOSED": NotifyStatus.CLOSED}.get(data["status"], NotifyStatus.OTHER)
        return VerifiedNotification(notify_id=data["notify_id"], out_trade_no=data["payment_no"], amount_fen=amount,
                                    gateway_txn_id=data["txn_id"], status=state, raw=data)

    def refund(self, refund: Refund) -> RefundResult:
        if payment_settings()["SANDBOX_REFUND_FAIL"]:
            return RefundResult(RefundStatus.FAILED, error_code="sandbox_refund_failed",
                                error_message=_("沙箱模拟退款失败"))
        ref = "SBXR" + hmac.new(_secret(), refund.refund_no.encode(), hashlib.sha256).hexdigest()[:24].upper()
        return RefundResult(RefundStatus.SUCCEEDED, gateway_refund_id=ref)

    def ack(self, ok: bool, code: str = "", message: str = "") -> Ack:
        body = {"code": "SUCCESS"} if ok else {"code": "FAIL", "reason": code, "message": message}
        return Ack(200 if ok else 400, json.dumps(body, ensure_ascii=False), "application/json")
