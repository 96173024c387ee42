"""WeChat login reads. `openid_for` and `login_url` are what payments uses for JSAPI / Mini Program payment."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import QuerySet

from quanzi.wxlogin import conf
from quanzi.wxlogin.models import WechatIdentity


def openid_for(*, user_id: int, appid: str) -> str | None:
    """The openid of the user's bound WeChat identity under `appid` (the 公众号 appid for JSAPI, the mini-program
    appid for Mini Program pay), or None."""
    return (WechatIdentity.objects.filter(user_id=user_id, appid=appid, unbound_at__isnull=True)
            .values_list("openid", flat=True).first())


def login_url(*, next_url: str) -> str:
    """Where to send a buyer in WeChat's browser to bind WeChat (silent snsapi_base), coming back to `next_url`;
    "" when WeChat login is not configured (and the sandbox is off)."""
    if conf.web_app() is None:
        return ""
    return "/wx/login/?" + urlencode({"next": next_url or "/", "scope": "snsapi_base"})


def identity_bound(*, appid: str, openid: str) -> WechatIdentity | None:
    return (WechatIdentity.objects.select_related("user")
            .filter(appid=appid, openid=openid, unbound_at__isnull=True).first())


def identities_of(*, user_id: int) -> QuerySet[WechatIdentity]:
    return WechatIdentity.objects.filter(user_id=user_id, unbound_at__isnull=True).order_by("bound_at")


def web_login_available() -> bool:
    return conf.web_app() is not None
