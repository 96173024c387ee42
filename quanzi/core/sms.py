"""The SMS channel: how a text reaches a phone (privacy's one-time codes, notify's notices). It lives in core so
any app can send through the one configured backend; `quanzi.privacy.sms` re-exports it.

A backend is any class with `send(self, *, phone: str, text: str, template: str, params: dict[str, str])`,
named by the setting `QUANZI_SMS_BACKEND` (dotted path; default: the console backend below, which logs the
message and keeps it in `OUTBOX` for tests and the demo). It raises on failure; the caller's code row is rolled
back with its transaction, so a failed send costs the member nothing but a retry.

Writing an adapter for a real provider (not shipped: each needs an account, a signed sender name 签名 and an
approved template 模板 before it can send anything):

- Aliyun SMS (阿里云短信, `alibabacloud_dysmsapi20170525`): `SendSms` with `PhoneNumbers=phone`,
  `SignName=<your sign>`, `TemplateCode=<SMS_xxx for template>`, `TemplateParam=json.dumps(params)`; raise unless
  the answer's `Code == "OK"`.
- Tencent Cloud SMS (腾讯云短信, `tencentcloud-sdk-python` sms v20210111): `SendSms` with
  `PhoneNumberSet=["+86" + phone]`, `SmsSdkAppId`, `SignName`, `TemplateId`, `TemplateParamSet=list(params.values())`;
  raise unless each `SendStatusSet[i].Code == "Ok"`.

Read their keys from the environment in the adapter's `__init__`, map our `template` names ("otp", "notice") to the
provider's template ids there, and point `QUANZI_SMS_BACKEND` at the class.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(self, *, phone: str, text: str, template: str, params: dict[str, str]) -> None: ...


@dataclass(frozen=True)
class SentSms:
    phone: str
    text: str
    template: str
    params: dict[str, str]


OUTBOX: list[SentSms] = []  # what the console backend "sent", newest last (tests read the code from here)


class ConsoleSmsBackend:
    """Writes the message to the log instead of a phone (development, tests, the demo)."""

    def send(self, *, phone: str, text: str, template: str, params: dict[str, str]) -> None:
        OUTBOX.append(SentSms(phone=phone, text=text, template=template, params=dict(params)))
        del OUTBOX[:-100]
        log.info("SMS to %s: %s", phone, text)


def backend() -> SmsBackend:
    path = getattr(settings, "QUANZI_SMS_BACKEND", "") or "quanzi.core.sms.ConsoleSmsBackend"
    return import_string(path)()  # type: ignore[no-any-return]
