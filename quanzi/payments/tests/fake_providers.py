"""A fake WeChat Pay v3 and Alipay open-API server on loopback (an http.server thread), for the tests.

It records every request the gateways send, checks each one's signature the way the provider does — WeChat's
`Authorization: WECHATPAY2-SHA256-RSA2048 mchid=...,nonce_str=...,signature=...,timestamp=...,serial_no=...` over
"METHOD\\nPATH\\nTIMESTAMP\\nNONCE\\nBODY\\n" with the merchant's public key; Alipay's RSA2 `sign` over the sorted
`k=v` pairs of every parameter but `sign`, with the app's public key — and the fields each API requires, and
answers as the provider does (WeChat answers signed with the platform key; Alipay's `<method>_response` signed
with the Alipay key). Written from the published formats, not with the SDKs under test.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import re
import threading
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from quanzi.payments.tests.helpers import WECHAT_PUBKEY_ID, rsa_pair, rsa_sha256_sign

AUTH_RE = re.compile(r'^WECHATPAY2-SHA256-RSA2048 (.+)$')
WECHAT_REQUIRED = {
    "native": ("appid", "mchid", "description", "out_trade_no", "notify_url", "amount.total", "time_expire"),
    "jsapi": ("appid", "mchid", "description", "out_trade_no", "notify_url", "amount.total", "payer.openid",
              "time_expire"),
    "h5": ("appid", "mchid", "description", "out_trade_no", "notify_url", "amount.total", "time_expire",
           "scene_info.payer_client_ip", "scene_info.h5_info.type"),
    "refund": ("out_refund_no", "amount.refund", "amount.total", "amount.currency", "notify_url"),
    "close": ("mchid",),
}
ALIPAY_REQUIRED = {
    "alipay.trade.precreate": ("out_trade_no", "total_amount", "subject", "time_expire"),
    "alipay.trade.wap.pay": ("out_trade_no", "total_amount", "subject", "product_code", "time_expire"),
    "alipay.trade.page.pay": ("out_trade_no", "total_amount", "subject", "product_code", "time_expire"),
    "alipay.trade.query": ("out_trade_no",),
    "alipay.trade.close": ("out_trade_no",),
    "alipay.trade.refund": ("refund_amount", "out_request_no"),
    "alipay.trade.fastpay.refund.query": ("out_request_no",),
    "alipay.data.dataservice.bill.downloadurl.query": ("bill_type", "bill_date"),
}
ALIPAY_COMMON = ("app_id", "method", "charset", "sign_type", "timestamp", "version", "biz_content", "sign")


def _verify(public_pem: str, message: str, signature_b64: str) -> bool:
    key = serialization.load_pem_public_key(public_pem.encode())
    assert isinstance(key, rsa.RSAPublicKey)
    try:
        key.verify(base64.b64decode(signature_b64), message.encode(), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True


def _dig(data: dict[str, Any], dotted: str) -> Any:
    value: Any = data
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def missing_fields(data: dict[str, Any], required: tuple[str, ...]) -> list[str]:
    return [name for name in required if _dig(data, name) in (None, "")]


def verify_alipay_request(params: dict[str, str]) -> bool:
    """Alipay's request rule: every parameter but `sign`, sorted, k=v joined by '&', RSA2 by the app key."""
    content = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k != "sign")
    return _verify(rsa_pair("alipay-app")[1], content, params.get("sign", ""))


@dataclass
class Recorded:
    provider: str  # "wechat" | "alipay"
    api: str  # "native", "jsapi", "h5", "query", "close", "refund", "refund_query", "bill" ... or Alipay's method
    method: str
    path: str
    body: dict[str, Any]
    signature_ok: bool
    missing: list[str]
    headers: dict[str, str] = field(default_factory=dict)


