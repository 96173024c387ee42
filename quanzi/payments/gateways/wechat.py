"""WeChat Pay API v3 on the `wechatpayv3` SDK (public-key mode: 微信支付公钥 + its id; no network at start).

Callback verification follows the v3 spec: the `Wechatpay-Signature` header is an RSA-SHA256 (PKCS#1 v1.5)
signature over "timestamp\\nnonce\\nbody\\n" made with the platform key named by `Wechatpay-Serial`; the
`resource` is AEAD_AES_256_GCM ciphertext under the APIv3 key. Each check refuses with its own code. Payment
notifications (TRANSACTION.*) and refund notifications (REFUND.*) share the envelope; refunds have their own
callback URL (`refund_notify_url`), sent with every refund request.

Kinds: JSAPI (inside WeChat, the buyer's openid under the 公众号 appid), Mini Program (the mini program's appid
and openid), H5 (phone browsers outside WeChat: h5_url), Native (a QR code). Every prepay carries `time_expire`
(the order's payment deadline), and `close` closes the trade when the order is cancelled or expires.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import secrets
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests
from cryptography.hazmat.primitives import serialization
from django.utils.translation import gettext as _
from wechatpayv3 import WeChatPay, WeChatPayType
from wechatpayv3.utils import (
    aes_decrypt,
    build_authorization,
    load_certificate,
    load_private_key,
    load_public_key,
    rsa_verify,
)

from quanzi.core.errors import DomainError
from quanzi.payments.conf import notify_url, payment_settings, refund_notify_url
from quanzi.payments.enums import NotifyStatus, PaymentKind, RefundStatus
from quanzi.payments.errors import ErrorCode, openid_required, payment_kind_unavailable, rejected
from quanzi.payments.gateways.base import (
    Ack,
    BillRow,
    Gateway,
    PayContext,
    PaymentIntent,
    RefundNotification,
    RefundResult,
    VerifiedNotification,
    header,
    trade_of,
    yuan_to_fen,
)

if TYPE_CHECKING:
    from quanzi.payments.models import Payment, Refund

SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"
_TRADE_STATE = {"SUCCESS": NotifyStatus.SUCCESS, "CLOSED": NotifyStatus.CLOSED, "REVOKED": NotifyStatus.CLOSED,
                "PAYERROR": NotifyStatus.CLOSED}
_REFUND_STATUS = {"SUCCESS": RefundStatus.SUCCEEDED, "PROCESSING": RefundStatus.PROCESSING,
                  "ABNORMAL": RefundStatus.FAILED, "CLOSED": RefundStatus.FAILED}
API_BASE = "https://api.mch.weixin.qq.com"
CHINA = dt.timezone(dt.timedelta(hours=8))
_PAY_TYPE: dict[str, WeChatPayType] = {PaymentKind.JSAPI: WeChatPayType.JSAPI, PaymentKind.MINIPROGRAM: WeChatPayType.MINIPROG,
             PaymentKind.H5: WeChatPayType.H5, PaymentKind.NATIVE: WeChatPayType.NATIVE}


def _failed() -> DomainError:
    return DomainError(ErrorCode.GATEWAY_ERROR, _("微信支付下单失败，请稍后重试"), status=502)


def rfc3339(at: dt.datetime) -> str:
    """WeChat's time format, in Beijing time: 2026-11-30T18:30:00+08:00."""
    return at.astimezone(CHINA).isoformat(timespec="seconds")


