"""`manage.py check`: for each enabled gateway, what its configuration is missing (payments/env.py names the
environment variables), and, with DEBUG off, the public address the providers' notifications go to."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from quanzi.payments.conf import payment_settings, pem_key
from quanzi.payments.env import ALIPAY_VARS, WECHAT_VARS, public_base_url_problem


def _loads(pem: str, *, private: bool) -> bool:
    from cryptography.hazmat.primitives import serialization

    try:
        text = pem_key(pem, private=private).encode()
        if private:
            serialization.load_pem_private_key(text, password=None)
        else:
            serialization.load_pem_public_key(text)
    except (ValueError, TypeError):
        return False
    return True


def wechat_problems(c: dict[str, Any]) -> list[str]:
    out = [f"{WECHAT_VARS[k]} is not set" for k in ("MCHID", "APPID", "PRIVATE_KEY", "CERT_SERIAL_NO", "APIV3_KEY")
           if not c.get(k)]
    if c.get("PRIVATE_KEY") and not _loads(str(c["PRIVATE_KEY"]), private=True):
        out.append("WECHATPAY_PRIVATE_KEY is not a readable RSA private key (apiclient_key.pem)")
    if c.get("APIV3_KEY") and len(str(c["APIV3_KEY"]).encode()) != 32:
        out.append("WECHATPAY_APIV3_KEY must be the 32-character APIv3 key")
    if bool(c.get("PUBLIC_KEY")) != bool(c.get("PUBLIC_KEY_ID")):
        out.append("WECHATPAY_PUBLIC_KEY and WECHATPAY_PUBLIC_KEY_ID go together (微信支付公钥 mode)")
    elif c.get("PUBLIC_KEY") and not _loads(str(c["PUBLIC_KEY"]), private=False):
        out.append("WECHATPAY_PUBLIC_KEY is not a readable public key")
    return out


def alipay_problems(c: dict[str, Any]) -> list[str]:
    out = [f"{ALIPAY_VARS[k]} is not set" for k in ("APPID", "APP_PRIVATE_KEY", "ALIPAY_PUBLIC_KEY") if not c.get(k)]
    if c.get("APP_PRIVATE_KEY") and not _loads(str(c["APP_PRIVATE_KEY"]), private=True):
        out.append("ALIPAY_APP_PRIVATE_KEY is not a readable RSA private key (PEM or the console's base64)")
    if c.get("ALIPAY_PUBLIC_KEY") and not _loads(str(c["ALIPAY_PUBLIC_KEY"]), private=False):
        out.append("ALIPAY_PUBLIC_KEY is not a readable public key (the Alipay public key, not the app's)")
    return out


@register("quanzi")
def payments_configuration(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    conf = payment_settings()
    messages: list[CheckMessage] = []
    for name, block, problems in (("WeChat Pay", conf.get("WECHAT"), wechat_problems),
                                  ("Alipay", conf.get("ALIPAY"), alipay_problems)):
        if not block:
            continue
        for problem in problems(dict(block)):
            messages.append(Error(f"{name}: {problem}", id="payments.E001",
                                  hint="See README.md, 'Going live with WeChat Pay and Alipay'."))
    if not settings.DEBUG and not getattr(settings, "TESTING", False):
        problem = public_base_url_problem(conf)
        if problem:
            messages.append(Error(problem, id="payments.E002"))
    return messages
