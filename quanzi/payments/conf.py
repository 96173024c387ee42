"""Payment settings, read from `settings.QUANZI_PAYMENTS` with safe defaults.

QUANZI_PAYMENTS = {
    "SANDBOX_SECRET": "...",          # HMAC key of sandbox callbacks (default: derived from SECRET_KEY)
    "SANDBOX_REFUND_FAIL": False,      # make sandbox refunds fail (to exercise the failure path)
    "CALLBACK_MAX_AGE": 300,           # seconds a signed notification stays acceptable
    "PUBLIC_BASE_URL": "http://127.0.0.1:8000",
    "WECHAT": {"MCHID", "APPID", "PRIVATE_KEY", "CERT_SERIAL_NO", "APIV3_KEY", "PUBLIC_KEY", "PUBLIC_KEY_ID"},
    "ALIPAY": {"APPID", "APP_PRIVATE_KEY", "ALIPAY_PUBLIC_KEY", "SANDBOX_ENV": False},
}
WeChat Pay and Alipay are offered only when their block is configured.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings


def payment_settings() -> dict[str, Any]:
    conf: dict[str, Any] = {
        "SANDBOX_SECRET": hmac.new(settings.SECRET_KEY.encode(), b"quanzi-sandbox-callback",
                                   hashlib.sha256).hexdigest(),
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
