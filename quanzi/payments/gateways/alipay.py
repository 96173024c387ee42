"""Alipay (支付宝) on the `python-alipay-sdk` SDK, RSA2 only.

An asynchronous notification is a form post. Verification follows Alipay's spec: drop `sign` and `sign_type`
and the empty values, sort the rest by key, join as k=v with '&', and check the RSA-SHA256 signature with the
Alipay public key. Amounts are yuan strings and are converted to fen exactly (no float).

Kinds: wap (alipay.trade.wap.pay, phone browsers), page (alipay.trade.page.pay, desktop), QR
(alipay.trade.precreate). Every prepay carries `time_expire` (the order's deadline, Beijing time). A refund answer
`10000` counts as succeeded only with `fund_change=Y`; otherwise the refund stays processing until
alipay.trade.fastpay.refund.query says REFUND_SUCCESS. Keys may be PEM or the bare base64 the console shows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl
from urllib.request import urlopen

from alipay import AliPay
from alipay.exceptions import AliPayException, AliPayValidationError
from django.utils.translation import gettext as _

from quanzi.core.errors import DomainError
from quanzi.payments.conf import notify_url, payment_settings, pem_key
from quanzi.payments.enums import NotifyStatus, PaymentKind, RefundStatus
from quanzi.payments.errors import ErrorCode, payment_kind_unavailable, rejected
from quanzi.payments.gateways.base import (
    Ack,
    BillRow,
    Gateway,
    PayContext,
    PaymentIntent,
    RefundResult,
    VerifiedNotification,
    fen_to_yuan,
    trade_of,
    yuan_to_fen,
)

if TYPE_CHECKING:
    from quanzi.payments.models import Payment, Refund

_TRADE_STATUS = {"TRADE_SUCCESS": NotifyStatus.SUCCESS, "TRADE_FINISHED": NotifyStatus.SUCCESS,
                 "TRADE_CLOSED": NotifyStatus.CLOSED}
CHINA = dt.timezone(dt.timedelta(hours=8))


def _alipay_time(at: dt.datetime) -> str:
    return at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")


def _failed() -> DomainError:
    return DomainError(ErrorCode.GATEWAY_ERROR, _("支付宝下单失败，请稍后重试"), status=502)


class AlipayGateway(Gateway):
    name = "alipay"
    kinds = (PaymentKind.WAP, PaymentKind.PAGE, PaymentKind.QR)

    def __init__(self, *, appid: str, app_private_key: str, alipay_public_key: str, sandbox_env: bool = False,
                 seller_id: str = "", api_base: str = "") -> None:
        self.appid = str(appid)
        self.seller_id = seller_id
        try:
            self.client: Any = AliPay(appid=self.appid, app_notify_url=notify_url(self.name),
                                      app_private_key_string=pem_key(app_private_key, private=True),
                                      alipay_public_key_string=pem_key(alipay_public_key, private=False),
                                      sign_type="RSA2", debug=sandbox_env)
        except (ValueError, IndexError, TypeError) as exc:
            raise DomainError(ErrorCode.GATEWAY_MISCONFIGURED, _("支付宝密钥配置无效"), status=500) from exc
        if api_base:  # a test's loopback server
            self.client._gateway = api_base

    @classmethod
    def from_settings(cls) -> AlipayGateway:
        c = payment_settings()["ALIPAY"]
        return cls(appid=c["APPID"], app_private_key=c["APP_PRIVATE_KEY"], alipay_public_key=c["ALIPAY_PUBLIC_KEY"],
                   sandbox_env=bool(c.get("SANDBOX_ENV", False)), seller_id=str(c.get("SELLER_ID", "")),
                   api_base=str(c.get("API_BASE") or ""))

    # -- pay ----------------------------------------------------------------------------------------------------
    def create_payment(self, payment: Payment, context: PayContext | None = None) -> PaymentIntent:
        context = context or PayContext(kind=PaymentKind.PAGE)
        kind = context.kind or PaymentKind.PAGE
        if kind not in self.kinds:
            raise payment_kind_unavailable()
        extra: dict[str, Any] = {}
        if context.expires_at is not None:
            extra["time_expire"] = _alipay_time(context.expires_at)
        args = {"subject": _("圈子订单 %(number)s") % {"number": payment.order.number},
                "out_trade_no": payment.payment_no, "total_amount": fen_to_yuan(payment.amount_fen), **extra}
        if kind == PaymentKind.QR:
            try:
                data: Any = self.client.api_alipay_trade_precreate(**args)
            except Exception as exc:  # noqa: BLE001 - network / signature failure: nothing was charged
                raise _failed() from exc
            if str(data.get("code")) != "10000" or not data.get("qr_code"):
                raise _failed()
            return PaymentIntent(pay_url=str(data["qr_code"]), params={"qr_code": str(data["qr_code"])})
        if context.return_url:
            args["return_url"] = context.return_url
        build = self.client.api_alipay_trade_wap_pay if kind == PaymentKind.WAP else \
            self.client.api_alipay_trade_page_pay
        if kind == PaymentKind.WAP:
            args["quit_url"] = context.return_url or notify_url(self.name)
        return PaymentIntent(pay_url=f"{self.client._gateway}?{build(**args)}")

    def _call(self, api: str, **kwargs: Any) -> dict[str, Any] | None:
        """A server API call; None when the answer could not be had or verified (asked again later)."""
        try:
            data = getattr(self.client, api)(**kwargs)
        except Exception:  # noqa: BLE001 - network, business error without a signature, or a bad signature
            return None
        return data if isinstance(data, dict) else None

    def close(self, payment: Payment) -> bool:
        data = self._call("api_alipay_trade_close", out_trade_no=payment.payment_no)
        if data is None:
            return False
        # a page / wap trade exists at Alipay only once the buyer opened it: nothing to close
        return str(data.get("code")) == "10000" or data.get("sub_code") == "ACQ.TRADE_NOT_EXIST"

    def query(self, payment: Payment) -> VerifiedNotification | None:
        data = self._call("api_alipay_trade_query", out_trade_no=payment.payment_no)
        if data is None or str(data.get("code")) != "10000" or data.get("out_trade_no") != payment.payment_no:
            return None
        state = str(data.get("trade_status") or "")
        status = _TRADE_STATUS.get(state)
        if status is None:
            return None  # WAIT_BUYER_PAY
        try:
            amount = yuan_to_fen(str(data.get("total_amount") or ""))
        except DomainError:
            return None
        txn = str(data.get("trade_no") or "")
        return VerifiedNotification(notify_id=f"query:{txn or payment.payment_no}:{state}",
                                    out_trade_no=payment.payment_no, amount_fen=amount, gateway_txn_id=txn,
                                    status=status, raw=data)

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
        trade = trade_of(refund.payment)  # a combined trade's share is refunded against the combined trade
        try:
            data: Any = self.client.api_alipay_trade_refund(
                refund_amount=fen_to_yuan(refund.amount_fen), out_trade_no=trade.out_trade_no,
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
        # 10000 is "accepted"; the money moved only when fund_change=Y (a repeated request answers N even when an
        # earlier one moved it, so N means "ask": the refund query decides)
        status = RefundStatus.SUCCEEDED if data.get("fund_change") == "Y" else RefundStatus.PROCESSING
        return RefundResult(status, gateway_refund_id=str(data.get("trade_no") or ""))

    def refund_query(self, refund: Refund) -> RefundResult:
        """alipay.trade.fastpay.refund.query: REFUND_SUCCESS is final; a refund Alipay does not know was never
        accepted and is submitted again (same out_request_no); anything else stays processing."""
        data = self._call("api_alipay_trade_fastpay_refund_query", out_request_no=refund.refund_no,
                          out_trade_no=trade_of(refund.payment).out_trade_no)
        if data is None or str(data.get("code")) != "10000":
            if data is not None and data.get("sub_code") == "ACQ.TRADE_NOT_EXIST":
                return self.refund(refund)
            return RefundResult(RefundStatus.PROCESSING)
        if data.get("refund_status") == "REFUND_SUCCESS":
            return RefundResult(RefundStatus.SUCCEEDED, gateway_refund_id=str(data.get("trade_no") or ""))
        if not data.get("out_request_no"):  # no such refund request: never accepted
            return self.refund(refund)
        return RefundResult(RefundStatus.PROCESSING)

    # -- bills --------------------------------------------------------------------------------------------------
    def bill(self, day: dt.date) -> list[BillRow] | None:
        """alipay.data.dataservice.bill.downloadurl.query (bill_type trade), then the zip of GBK CSV files."""
        try:
            data: Any = self.client.server_api("alipay.data.dataservice.bill.downloadurl.query",
                                               {"bill_type": "trade", "bill_date": day.isoformat()})
        except AliPayException as exc:
            if "ACQ.BILL_NOT_EXIST" in str(exc) or "isp.bill_not_exist" in str(exc):
                return []
            raise DomainError(ErrorCode.GATEWAY_ERROR, _("支付宝账单下载失败"), status=502) from exc
        url = str((data or {}).get("bill_download_url") or "")
        if str((data or {}).get("code")) != "10000" or not url:
            if (data or {}).get("sub_code") == "isp.bill_not_exist":
                return []
            raise DomainError(ErrorCode.GATEWAY_ERROR, _("支付宝账单下载失败"), status=502)
        if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise DomainError(ErrorCode.GATEWAY_ERROR, _("支付宝账单下载失败"), status=502)
        with urlopen(url, timeout=30) as answer:  # noqa: S310 - https only (loopback in tests)
            content = answer.read()
        return parse_bill_zip(content)

    def ack(self, ok: bool, code: str = "", message: str = "") -> Ack:
        return Ack(200 if ok else 400, "success" if ok else "fail", "text/plain")


def parse_bill_zip(content: bytes) -> list[BillRow]:
    """Alipay's trade bill: a zip whose detail CSV (GBK, "#" comment lines) has 业务类型 交易 / 退款 rows; a refund
    row's amount is negative and its 退款批次号/请求号 is our refund number."""
    rows: list[BillRow] = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as exc:
        raise DomainError(ErrorCode.GATEWAY_ERROR, _("支付宝账单下载失败"), status=502) from exc
    for name in archive.namelist():
        text = archive.read(name).decode("gbk", errors="replace")
        lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
        reader = csv.reader(lines)
        columns = [c.strip() for c in next(reader, [])]
        if "业务类型" not in columns:
            continue  # the summary file
        for raw in reader:
            line = dict(zip(columns, (v.strip() for v in raw), strict=False))
            amount = line.get("订单金额（元）", "").lstrip("-")
            if line.get("业务类型") == "交易" and amount:
                rows.append(BillRow("payment", line.get("商户订单号", ""), yuan_to_fen(amount),
                                    line.get("支付宝交易号", "")))
            elif line.get("业务类型") == "退款" and amount:
                rows.append(BillRow("refund", line.get("退款批次号/请求号", ""), yuan_to_fen(amount),
                                    line.get("支付宝交易号", "")))
    return rows
