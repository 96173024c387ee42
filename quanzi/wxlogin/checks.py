"""`manage.py check`: what is missing for WeChat login (docs/notes/wxlogin.md)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, Warning

from quanzi.wxlogin import conf


def check_wxlogin(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    found: list[CheckMessage] = []
    settings_ = conf.login_settings()
    for label, appid_key, secret_key, env in (("公众号", "APPID", "SECRET", "WECHAT_LOGIN"),
                                              ("mini program", "MINI_APPID", "MINI_SECRET", "WECHAT_MINI")):
        has_id, has_secret = bool(settings_[appid_key]), bool(settings_[secret_key])
        if has_id != has_secret:
            missing = f"{env}_SECRET" if has_id else f"{env}_APPID"
            found.append(Error(f"WeChat login ({label}) is half configured: {missing} is not set.",
                               hint="Set both the AppID and the AppSecret, or neither (docs/notes/wxlogin.md).",
                               id="wxlogin.E001"))
        elif has_id and not str(settings_[appid_key]).startswith("wx"):
            found.append(Warning(f"{env}_APPID does not look like a WeChat AppID (they start with 'wx').",
                                 id="wxlogin.W001"))
    if not str(settings_["API_BASE"]).startswith("https://") and not conf.sandbox_enabled():
        found.append(Error("QUANZI_WXLOGIN['API_BASE'] must be https:// outside the sandbox.", id="wxlogin.E002"))
    return found
