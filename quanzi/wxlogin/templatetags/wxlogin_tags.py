"""`{% wechat_login_button next %}`: the "微信登录" button of the login page, shown inside WeChat's browser when a
公众号 is configured, or always while the sandbox plays WeChat (the demo and the tests)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from quanzi.wxlogin import conf

register = template.Library()


def in_wechat(user_agent: str) -> bool:
    """WeChat's in-app browser says so in its user agent (mini programs' web-views too)."""
    return "MicroMessenger" in (user_agent or "")


@register.simple_tag(takes_context=True)
def wechat_login_button(context: Any, next_url: str = "/") -> SafeString:
    request = context.get("request")
    app = conf.web_app()
    if request is None or app is None:
        return SafeString("")
    if not app.sandbox and not in_wechat(request.headers.get("User-Agent", "")):
        return SafeString("")  # OAuth of a 公众号 only works inside WeChat's browser
    url = "/wx/login/?" + urlencode({"next": next_url or "/", "scope": "snsapi_userinfo"})
    return SafeString(render_to_string("wxlogin/_login_button.html", {"url": url, "sandbox": app.sandbox},
                                       request=request))
