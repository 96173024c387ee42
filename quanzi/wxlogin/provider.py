"""Talking to WeChat: the OAuth 网页授权 authorize URL, the code exchange (/sns/oauth2/access_token), the user
info (/sns/userinfo) and the mini program's /sns/jscode2session, as WeChat publishes them; and the sandbox
identity provider that plays them locally for the demo and the tests (on only with conf.sandbox_enabled()).

WeChat answers errors as HTTP 200 with `{"errcode": ..., "errmsg": ...}`: 40163 is "code been used", 40029 an
invalid code. Nothing here stores or returns the access token or the mini program's session_key."""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests
from django.core import signing
from django.core.cache import cache

from quanzi.wxlogin import conf, errors
from quanzi.wxlogin.conf import WxApp

log = logging.getLogger(__name__)

CODE_USED = 40163
CODE_INVALID = (40029, 40030, 41008)  # invalid code, invalid refresh token, missing code
SANDBOX_CODE_SALT = "quanzi.wxlogin.sandbox-code"
SANDBOX_CODE_MAX_AGE = 300  # WeChat's codes live five minutes


@dataclass(frozen=True)
class WxUser:
    """Who WeChat says the visitor is. `nickname` / `avatar_url` only with snsapi_userinfo."""

    openid: str
    unionid: str = ""
    scope: str = ""
    nickname: str = ""
    avatar_url: str = ""


def authorize_url(app: WxApp, *, redirect_uri: str, scope: str, state: str) -> str:
    params = {"appid": app.appid, "redirect_uri": redirect_uri, "response_type": "code", "scope": scope,
              "state": state}
    if app.sandbox:
        return "/wx/sandbox/authorize/?" + urlencode(params)
    # WeChat wants the parameters in this order and the #wechat_redirect fragment
    return f"{conf.login_settings()['AUTHORIZE_URL']}?{urlencode(params)}#wechat_redirect"


def _get(path: str, params: dict[str, str]) -> dict[str, Any]:
    settings_ = conf.login_settings()
    url = str(settings_["API_BASE"]).rstrip("/") + path
    try:
        response = requests.get(url, params=params, timeout=float(settings_["TIMEOUT"]))
        response.raise_for_status()
        # WeChat sends UTF-8 JSON as text/plain without a charset on some endpoints; `response.json()` would
        # then guess ISO-8859-1 and garble a Chinese nickname: parse the bytes
        body = json.loads(response.content)
    except (requests.RequestException, ValueError) as exc:
        log.warning("WeChat %s failed: %s", path, type(exc).__name__)
        raise errors.provider_error() from exc
    if not isinstance(body, dict):
        raise errors.provider_error()
    errcode = body.get("errcode")
    if errcode not in (None, 0):
        log.info("WeChat %s answered errcode %s", path, errcode)
        if errcode == CODE_USED:
            raise errors.code_used()
        if errcode in CODE_INVALID:
            raise errors.code_invalid()
        raise errors.provider_error()
    return body


def exchange_code(app: WxApp, code: str) -> WxUser:
    """OAuth 网页授权: the code from the redirect → openid (and unionid, and nickname/avatar with
    snsapi_userinfo). The access token is used for /sns/userinfo and dropped."""
    if not code or len(code) > 512:
        raise errors.code_invalid()
    if app.sandbox:
        return _sandbox_redeem(app, code)
    body = _get("/sns/oauth2/access_token", {"appid": app.appid, "secret": app.secret, "code": code,
                                             "grant_type": "authorization_code"})
    openid, token, scope = str(body.get("openid") or ""), str(body.get("access_token") or ""), str(
        body.get("scope") or "")
    if not openid:
        raise errors.provider_error()
    unionid = str(body.get("unionid") or "")
    if body.get("is_snapshotuser") == 1:
        # 朋友圈快照页: WeChat gives a virtual openid that is nobody's; binding or paying with it cannot work
        raise errors.snapshot_user()
    if "snsapi_userinfo" not in scope:  # snsapi_base answers no user info
        return WxUser(openid=openid, unionid=unionid, scope=scope)
    info = _get("/sns/userinfo", {"access_token": token, "openid": openid, "lang": "zh_CN"})
    avatar = str(info.get("headimgurl") or "")
    return WxUser(openid=openid, unionid=str(info.get("unionid") or unionid), scope=scope,
                  nickname=str(info.get("nickname") or "")[:64],
                  avatar_url=avatar[:500] if avatar.startswith(("https://", "http://")) else "")


def jscode2session(app: WxApp, code: str) -> WxUser:
    """Mini program login: wx.login()'s code → openid / unionid. The session_key in the answer is never kept."""
    if not code or len(code) > 512:
        raise errors.code_invalid()
    if app.sandbox:
        return _sandbox_redeem(app, code)
    body = _get("/sns/jscode2session", {"appid": app.appid, "secret": app.secret, "js_code": code,
                                        "grant_type": "authorization_code"})
    openid = str(body.get("openid") or "")
    if not openid:
        raise errors.provider_error()
    return WxUser(openid=openid, unionid=str(body.get("unionid") or ""), scope="mini")


# --- the sandbox identity provider ---------------------------------------------------------------------------


def sandbox_openid(appid: str, name: str) -> str:
    """A deterministic openid for a sandbox user's chosen name, different per appid like WeChat's."""
    return "sbx-" + hashlib.sha256(f"{appid}\x00{name}".encode()).hexdigest()[:24]


def sandbox_unionid(name: str) -> str:
    """The same for every sandbox app (one "开放平台" account): lets the demo show matching by unionid."""
    return "sbxu-" + hashlib.sha256(f"unionid\x00{name}".encode()).hexdigest()[:24]


def sandbox_code_issue(*, appid: str, name: str, scope: str) -> str:
    """What the sandbox authorize page (or a sandbox mini program's wx.login) gives back: a signed code naming
    the chosen user. Only the sandbox redeems it, once, within five minutes."""
    if not conf.sandbox_enabled():
        raise errors.login_unavailable()
    name = name.strip()[:32]
    if not name:
        raise errors.code_invalid()
    payload = {"a": appid, "n": name, "s": scope, "r": secrets.token_hex(8)}
    return signing.dumps(payload, salt=SANDBOX_CODE_SALT, compress=True)


def _sandbox_redeem(app: WxApp, code: str) -> WxUser:
    if not conf.sandbox_enabled():
        raise errors.login_unavailable()
    try:
        payload = signing.loads(code, salt=SANDBOX_CODE_SALT, max_age=SANDBOX_CODE_MAX_AGE)
    except signing.BadSignature as exc:  # SignatureExpired included: WeChat answers 40029 for both
        raise errors.code_invalid() from exc
    if payload.get("a") != app.appid:
        raise errors.code_invalid()
    # one use, like WeChat's 40163; the cache is enough for a sandbox (one process in the demo and the tests)
    if not cache.add(f"wxlogin:sandbox-code:{payload['r']}", 1, SANDBOX_CODE_MAX_AGE * 2):
        raise errors.code_used()
    name = str(payload["n"])
    scope = str(payload.get("s") or "")
    userinfo = scope == "snsapi_userinfo"
    return WxUser(openid=sandbox_openid(app.appid, name), unionid=sandbox_unionid(name), scope=scope,
                  nickname=name if userinfo else "", avatar_url="")
