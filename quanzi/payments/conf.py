"""Payment settings, read from `settings.QUANZI_PAYMENTS` (filled from the environment: payments/env.py) with safe
defaults.

Two settings of their own, because they decide whether money must move for an order to be paid:
settings.QUANZI_SANDBOX_PAYMENTS (bool; env QUANZI_PAYMENTS_SANDBOX) and settings.QUANZI_SANDBOX_SECRET (the HMAC
key of sandbox callbacks; env QUANZI_SANDBOX_SECRET, never derived from SECRET_KEY). See settings.py.

QUANZI_PAYMENTS = {
    "SANDBOX_REFUND_FAIL": False,      # make sandbox refunds fail (to exercise the failure path)
    "CALLBACK_MAX_AGE": 300,           # seconds a signed notification stays acceptable
    "PUBLIC_BASE_URL": "https://shop.example.com",   # required with DEBUG off; loopback default in the demo
    "WECHAT": {"MCHID", "APPID", "MINIPROGRAM_APPID", "PRIVATE_KEY", "CERT_SERIAL_NO", "APIV3_KEY",
               "PUBLIC_KEY", "PUBLIC_KEY_ID", "API_BASE"},   # no PUBLIC_KEY: platform-certificate mode
    "ALIPAY": {"APPID", "APP_PRIVATE_KEY", "ALIPAY_PUBLIC_KEY", "SELLER_ID", "SANDBOX_ENV": False, "API_BASE"},
}
Every gateway is offered only when configured: the sandbox when QUANZI_SANDBOX_PAYMENTS is on, WeChat Pay and
Alipay when their block is there.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings


def payment_settings() -> dict[str, Any]:
    conf: dict[str, Any] = {
        "SANDBOX": bool(getattr(settings, "QUANZI_SANDBOX_PAYMENTS", False)),
        "SANDBOX_SECRET": str(getattr(settings, "QUANZI_SANDBOX_SECRET", "") or ""),
        "SANDBOX_REFUND_FAIL": False,
        "CALLBACK_MAX_AGE": 300,
        # a loopback default only for the demo and the tests: production must set it (settings.py refuses)
        "PUBLIC_BASE_URL": "http://127.0.0.1:8000" if settings.DEBUG or getattr(settings, "TESTING", False) else "",
        "WECHAT": None,
        "ALIPAY": None,
    }
    conf.update(getattr(settings, "QUANZI_PAYMENTS", None) or {})
    return conf


def notify_url(gateway: str) -> str:
    return f"{str(payment_settings()['PUBLIC_BASE_URL']).rstrip('/')}/api/v1/payments/callback/{gateway}"


def refund_notify_url(gateway: str) -> str:
    """Refund notifications have a callback of their own (WeChat Pay sends REFUND.* there)."""
    return f"{str(payment_settings()['PUBLIC_BASE_URL']).rstrip('/')}/api/v1/payments/refund-callback/{gateway}"


def pem_key(text: str, *, private: bool) -> str:
    """A key as PEM: PEM is kept as it is; the bare base64 the Alipay console shows (PKCS#8 private key or
    SubjectPublicKeyInfo public key) is wrapped in its PEM armour."""
    text = (text or "").strip()
    if not text or text.startswith("-----BEGIN"):
        return text
    body = "".join(text.split())
    label = "PRIVATE KEY" if private else "PUBLIC KEY"
    lines = "\n".join(body[i:i + 64] for i in range(0, len(body), 64))
    return f"-----BEGIN {label}-----\n{lines}\n-----END {label}-----\n"
