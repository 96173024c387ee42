"""Alipay (支付宝) on the `python-alipay-sdk` SDK, RSA2 only.

An asynchronous notification is a form post. Verification follows Alipay's spec: drop `sign` and `sign_type`
and the empty values, sort the rest by key, join as k=v with '&', and check the RSA-SHA256 signature with the
Alipay public key. Amounts are yuan strings and are converted to fen exactly (no float).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from alipay import AliPay
from alipay.exceptions import AliPayException, AliPayValidationError
from django.utils.translation import gettext as _

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
    fen_to_yuan,
    yuan_to_fen,
)

if TYPE_CHECKING:
    from quanzi.payments.models import Payment, Refund

_TRADE_STATUS = {"TRADE_SUCCESS": NotifyStatus.SUCCESS, "TRADE_FINISHED": NotifyStatus.SUCCESS,
                 "TRADE_CLOSED": NotifyStatus.CLOSED}


class AlipayGateway(Gateway):
    name = "alipay"

    def __init__(self, *, appid: str, app_private_key: str, alipay_public_key: str, sandbox_env: bool = False,
                 seller_id: str = "") -> None:
        self.appid = str(appid)
        self.seller_id = seller_id
        try:
            self.client: Any = AliPay(appid=self.appid, app_notify_url=notify_url(self.name),
                                      app_private_key_string=app_private_key,
                                      alipay_public_key_string=alipay_public_key, sign_type="RSA2",
                                      debug=sandbox_env)
        except (ValueError, IndexError, TypeError) as exc:
            raise DomainError(ErrorCode.GATEWAY_MISCONFIGURED, _("支付宝密钥配置无效"), status=500) from exc

    @classmethod
    def from_settings(cls) -> AlipayGateway:
        c = payment_settings()["ALIPAY"]
        return cls(appid=c["APPID"], app_private_key=c["APP_PRIVATE_KEY"], alipay_public_key=c["ALIPAY_PUBLIC_KEY"],
                   sandbox_env=bool(c.get("SANDBOX_ENV", False)), seller_id=str(c.get("SELLER_ID", "")))

    # -- pay ----------------------------------------------------------------------------------------------------
    def create_payment(self, payment: Payment) -> PaymentIntent:
        query = self.client.api_alipay_trade_page_pay(
            subject=_("圈子订单 %(number)s") % {"number": payment.order.number},
            out_trade_no=payment.payment_no, total_amount=fen_to_yuan(payment.amount_fen),
        )
        return PaymentIntent(pay_url=f"{self.client._gateway}?{query}")

    # -- callbacks ----------------------------------------------------------------------------------------------
    def verify_callback(self, headers: Mapping[str, str], body: bytes) -> VerifiedNotification:
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
        except (UnicodeDecodeError, ValueError) as exc:
            raise rejected(ErrorCode.BAD_BODY, _("通知内容无法解析")) from exc
        params = dict(pairs)
        if len(params) != len(pairs):
            raise rejected(ErrorCode.BAD_BODY, _("通知内容含重复参数"))
        signature = params.pop("sign", "")
        sign_type = params.pop("sign_type", "RSA2")
        if not signature:
            raise rejected(ErrorCode.MISSING_SIGNATURE, _("缺少签名"))
        if sign_type != "RSA2":
            raise rejected(ErrorCode.UNSUPPORTED_SIGNATURE_TYPE, _("不支持的签名类型"))
        signed = {k: v for k, v in params.items() if v != ""}
        try:
            ok = bool(self.client.verify(dict(signed), signature))
        except (ValueError, TypeError, IndexError, AliPayException):
            ok = False
        if not ok:
            raise rejected(ErrorCode.BAD_SIGNATURE, _("签名校验失败"))
        if params.get("app_id") != self.appid or (self.seller_id and params.get("seller_id") != self.seller_id):
            raise rejected(ErrorCode.MERCHANT_MISMATCH, _("通知不属于本商户"))
        missing = [k for k in ("notify_id", "out_trade_no", "trade_no", "trade_status", "total_amount")
                   if not params.get(k)]
        if missing:
            raise rejected(ErrorCode.BAD_BODY, _("通知内容缺少必要字段"))
        return VerifiedNotification(
            notify_id=params["notify_id"], out_trade_no=params["out_trade_no"],
            amount_fen=yuan_to_fen(params["total_amount"]), gateway_txn_id=params["trade_no"],
            status=_TRADE_STATUS.get(params["trade_status"], NotifyStatus.OTHER), raw=params,
        )

    # -- refunds ------------------------------------------------------------------------------------------------
    def refund(self, refund: Refund) -> RefundResult:
        payment = refund.payment
        try:
            data: Any = self.client.api_alipay_trade_refund(
                refund_amount=fen_to_yuan(refund.amount_fen), out_trade_no=payment.payment_no,
                out_request_no=refund.refund_no, refund_reason=(refund.reason or "")[:80],
            )
        except AliPayValidationError:
            return RefundResult(RefundStatus.FAILED, error_code="bad_response_signature",
                                error_message=_("支付宝应答验签失败"))
        except AliPayException as exc:
            code = getattr(exc, "_AliPayException__code", "") or "alipay_error"
            return RefundResult(RefundStatus.FAILED, error_code=str(code), error_message=str(exc)[:200])
        except Exception as exc:  # noqa: BLE001 - network failure: the same out_request_no may be sent again
            return RefundResult(RefundStatus.FAILED, error_code="gateway_unreachable", error_message=str(exc)[:200])
        if str(data.get("code")) != "10000":
            return RefundResult(RefundStatus.FAILED, error_code=str(data.get("sub_code") or data.get("code")),
                                error_message=str(data.get("sub_msg") or data.get("msg") or "")[:200])
        return RefundResult(RefundStatus.SUCCEEDED, gateway_refund_id=str(data.get("trade_no") or ""))

    def ack(self, ok: bool, code: str = "", message: str = "") -> Ack:
        return Ack(200 if ok else 400, "success" if ok else "fail", "text/plain")
