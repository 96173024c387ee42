"""Payment settings, read from `settings.QUANZI_PAYMENTS` with safe defaults.

Two settings of their own, because they decide whether money must move for an order to be paid:
settings.QUANZI_SANDBOX_PAYMENTS (bool; env QUANZI_PAYMENTS_SANDBOX) and settings.QUANZI_SANDBOX_SECRET (the HMAC
key of sandbox callbacks; env QUANZI_SANDBOX_SECRET, never derived from SECRET_KEY). See settings.py.

QUANZI_PAYMENTS = {
    "SANDBOX_REFUND_FAIL": False,      # make sandbox refunds fail (to exercise the failure path)
    "CALLBACK_MAX_AGE": 300,           # seconds a signed notification stays acceptable
    "PUBLIC_BASE_URL": "http://127.0.0.1:8000",
    "WECHAT": {"MCHID", "APPID", "PRIVATE_KEY", "CERT_SERIAL_NO", "APIV3_KEY", "PUBLIC_KEY", "PUBLIC_KEY_ID"},
    "ALIPAY": {"APPID", "APP_PRIVATE_KEY", "ALIPAY_PUBLIC_KEY", "SANDBOX_ENV": False},
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
        "PUBLIC_BASE_URL": "http://127.0.0.1:8000",
        "WECHAT": None,
        "ALIPAY": None,
    }
    conf.update(getattr(settings, "QUANZI_PAYMENTS", None) or {})
    return conf


def notify_url(gateway: str) -> str:
    return f"{str(payment_settings()['PUBLIC_BASE_URL']).rstrip('/')}/api/v1/payments/callback/{gateway}"