class FakeProviders:
    """The server's state: what the providers know (trades, refunds, bills) and every request they got."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.wechat_trades: dict[str, dict[str, Any]] = {}  # out_trade_no -> {"state", "total", "txn"}
        self.wechat_refunds: dict[str, str] = {}  # out_refund_no -> status the refund API/query answers
        self.wechat_refund_answer = "PROCESSING"
        self.wechat_close_answer = 204
        self.wechat_bill = ""
        self.wechat_certificates: list[str] = ["wechat-platform"]  # key labels of the platform certificates listed
        self.alipay_trades: dict[str, dict[str, Any]] = {}
        self.alipay_refund_fund_change = "N"
        self.alipay_refunds: dict[str, str] = {}  # out_request_no -> refund_status ("" = processing)
        self.alipay_bill: bytes = b""
        self.answer_serial = WECHAT_PUBKEY_ID  # a certificate serial in certificate mode (see platform_certificate)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeProviders:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def of(self, api: str) -> list[Recorded]:
        return [r for r in self.requests if r.api == api]

    # -- WeChat Pay v3 --------------------------------------------------------------------------------------------
    def wechat(self, handler: BaseHTTPRequestHandler, method: str, body_text: str) -> tuple[int, Any]:
        path = handler.path
        auth = handler.headers.get("Authorization", "")
        match = AUTH_RE.match(auth)
        fields = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1))) if match else {}
        signed = f"{method}\n{path}\n{fields.get('timestamp', '')}\n{fields.get('nonce_str', '')}\n{body_text}\n"
        ok = (bool(match) and fields.get("mchid") == "1900000109" and fields.get("serial_no") == "444F4864EA9B34415"
              and fields.get("timestamp", "").isdigit() and abs(time.time() - int(fields["timestamp"])) < 300
              and _verify(rsa_pair("wechat-merchant")[1], signed, fields.get("signature", "")))
        body = json.loads(body_text) if body_text else {}
        route = urlsplit(path).path
        api, answer = self._wechat_route(method, route, path, body)
        required = WECHAT_REQUIRED.get(api, ())
        missing = missing_fields(body, required)
        self.requests.append(Recorded("wechat", api, method, path, body, ok, missing, dict(handler.headers)))
        if not ok:
            return 401, {"code": "SIGN_ERROR", "message": "签名错误"}
        if missing:
            return 400, {"code": "PARAM_ERROR", "message": f"缺少参数 {missing}"}
        return answer

    def _wechat_route(self, method: str, route: str, path: str, body: dict[str, Any]) -> tuple[str, tuple[int, Any]]:
        kinds = {"/v3/pay/transactions/native": "native", "/v3/pay/transactions/jsapi": "jsapi",
                 "/v3/pay/transactions/h5": "h5"}
        if method == "POST" and route in kinds:
            kind = kinds[route]
            no = body.get("out_trade_no", "")
            self.wechat_trades.setdefault(no, {"state": "NOTPAY", "total": _dig(body, "amount.total"),
                                               "txn": "42000" + uuid.uuid4().hex[:23]})
            answer = {"native": {"code_url": f"weixin://wxpay/bizpayurl?pr={no}"},
                      "h5": {"h5_url": f"https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx{no}"},
                      "jsapi": {"prepay_id": f"wx{no}"}}[kind]
            return kind, (200, answer)
        close = re.fullmatch(r"/v3/pay/transactions/out-trade-no/([^/]+)/close", route)
        if method == "POST" and close:
            trade = self.wechat_trades.get(close.group(1))
            if trade and trade["state"] == "SUCCESS":
                return "close", (400, {"code": "ORDER_PAID", "message": "订单已支付"})
            if trade:
                trade["state"] = "CLOSED"
            return "close", (self.wechat_close_answer, None)
        query = re.fullmatch(r"/v3/pay/transactions/out-trade-no/([^/]+)", route)
        if method == "GET" and query:
            no = query.group(1)
            trade = self.wechat_trades.get(no)
            if trade is None:
                return "query", (404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"})
            return "query", (200, {"appid": "wxd678efh567hg6787", "mchid": "1900000109", "out_trade_no": no,
                                   "transaction_id": trade["txn"], "trade_type": "NATIVE",
                                   "trade_state": trade["state"], "trade_state_desc": "",
                                   "amount": {"total": trade["total"], "currency": "CNY"}})
        if method == "POST" and route == "/v3/refund/domestic/refunds":
            no = body.get("out_refund_no", "")
            self.wechat_refunds[no] = self.wechat_refund_answer
            return "refund", (200, {"refund_id": "50000" + uuid.uuid4().hex[:20], "out_refund_no": no,
                                    "status": self.wechat_refund_answer, "amount": body.get("amount")})
        refund_query = re.fullmatch(r"/v3/refund/domestic/refunds/([^/]+)", route)
        if method == "GET" and refund_query:
            no = refund_query.group(1)
            if no not in self.wechat_refunds:
                return "refund_query", (404, {"code": "RESOURCE_NOT_EXISTS", "message": "退款单不存在"})
            return "refund_query", (200, {"refund_id": "50000111", "out_refund_no": no,
                                          "status": self.wechat_refunds[no]})
        if method == "GET" and route == "/v3/certificates":
            return "certificates", (200, {"data": [encrypted_certificate(label) for label in self.wechat_certificates]})
        if method == "GET" and route == "/v3/bill/tradebill":
            raw = self.wechat_bill.encode()
            return "bill", (200, {"hash_type": "SHA1", "hash_value": hashlib.sha1(raw).hexdigest(),
                                  "download_url": f"{self.base}/v3/billdownload/file?token=t1"})
        if method == "GET" and route == "/v3/billdownload/file":
            return "bill_download", (200, gzip.compress(self.wechat_bill.encode()))
        return "unknown", (404, {"code": "NOT_FOUND", "message": path})

    def wechat_answer(self, handler: BaseHTTPRequestHandler, status: int, data: Any) -> None:
        if isinstance(data, bytes):  # a bill file: not JSON, not signed
            handler.send_response(status)
            handler.send_header("Content-Type", "application/octet-stream")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
            return
        text = "" if data is None else json.dumps(data, ensure_ascii=False)
        ts, nonce = str(int(time.time())), uuid.uuid4().hex
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Wechatpay-Timestamp", ts)
        handler.send_header("Wechatpay-Nonce", nonce)
        handler.send_header("Wechatpay-Serial", self.answer_serial)
        handler.send_header("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048")
        handler.send_header("Wechatpay-Signature",
                            rsa_sha256_sign(rsa_pair("wechat-platform")[0], f"{ts}\n{nonce}\n{text}\n"))
        raw = text.encode()
        handler.send_header("Content-Length", str(len(raw)))
        handler.end_headers()
        handler.wfile.write(raw)

    # -- Alipay ---------------------------------------------------------------------------------------------------
    def alipay(self, handler: BaseHTTPRequestHandler) -> None:
        split = urlsplit(handler.path)
        if split.path == "/bill.zip":
            self.requests.append(Recorded("alipay", "bill_download", "GET", handler.path, {}, True, []))
            handler.send_response(200)
            handler.send_header("Content-Type", "application/zip")
            handler.send_header("Content-Length", str(len(self.alipay_bill)))
            handler.end_headers()
            handler.wfile.write(self.alipay_bill)
            return
        params = dict(parse_qsl(split.query, keep_blank_values=True))
        ok = verify_alipay_request(params)
        api = params.get("method", "")
        biz = json.loads(params.get("biz_content") or "{}")
        missing = [k for k in ALIPAY_COMMON if not params.get(k)] + missing_fields(biz, ALIPAY_REQUIRED.get(api, ()))
        self.requests.append(Recorded("alipay", api, "GET", handler.path, {**params, "biz": biz}, ok, missing))
        if not ok:
            inner: dict[str, Any] = {"code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-signature"}
        elif missing:
            inner = {"code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.missing-parameter"}
        else:
            inner = self._alipay_answer(api, biz)
        text = json.dumps(inner, ensure_ascii=False, separators=(",", ":"))
        body = ('{"' + api.replace(".", "_") + '_response":' + text + ',"sign":"'
                + rsa_sha256_sign(rsa_pair("alipay-platform")[0], text) + '"}').encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json;charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _alipay_answer(self, api: str, biz: dict[str, Any]) -> dict[str, Any]:
        ok = {"code": "10000", "msg": "Success"}
        no = str(biz.get("out_trade_no") or "")
        if api == "alipay.trade.precreate":
            self.alipay_trades.setdefault(no, {"status": "WAIT_BUYER_PAY", "total": biz["total_amount"],
                                               "trade_no": "2026" + uuid.uuid4().hex[:24]})
            return {**ok, "out_trade_no": no, "qr_code": f"https://qr.alipay.com/bax{no}"}
        if api == "alipay.trade.query":
            trade = self.alipay_trades.get(no)
            if trade is None:
                return {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_NOT_EXIST"}
            return {**ok, "out_trade_no": no, "trade_no": trade["trade_no"], "trade_status": trade["status"],
                    "total_amount": trade["total"]}
        if api == "alipay.trade.close":
            trade = self.alipay_trades.get(no)
            if trade is None:
                return {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_NOT_EXIST"}
            if trade["status"] == "TRADE_SUCCESS":
                return {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_STATUS_ERROR"}
            trade["status"] = "TRADE_CLOSED"
            return {**ok, "out_trade_no": no}
        if api == "alipay.trade.refund":
            self.alipay_refunds.setdefault(biz["out_request_no"], "")
            return {**ok, "out_trade_no": no, "trade_no": "2026112522001", "fund_change":
                    self.alipay_refund_fund_change, "refund_fee": biz["refund_amount"]}
        if api == "alipay.trade.fastpay.refund.query":
            request_no = biz["out_request_no"]
            if request_no not in self.alipay_refunds:
                return {**ok}
            answer = {**ok, "out_trade_no": no, "out_request_no": request_no, "trade_no": "2026112522001"}
            if self.alipay_refunds[request_no]:
                answer["refund_status"] = self.alipay_refunds[request_no]
            return answer
        if api == "alipay.data.dataservice.bill.downloadurl.query":
            return {**ok, "bill_download_url": f"{self.base}/bill.zip"}
        return {"code": "40004", "msg": "Business Failed", "sub_code": "unknown-method"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                if self.path.startswith(("/gateway.do", "/bill.zip")):
                    fake.alipay(self)
                    return
                status, data = fake.wechat(self, method, body)
                fake.wechat_answer(self, status, data)

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                self._serve("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._serve("POST")

        return Handler


def alipay_bill_zip(rows: list[tuple[str, str, str, str, str]]) -> bytes:
    """An Alipay trade bill zip: (支付宝交易号, 商户订单号, 业务类型, 订单金额（元）, 退款批次号/请求号) per row, GBK."""
    columns = ("支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,"
               "订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,"
               "券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注")
    lines = ["#支付宝业务明细查询", "#账号：[20880000000000000156]", columns]
    for txn, no, kind, amount, request_no in rows:
        lines.append(",".join([txn, no, kind, "圈子订单", "2026-11-29 10:00:00", "2026-11-29 10:00:05", "", "", "",
                               "", "buyer@example.com", amount, amount, "0.00", "0.00", "0.00", "0.00", "0.00", "",
                               "0.00", "0.00", request_no, "0.00", "0.00", ""]))
    lines.append("#-----------------------------------------业务明细列表结束------------------------------------")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("20880000000000000156_20261129_业务明细.csv", "\n".join(lines).encode("gbk"))
        archive.writestr("20880000000000000156_20261129_业务明细(汇总).csv", "#汇总\n交易笔数,1\n".encode("gbk"))
    return out.getvalue()


def wechat_bill(rows: list[tuple[str, str, str, str, str, str, str]]) -> str:
    """A WeChat trade bill: (微信订单号, 商户订单号, 交易状态, 订单金额, 微信退款单号, 商户退款单号, 申请退款金额)."""
    header = ("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,"
              "应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,"
              "手续费,费率,订单金额,申请退款金额,费率备注")
    lines = [header]
    for txn, no, state, amount, refund_id, refund_no, refund_amount in rows:
        values = ["2026-11-29 10:00:05", "wxd678efh567hg6787", "1900000109", "0", "", txn, no, "oUpF8u", "NATIVE",
                  state, "CMC", "CNY", amount, "0.00", refund_id, refund_no, refund_amount, "0.00",
                  "ORIGINAL" if refund_no else "", "SUCCESS" if refund_no else "", "圈子订单", "", "0.06", "0.60%",
                  amount, refund_amount, ""]
        lines.append(",".join("`" + v for v in values))
    lines.append("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额")
    lines.append("`1,`0.00,`0.00,`0.00,`0.00,`0.00,`0.00")
    return "\n".join(lines) + "\n"


def platform_certificate(label: str) -> tuple[str, str]:
    """(serial, PEM) of a self-signed WeChat Pay platform certificate for the key pair `label`, valid a year."""
    import datetime as dt

    from cryptography import x509
    from cryptography.x509.oid import NameOID

    private = serialization.load_pem_private_key(rsa_pair(label)[0].encode(), password=None)
    assert isinstance(private, rsa.RSAPrivateKey)
    serial = int(hashlib.sha256(label.encode()).hexdigest()[:16], 16)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tenpay.com Root CA")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(private.public_key())
            .serial_number(serial).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365)).sign(private, hashes.SHA256()))
    return f"{serial:X}", cert.public_bytes(serialization.Encoding.PEM).decode()


def encrypted_certificate(label: str) -> dict[str, Any]:
    """One entry of GET /v3/certificates: the certificate encrypted under the merchant's APIv3 key."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from quanzi.payments.tests.helpers import APIV3_KEY

    serial, pem = platform_certificate(label)
    nonce = uuid.uuid4().hex[:12]
    ciphertext = AESGCM(APIV3_KEY.encode()).encrypt(nonce.encode(), pem.encode(), b"certificate")
    return {"serial_no": serial, "effective_time": "2026-01-01T00:00:00+08:00",
            "expire_time": "2031-01-01T00:00:00+08:00",
            "encrypt_certificate": {"algorithm": "AEAD_AES_256_GCM", "nonce": nonce, "associated_data": "certificate",
                                    "ciphertext": base64.b64encode(ciphertext).decode()}}