class WechatPayGateway(Gateway):
    name = "wechat"
    kinds = (PaymentKind.JSAPI, PaymentKind.MINIPROGRAM, PaymentKind.H5, PaymentKind.NATIVE)

    def __init__(self, *, mchid: str, appid: str, private_key: str, cert_serial_no: str, apiv3_key: str,
                 public_key: str, public_key_id: str, max_age: int = 300, miniprogram_appid: str = "",
                 api_base: str = API_BASE) -> None:
        self.mchid = mchid
        self.appid = appid
        self.miniprogram_appid = miniprogram_appid
        self.apiv3_key = apiv3_key
        self.public_key_id = public_key_id
        self.api_base = api_base.rstrip("/")
        # no 微信支付公钥: platform-certificate mode (certificates downloaded from /v3/certificates, rotated)
        self.certificate_mode = not public_key
        try:
            self.public_key = load_public_key(public_key) if public_key else None
        except Exception:  # noqa: BLE001 - the SDK raises a bare Exception for an unreadable key
            self.public_key = None
        if (self.public_key is None and not self.certificate_mode) or len(apiv3_key.encode()) != 32:
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
                   cert_serial_no=c["CERT_SERIAL_NO"], apiv3_key=c["APIV3_KEY"],
                   public_key=str(c.get("PUBLIC_KEY") or ""), public_key_id=str(c.get("PUBLIC_KEY_ID") or ""),
                   max_age=int(conf["CALLBACK_MAX_AGE"]),
                   miniprogram_appid=str(c.get("MINIPROGRAM_APPID") or ""),
                   api_base=str(c.get("API_BASE") or API_BASE))

    @property
    def client(self) -> Any:
        if self._client is None:
            extra: dict[str, Any] = {"public_key": self._public_key_pem, "public_key_id": self.public_key_id}
            if self.certificate_mode:  # the SDK reads the certificates we downloaded, and refreshes on a new serial
                self.platform_certificates()
                extra = {"cert_dir": _cert_dir(self.mchid)}
            self._client = WeChatPay(
                wechatpay_type=WeChatPayType.NATIVE, mchid=self.mchid, private_key=self._private_key,
                cert_serial_no=self._cert_serial_no, appid=self.appid, apiv3_key=self.apiv3_key,
                notify_url=notify_url(self.name), timeout=(5, 15), **extra,
            )
            self._client._core._gate_way = self.api_base  # a test's loopback server, or the default
        return self._client

    def appid_for(self, kind: str) -> str:
        """The appid a payment of this kind is made under (the openid must belong to it)."""
        return self.miniprogram_appid if kind == PaymentKind.MINIPROGRAM else self.appid

    # -- pay ----------------------------------------------------------------------------------------------------
    def create_payment(self, payment: Payment, context: PayContext | None = None) -> PaymentIntent:
        context = context or PayContext(kind=PaymentKind.NATIVE)
        kind = context.kind or PaymentKind.NATIVE
        appid = self.appid_for(kind)
        if kind not in self.kinds or not appid:  # a mini program payment needs its appid configured
            raise payment_kind_unavailable()
        if kind in (PaymentKind.JSAPI, PaymentKind.MINIPROGRAM) and not context.openid:
            raise openid_required()
        extra: dict[str, Any] = {}
        if kind in (PaymentKind.JSAPI, PaymentKind.MINIPROGRAM):
            extra["payer"] = {"openid": context.openid}
        if kind == PaymentKind.H5:
            extra["scene_info"] = {"payer_client_ip": context.client_ip or "127.0.0.1", "h5_info": {"type": "Wap"}}
        if context.expires_at is not None:
            extra["time_expire"] = rfc3339(context.expires_at)
        try:
            code, message = self.client.pay(
                description=_("圈子订单 %(number)s") % {"number": payment.order.number},
                out_trade_no=payment.payment_no, amount={"total": payment.amount_fen, "currency": "CNY"},
                pay_type=_PAY_TYPE[kind], appid=appid, **extra,
            )
            data = json.loads(message) if code in (200, 201) else {}
        except Exception as exc:  # noqa: BLE001 - network / SDK failure: nothing was charged
            raise _failed() from exc
        if kind == PaymentKind.NATIVE and data.get("code_url"):
            return PaymentIntent(pay_url=data["code_url"], params={"code_url": data["code_url"]})
        if kind == PaymentKind.H5 and data.get("h5_url"):
            return PaymentIntent(pay_url=data["h5_url"], params={"h5_url": data["h5_url"]})
        if kind in (PaymentKind.JSAPI, PaymentKind.MINIPROGRAM) and data.get("prepay_id"):
            return PaymentIntent(params=self.bridge_params(appid, str(data["prepay_id"])))
        raise _failed()

    def bridge_params(self, appid: str, prepay_id: str) -> dict[str, str]:
        """The parameters of WeixinJSBridge getBrandWCPayRequest / wx.requestPayment: paySign is RSA-SHA256 with
        the merchant key over "appId\\ntimeStamp\\nnonceStr\\npackage\\n"."""
        ts, nonce, package = str(int(time.time())), secrets.token_hex(16), f"prepay_id={prepay_id}"
        return {"appId": appid, "timeStamp": ts, "nonceStr": nonce, "package": package, "signType": "RSA",
                "paySign": self.client.sign([appid, ts, nonce, package])}

    def close(self, payment: Payment) -> bool:
        try:
            code, message = self.client.close(out_trade_no=payment.payment_no)
        except Exception:  # noqa: BLE001 - not closed now; the query job looks at it again
            return False
        if code in (200, 204):
            return True
        data = _json(message)
        return code == 404 or data.get("code") == "ORDER_NOT_EXIST"  # never created there: nothing to close

    def query(self, payment: Payment) -> VerifiedNotification | None:
        try:
            code, message = self.client.query(out_trade_no=payment.payment_no)
        except Exception:  # noqa: BLE001 - asked again later
            return None
        data = _json(message)
        if code != 200 or data.get("mchid") != self.mchid or data.get("out_trade_no") != payment.payment_no:
            return None
        state = str(data.get("trade_state") or "")
        status = _TRADE_STATE.get(state)
        total = (data.get("amount") or {}).get("total")
        if status is None or not isinstance(total, int) or isinstance(total, bool):
            return None  # NOTPAY / USERPAYING: still open
        txn = str(data.get("transaction_id") or "")
        return VerifiedNotification(notify_id=f"query:{txn or payment.payment_no}:{state}",
                                    out_trade_no=payment.payment_no, amount_fen=total, gateway_txn_id=txn,
                                    status=status, raw=data)

    # -- platform certificates (certificate mode) -----------------------------------------------------------------
    def _platform_key(self, serial: str) -> Any:
        """The key a notification names: the 微信支付公钥, or (certificate mode) a valid platform certificate's;
        an unknown serial refreshes the certificates once (a rotation: both serials are valid during a switch)."""
        if not self.certificate_mode:
            return self.public_key if serial == self.public_key_id else None
        certs = self.platform_certificates()
        if serial.upper() not in certs:
            certs = self.platform_certificates(refresh=True)
        cert = certs.get(serial.upper())
        return cert.public_key() if cert is not None else None

    def platform_certificates(self, *, refresh: bool = False) -> dict[str, Any]:
        """serial -> certificate, from /v3/certificates, kept per process: fetched again after CERTS_MAX_AGE,
        or on `refresh` (an unknown serial; at most once a minute), expired ones dropped."""
        now = time.time()
        fetched, certs = _PLATFORM_CERTS.get(self.mchid, (0, {}))  # (fetched at, epoch seconds)
        fresh = now - fetched < (REFRESH_MIN_INTERVAL if refresh else CERTS_MAX_AGE)
        if certs and fresh:
            return _valid(certs)
        downloaded = self._download_certificates()
        if downloaded:
            _PLATFORM_CERTS[self.mchid] = (now, downloaded)
            _write_cert_dir(self.mchid, downloaded)
            return _valid(downloaded)
        return _valid(certs)

    def _download_certificates(self) -> dict[str, Any]:
        """GET /v3/certificates: each certificate is AEAD_AES_256_GCM ciphertext under our APIv3 key (so only
        WeChat Pay could have made it); the answer is then checked against the certificate it names."""
        path = "/v3/certificates"
        try:
            authorization = build_authorization(path, "GET", self.mchid, self._cert_serial_no,
                                                load_private_key(self._private_key))
            answer = requests.get(self.api_base + path, timeout=(5, 15), headers={
                "Authorization": authorization, "Accept": "application/json", "User-Agent": "quanzi"})
        except Exception:  # noqa: BLE001 - kept the certificates we have; asked again later
            return {}
        if answer.status_code != 200:
            return {}
        certs: dict[str, Any] = {}
        for item in _json(answer.text).get("data") or []:
            enc = (item.get("encrypt_certificate") or {}) if isinstance(item, dict) else {}
            try:
                pem = aes_decrypt(nonce=enc["nonce"], ciphertext=enc["ciphertext"],
                                  associated_data=enc.get("associated_data") or "", apiv3_key=self.apiv3_key)
            except (KeyError, ValueError, TypeError):
                continue
            cert = load_certificate(pem) if pem else None
            if cert is not None and str(item.get("serial_no") or "").upper() == f"{cert.serial_number:X}":
                certs[f"{cert.serial_number:X}"] = cert
        signer = certs.get(str(answer.headers.get("Wechatpay-Serial") or "").upper())
        if signer is None or not rsa_verify(answer.headers.get("Wechatpay-Timestamp", ""),
                                            answer.headers.get("Wechatpay-Nonce", ""), answer.text,
                                            answer.headers.get("Wechatpay-Signature", ""), signer.public_key()):
            return {}
        return certs

    # -- callbacks ----------------------------------------------------------------------------------------------
    def _open_envelope(self, headers: Mapping[str, str], body: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
        """Check the signature headers and decrypt the resource: (envelope, resource)."""
        signature = header(headers, "Wechatpay-Signature")
        timestamp = header(headers, "Wechatpay-Timestamp")
        nonce = header(headers, "Wechatpay-Nonce")
        serial = header(headers, "Wechatpay-Serial")
        sig_type = header(headers, "Wechatpay-Signature-Type") or SIGNATURE_TYPE
        if not (signature and timestamp and nonce and serial):
            raise rejected(ErrorCode.MISSING_SIGNATURE, _("缺少微信支付签名头"))
        if sig_type != SIGNATURE_TYPE:
            raise rejected(ErrorCode.UNSUPPORTED_SIGNATURE_TYPE, _("不支持的签名类型"))
        key = self._platform_key(serial)
        if key is None:
            raise rejected(ErrorCode.UNKNOWN_PLATFORM_KEY, _("未知的微信支付平台公钥"))
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > self.max_age:
            raise rejected(ErrorCode.STALE_NOTIFICATION, _("通知已过期"))
        try:
            text = body.decode("utf-8")
            ok = rsa_verify(timestamp, nonce, text, signature, key)
        except (UnicodeDecodeError, ValueError, TypeError):
            ok = False
        if not ok:
            raise rejected(ErrorCode.BAD_SIGNATURE, _("签名校验失败"))
        try:
            envelope: Any = json.loads(text)
            resource = envelope["resource"]
            str(envelope["id"])
        except (ValueError, KeyError, TypeError) as exc:
            raise rejected(ErrorCode.BAD_BODY, _("通知内容无法解析")) from exc
        if not isinstance(resource, dict) or resource.get("algorithm") != "AEAD_AES_256_GCM":
            raise rejected(ErrorCode.UNSUPPORTED_ALGORITHM, _("不支持的加密算法"))
        try:
            plain = aes_decrypt(nonce=resource["nonce"], ciphertext=resource["ciphertext"],
                                associated_data=resource.get("associated_data") or "", apiv3_key=self.apiv3_key)
        except (KeyError, ValueError, TypeError):
            plain = None
        if plain is None:
            raise rejected(ErrorCode.DECRYPT_FAILED, _("通知内容解密失败"))
        try:
            data: Any = json.loads(plain)
        except ValueError as exc:
            raise rejected(ErrorCode.BAD_BODY, _("通知内容无法解析")) from exc
        if not isinstance(data, dict):
            raise rejected(ErrorCode.BAD_BODY, _("通知内容无法解析"))
        return envelope, data

    def verify_callback(self, headers: Mapping[str, str], body: bytes) -> VerifiedNotification:
        envelope, trade = self._open_envelope(headers, body)
        if str(envelope.get("event_type") or "").startswith("REFUND."):
            raise rejected(ErrorCode.WRONG_CALLBACK, _("退款通知应发往退款回调地址"))
        try:
            total = trade["amount"]["total"]
            out_trade_no, txn_id, state = trade["out_trade_no"], trade["transaction_id"], trade["trade_state"]
        except (KeyError, TypeError) as exc:
            raise rejected(ErrorCode.BAD_BODY, _("通知内容缺少必要字段")) from exc
        if trade.get("mchid") != self.mchid or trade.get("appid") not in {self.appid, self.miniprogram_appid} - {""}:
            raise rejected(ErrorCode.MERCHANT_MISMATCH, _("通知不属于本商户"))
        if not isinstance(total, int) or isinstance(total, bool) or total < 0:
            raise rejected(ErrorCode.BAD_AMOUNT, _("通知中的金额格式无效"))
        return VerifiedNotification(notify_id=str(envelope["id"]), out_trade_no=str(out_trade_no), amount_fen=total,
                                    gateway_txn_id=str(txn_id), status=_TRADE_STATE.get(state, NotifyStatus.OTHER),
                                    raw=trade)

    def verify_refund_callback(self, headers: Mapping[str, str], body: bytes) -> RefundNotification:
        """REFUND.SUCCESS / REFUND.ABNORMAL / REFUND.CLOSED, verified like a payment notification."""
        envelope, data = self._open_envelope(headers, body)
        if not str(envelope.get("event_type") or "").startswith("REFUND."):
            raise rejected(ErrorCode.WRONG_CALLBACK, _("支付通知应发往支付回调地址"))
        try:
            out_refund_no, out_trade_no = str(data["out_refund_no"]), str(data["out_trade_no"])
            refund_id, state, amount = str(data["refund_id"]), str(data["refund_status"]), data["amount"]["refund"]
        except (KeyError, TypeError) as exc:
            raise rejected(ErrorCode.BAD_BODY, _("通知内容缺少必要字段")) from exc
        if data.get("mchid") != self.mchid:
            raise rejected(ErrorCode.MERCHANT_MISMATCH, _("通知不属于本商户"))
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise rejected(ErrorCode.BAD_AMOUNT, _("通知中的金额格式无效"))
        return RefundNotification(notify_id=str(envelope["id"]), out_refund_no=out_refund_no,
                                  out_trade_no=out_trade_no, gateway_refund_id=refund_id, amount_fen=amount,
                                  status=_REFUND_STATUS.get(state, RefundStatus.PROCESSING), raw=data)

    # -- refunds ------------------------------------------------------------------------------------------------
    def refund(self, refund: Refund) -> RefundResult:
        trade = trade_of(refund.payment)  # a combined trade's share is refunded against the combined trade
        try:
            code, message = self.client.refund(
                out_refund_no=refund.refund_no, transaction_id=trade.gateway_txn_id,
                amount={"refund": refund.amount_fen, "total": trade.amount_fen, "currency": "CNY"},
                reason=(refund.reason or "")[:80] or None, notify_url=refund_notify_url(self.name),
            )
            data: Any = _json(message)
        except Exception as exc:  # noqa: BLE001 - the same refund_no may be submitted again safely
            return RefundResult(RefundStatus.FAILED, error_code="gateway_unreachable", error_message=str(exc)[:200])
        if code not in (200, 201):
            return RefundResult(RefundStatus.FAILED, error_code=str(data.get("code") or f"http_{code}"),
                                error_message=str(data.get("message") or "")[:200])
        return self._refund_answer(data)

    def _refund_answer(self, data: dict[str, Any]) -> RefundResult:
        status = _REFUND_STATUS.get(str(data.get("status")), RefundStatus.PROCESSING)
        return RefundResult(status, gateway_refund_id=str(data.get("refund_id") or ""),
                            error_code="" if status != RefundStatus.FAILED else str(data.get("status")))

    def refund_query(self, refund: Refund) -> RefundResult:
        """GET /v3/refund/domestic/refunds/{out_refund_no}. A refund WeChat never received is submitted again
        (same out_refund_no); an unreachable API leaves it processing."""
        try:
            code, message = self.client.query_refund(out_refund_no=refund.refund_no)
        except Exception:  # noqa: BLE001 - asked again later
            return RefundResult(RefundStatus.PROCESSING)
        data = _json(message)
        if code == 404 or data.get("code") == "RESOURCE_NOT_EXISTS":
            return self.refund(refund)
        if code != 200:
            return RefundResult(RefundStatus.PROCESSING)
        return self._refund_answer(data)

    # -- bills --------------------------------------------------------------------------------------------------
    def bill(self, day: dt.date) -> list[BillRow] | None:
        """The trade bill (交易账单, bill_type ALL, gzip, checked by its SHA1) of a day: payments (SUCCESS rows) and refunds
        (REFUND rows)."""
        code, message = self.client.trade_bill(bill_date=day.isoformat())
        data = _json(message)
        if code == 400 and data.get("code") == "NO_STATEMENT_EXIST":
            return []  # no trade that day
        if code != 200 or not data.get("download_url"):
            raise DomainError(ErrorCode.GATEWAY_ERROR, _("微信支付账单下载失败"), status=502)
        code, content = self.client.download_bill(str(data["download_url"]))
        if code != 200:
            raise DomainError(ErrorCode.GATEWAY_ERROR, _("微信支付账单下载失败"), status=502)
        try:
            raw = gzip.decompress(content if isinstance(content, bytes) else str(content).encode())
        except (OSError, EOFError) as exc:
            raise DomainError(ErrorCode.GATEWAY_ERROR, _("微信支付账单下载失败"), status=502) from exc
        if data.get("hash_type") == "SHA1" and hashlib.sha1(raw).hexdigest() != str(data.get("hash_value")).lower():
            raise DomainError(ErrorCode.GATEWAY_ERROR, _("微信支付账单校验失败"), status=502)
        return parse_trade_bill(raw.decode("utf-8-sig"))

    def ack(self, ok: bool, code: str = "", message: str = "") -> Ack:
        if ok:
            return Ack(204, "", "application/json")
        return Ack(400, json.dumps({"code": "FAIL", "message": message or code}, ensure_ascii=False),
                   "application/json")


CERTS_MAX_AGE = 12 * 3600  # platform certificates are fetched again twice a day (WeChat rotates ahead of expiry)
REFRESH_MIN_INTERVAL = 60  # an unknown serial refreshes at most once a minute (forged serials cost nothing)
_PLATFORM_CERTS: dict[str, tuple[float, dict[str, Any]]] = {}  # mchid -> (fetched at, serial -> certificate)


def _valid(certs: dict[str, Any]) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC)
    return {k: c for k, c in certs.items() if c.not_valid_before_utc <= now <= c.not_valid_after_utc}


