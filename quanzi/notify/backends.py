"""The external channels a notice goes out on: WeChat subscribe messages (订阅消息), SMS and email.

A backend is any class with `send(self, out: Outgoing) -> None`, named per channel by the setting
`QUANZI_NOTIFY["BACKENDS"]` (`{"wechat": dotted path, "sms": ..., "email": ...}`); each defaults to the console
backend, which logs the notice and keeps it in `OUTBOX` (development, tests, the demo). `send` raises on a
failure: `Undeliverable` when trying again cannot help (no template configured, the member refused the
subscription), anything else is retried by the job (`notify.jobs.delivery_send_task`).

Adapters shipped here (point the setting at them):

- `EmailBackend`: Django's email (`EMAIL_BACKEND`, `EMAIL_HOST` …, `DEFAULT_FROM_EMAIL`): a subject and the text
  with its link.
- `SmsBackend`: the project's one SMS channel (`quanzi.core.sms`, `QUANZI_SMS_BACKEND`: Aliyun / Tencent Cloud
  adapters are described there), template `notice` with the parameter `text`. Providers only send approved
  templates: register one such as 「圈子：${text}」 and map `notice` to its id in the SMS adapter.
- `WechatSubscribeBackend`: the mini program's subscribe message API
  (`POST {API_BASE}/cgi-bin/message/subscribe/send`), with the app and secret of WeChat login
  (`QUANZI_WXLOGIN["MINI_APPID"/"MINI_SECRET"]`, `wxlogin.conf`) and the member's openid under that app. The
  template per group of kinds comes from `QUANZI_NOTIFY["WECHAT_TEMPLATES"]` (`{"trade": "<template id>", ...}`,
  chosen in the mini program's 订阅消息 console, with the keys `thing1` (the text, 20 characters) and `time2`);
  the access token (`GET /cgi-bin/token?grant_type=client_credential`) is cached until shortly before it expires.
  A 公众号 template message (模板消息) adapter would differ only in the URL (`/cgi-bin/message/template/send`) and
  the openid's app.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

import requests
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.module_loading import import_string

from quanzi.core import sms
from quanzi.wxlogin import conf as wx_conf

log = logging.getLogger(__name__)


class Undeliverable(Exception):
    """Sending cannot succeed by trying again (no address, no template, the member refused): not retried."""


@dataclass(frozen=True)
class Outgoing:
    delivery_id: int
    channel: str
    kind: str
    group: str
    address: str  # phone, email address or openid
    text: str  # in the site's language
    url: str  # absolute when QUANZI_NOTIFY["SITE_URL"] is set
    params: dict[str, Any] = field(default_factory=dict)


class ChannelBackend(Protocol):
    def send(self, out: Outgoing) -> None: ...


OUTBOX: list[Outgoing] = []  # what the console backend "sent", newest last


class ConsoleBackend:
    """Logs the notice instead of sending it (development, tests, the demo)."""

    def send(self, out: Outgoing) -> None:
        OUTBOX.append(out)
        del OUTBOX[:-200]
        log.info("notice on %s to %s: %s %s", out.channel, out.address, out.text, out.url)


class EmailBackend:
    def send(self, out: Outgoing) -> None:
        from django.utils.translation import gettext as _

        body = f"{out.text}\n\n{out.url}" if out.url else out.text
        send_mail(subject=_("圈子通知"), message=body, from_email=None, recipient_list=[out.address])


class SmsBackend:
    def send(self, out: Outgoing) -> None:
        sms.backend().send(phone=out.address, text=out.text, template="notice", params={"text": out.text[:60]})


class WechatSubscribeBackend:
    TOKEN_CACHE_KEY = "notify:wx-access-token:{appid}"

    def __init__(self) -> None:
        app = wx_conf.mini_app()
        if app is None or app.sandbox:
            raise Undeliverable("the mini program is not configured (QUANZI_WXLOGIN MINI_APPID / MINI_SECRET)")
        self.app = app
        login = wx_conf.login_settings()
        self.api_base = str(login["API_BASE"]).rstrip("/")
        self.timeout = float(login["TIMEOUT"])

    def _token(self) -> str:
        key = self.TOKEN_CACHE_KEY.format(appid=self.app.appid)
        token = cache.get(key)
        if token:
            return str(token)
        answer = requests.get(f"{self.api_base}/cgi-bin/token", timeout=self.timeout, params={
            "grant_type": "client_credential", "appid": self.app.appid, "secret": self.app.secret}).json()
        if not answer.get("access_token"):
            raise RuntimeError(f"WeChat access token: {answer.get('errcode')} {answer.get('errmsg')}")
        cache.set(key, answer["access_token"], max(60, int(answer.get("expires_in", 7200)) - 300))
        return str(answer["access_token"])

    def send(self, out: Outgoing) -> None:
        template = (notify_settings().get("WECHAT_TEMPLATES") or {}).get(out.group)
        if not template:
            raise Undeliverable(f"no WeChat subscribe template for {out.group}")
        body = {
            "touser": out.address, "template_id": template, "page": out.url or "/",
            "data": {"thing1": {"value": out.text[:20]},
                     "time2": {"value": timezone.localtime().strftime("%Y-%m-%d %H:%M")}},
        }
        answer = requests.post(f"{self.api_base}/cgi-bin/message/subscribe/send", params={
            "access_token": self._token()}, json=body, timeout=self.timeout).json()
        code = int(answer.get("errcode", -1))
        if code == 0:
            return
        if code in (40001, 42001):  # the token was revoked or expired early: fetch a new one next time
            cache.delete(self.TOKEN_CACHE_KEY.format(appid=self.app.appid))
        if code == 43101:  # the member has not subscribed (or used up their one-time subscription)
            raise Undeliverable("the member has not subscribed to this message")
        raise RuntimeError(f"WeChat subscribe message: {code} {answer.get('errmsg')}")


def notify_settings() -> dict[str, Any]:
    return dict(getattr(settings, "QUANZI_NOTIFY", None) or {})


def backend(channel: str) -> ChannelBackend:
    path = (notify_settings().get("BACKENDS") or {}).get(channel) or "quanzi.notify.backends.ConsoleBackend"
    return import_string(path)()  # type: ignore[no-any-return]
