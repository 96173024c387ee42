"""WeChat login settings, read from `settings.QUANZI_WXLOGIN` (filled from the environment in settings.py).

QUANZI_WXLOGIN = {
    "APPID": "", "SECRET": "",            # 公众号 (WECHAT_LOGIN_APPID / WECHAT_LOGIN_SECRET): OAuth 网页授权
    "MINI_APPID": "", "MINI_SECRET": "",  # 小程序 (WECHAT_MINI_APPID / WECHAT_MINI_SECRET): jscode2session
    "API_BASE": "https://api.weixin.qq.com",
    "AUTHORIZE_URL": "https://open.weixin.qq.com/connect/oauth2/authorize",
    "STATE_MAX_AGE": 600,                 # seconds an OAuth `state` stays usable (one use)
    "PENDING_MAX_AGE": 1800,              # seconds a visitor has to choose "create an account" or "log in"
    "TIMEOUT": 5,                         # seconds for each call to WeChat
}
settings.QUANZI_WXLOGIN_SANDBOX (env QUANZI_WXLOGIN_SANDBOX, default DEBUG or tests): the sandbox identity provider
(a local page plays WeChat's authorize screen). It lets anyone be any sandbox openid, so settings.py refuses it
with DEBUG=0, like the payments sandbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

SANDBOX_APPID = "wx_sandbox_app"  # the sandbox 公众号: payments' sandbox JSAPI kind reads the openid under it
SANDBOX_MINI_APPID = "wx_sandbox_mini"  # the sandbox mini program (same sandbox unionid as the 公众号)
# The version of the consent texts shown before an account is made from a WeChat identity (templates
# wxlogin/_consent.html); a new text needs a new version so each record says what the member agreed to.
CONSENT_VERSION = "wx-2026-11"

KIND_OA = "oa"  # 公众号 (in WeChat's browser)
KIND_MINI = "mini"


@dataclass(frozen=True)
class WxApp:
    appid: str
    secret: str
    kind: str  # KIND_OA | KIND_MINI
    sandbox: bool = False


def login_settings() -> dict[str, Any]:
    conf: dict[str, Any] = {
        "APPID": "", "SECRET": "", "MINI_APPID": "", "MINI_SECRET": "",
        "API_BASE": "https://api.weixin.qq.com",
        "AUTHORIZE_URL": "https://open.weixin.qq.com/connect/oauth2/authorize",
        "STATE_MAX_AGE": 600,
        "PENDING_MAX_AGE": 1800,
        "TIMEOUT": 5,
    }
    conf.update(getattr(settings, "QUANZI_WXLOGIN", None) or {})
    return conf


def sandbox_enabled() -> bool:
    return bool(getattr(settings, "QUANZI_WXLOGIN_SANDBOX", False))


def web_app() -> WxApp | None:
    """The 公众号 of OAuth login: the configured one, else the sandbox one when the sandbox is on, else None."""
    conf = login_settings()
    if conf["APPID"] and conf["SECRET"]:
        return WxApp(str(conf["APPID"]), str(conf["SECRET"]), KIND_OA)
    if sandbox_enabled():
        return WxApp(SANDBOX_APPID, "", KIND_OA, sandbox=True)
    return None


def mini_app() -> WxApp | None:
    conf = login_settings()
    if conf["MINI_APPID"] and conf["MINI_SECRET"]:
        return WxApp(str(conf["MINI_APPID"]), str(conf["MINI_SECRET"]), KIND_MINI)
    if sandbox_enabled():
        return WxApp(SANDBOX_MINI_APPID, "", KIND_MINI, sandbox=True)
    return None


def app_for(appid: str) -> WxApp | None:
    for app in (web_app(), mini_app()):
        if app is not None and app.appid == appid:
            return app
    return None