def _cert_dir(mchid: str) -> str:
    return str(Path(tempfile.gettempdir()) / f"quanzi-wechatpay-{mchid}") + "/"


def _write_cert_dir(mchid: str, certs: dict[str, Any]) -> None:
    """The SDK's cert_dir: the current certificates as PEM files (it loads them instead of downloading)."""
    folder = Path(_cert_dir(mchid))
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for old in folder.glob("*.pem"):
        if old.stem not in certs:
            old.unlink()
    for serial, cert in certs.items():
        (folder / f"{serial}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _json(message: Any) -> dict[str, Any]:
    try:
        data = json.loads(message) if isinstance(message, str | bytes) and message else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def parse_trade_bill(text: str) -> list[BillRow]:
    """WeChat's trade bill: a CSV whose header names the columns and whose values start with a backquote; the
    summary after "总交易单数" is not trades. Amounts are yuan strings."""
    rows: list[BillRow] = []
    reader = csv.reader(io.StringIO(text))
    columns: list[str] = []
    for raw in reader:
        if not raw:
            continue
        values = [v.strip().lstrip("`") for v in raw]
        if not columns:
            columns = values
            continue
        if values[0].startswith("总交易单数"):
            break
        line = dict(zip(columns, values, strict=False))
        state = line.get("交易状态", "")
        if state == "SUCCESS":
            rows.append(BillRow("payment", line.get("商户订单号", ""), yuan_to_fen(line.get("订单金额", "0")),
                                line.get("微信订单号", "")))
        elif state == "REFUND":
            rows.append(BillRow("refund", line.get("商户退款单号", ""), yuan_to_fen(line.get("申请退款金额", "0")),
                                line.get("微信退款单号", "")))
    return rows
