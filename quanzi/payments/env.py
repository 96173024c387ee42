"""Payment credentials and URLs from the environment (read by settings.py; no Django here).

Each value comes from its variable, or from a file named by the same variable with `_FILE` appended (a mounted
secret: `WECHATPAY_PRIVATE_KEY_FILE=/run/secrets/apiclient_key.pem`), so keys need not sit in the environment.
A gateway is configured when its first variable is set (WECHATPAY_MCHID, ALIPAY_APPID); `manage.py check` then
says what else it is missing (payments/checks.py). Keys may be PEM or the bare base64 the consoles show.

    QUANZI_PUBLIC_BASE_URL        https://shop.example.com  (callbacks: <base>/api/v1/payments/callback/<gateway>)
    WECHATPAY_MCHID, WECHATPAY_APPID (公众号, JSAPI/H5/Native), WECHATPAY_MINIPROGRAM_APPID,
    WECHATPAY_PRIVATE_KEY[_FILE] (apiclient_key.pem), WECHATPAY_CERT_SERIAL_NO (the merchant certificate's serial),
    WECHATPAY_APIV3_KEY[_FILE], and either WECHATPAY_PUBLIC_KEY[_FILE] + WECHATPAY_PUBLIC_KEY_ID (微信支付公钥 mode)
    or neither (platform-certificate mode: certificates downloaded from /v3/certificates and rotated)
    ALIPAY_APPID, ALIPAY_APP_PRIVATE_KEY[_FILE], ALIPAY_PUBLIC_KEY[_FILE], ALIPAY_SELLER_ID, ALIPAY_SANDBOX_ENV=1
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

WECHAT_VARS = {"MCHID": "WECHATPAY_MCHID", "APPID": "WECHATPAY_APPID",
               "MINIPROGRAM_APPID": "WECHATPAY_MINIPROGRAM_APPID", "PRIVATE_KEY": "WECHATPAY_PRIVATE_KEY",
               "CERT_SERIAL_NO": "WECHATPAY_CERT_SERIAL_NO", "APIV3_KEY": "WECHATPAY_APIV3_KEY",
               "PUBLIC_KEY": "WECHATPAY_PUBLIC_KEY", "PUBLIC_KEY_ID": "WECHATPAY_PUBLIC_KEY_ID"}
ALIPAY_VARS = {"APPID": "ALIPAY_APPID", "APP_PRIVATE_KEY": "ALIPAY_APP_PRIVATE_KEY",
               "ALIPAY_PUBLIC_KEY": "ALIPAY_PUBLIC_KEY", "SELLER_ID": "ALIPAY_SELLER_ID"}
LOOPBACK = ("http://127.0.0.1", "http://localhost", "https://127.0.0.1", "https://localhost")


def value(environ: Mapping[str, str], name: str) -> str:
    """`name` from the environment, or the content of the file `name`_FILE points to."""
    direct = environ.get(name, "")
    if direct:
        return direct.strip()
    path = environ.get(f"{name}_FILE", "")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return ""


def _block(environ: Mapping[str, str], names: Mapping[str, str], first: str) -> dict[str, Any] | None:
    if not value(environ, names[first]):
        return None
    return {key: value(environ, var) for key, var in names.items()}


def payments_from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    """settings.QUANZI_PAYMENTS from the environment (only what is set, so payments/conf.py defaults apply)."""
    conf: dict[str, Any] = {}
    base = value(environ, "QUANZI_PUBLIC_BASE_URL")
    if base:
        conf["PUBLIC_BASE_URL"] = base
    wechat = _block(environ, WECHAT_VARS, "MCHID")
    if wechat is not None:
        conf["WECHAT"] = wechat
    alipay = _block(environ, ALIPAY_VARS, "APPID")
    if alipay is not None:
        alipay["SANDBOX_ENV"] = environ.get("ALIPAY_SANDBOX_ENV", "") in ("1", "true", "yes")
        conf["ALIPAY"] = alipay
    return conf


def public_base_url_problem(conf: Mapping[str, Any]) -> str:
    """With DEBUG off, a live gateway needs the public https address its notifications go to, set explicitly."""
    if not (conf.get("WECHAT") or conf.get("ALIPAY")):
        return ""
    base = str(conf.get("PUBLIC_BASE_URL") or "")
    if not base:
        return "QUANZI_PUBLIC_BASE_URL is not set (the providers send payment notifications there)"
    if not base.startswith("https://") or base.startswith(LOOPBACK):
        return f"QUANZI_PUBLIC_BASE_URL must be the site's public https address, not {base!r}"
    return ""
