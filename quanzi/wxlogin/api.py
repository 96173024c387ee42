"""Mini program login. The mini program calls wx.login(), sends the code here; quanzi asks WeChat
(jscode2session) who it is. The session_key WeChat answers is never stored nor returned."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from quanzi.accounts import services as account_services
from quanzi.accounts import throttle
from quanzi.accounts.hooks import SignupContext
from quanzi.api_auth import current_user, required
from quanzi.wxlogin import conf, selectors, services
from quanzi.wxlogin.schemas import IdentityOut, MiniBindIn, MiniLoginIn, MiniLoginOut, MiniRegisterIn

router = Router(tags=["wxlogin 微信登录"])


def _logged_in(user: object) -> dict[str, object]:
    issued = account_services.token_issue(user=user, name="wechat-mini")  # type: ignore[arg-type]
    return {"status": "logged_in", "token": issued.key, "expires_at": issued.expires_at, "user": user}


@router.post("/mini/login", response=MiniLoginOut, auth=None)
def mini_login(request: HttpRequest, data: MiniLoginIn) -> dict[str, object]:
    """A code used twice: 400 `wechat_code_used` (WeChat's 40163). A WeChat user with no account yet:
    `need_account` with a ticket."""
    outcome = services.mini_login(code=data.code)
    if outcome.action == "pending":
        return {"status": "need_account", "ticket": outcome.ticket, "consent_version": conf.CONSENT_VERSION}
    return _logged_in(outcome.user)


@router.post("/mini/register", response=MiniLoginOut, auth=None)
def mini_register(request: HttpRequest, data: MiniRegisterIn) -> dict[str, object]:
    ip = throttle.client_ip(request)
    user, _pending = services.pending_account_create(
        ticket=data.ticket, nickname=data.nickname, consent=data.consent,
        context=SignupContext(ip=ip or "", device=request.headers.get("X-Device-Id", "")[:64]))
    return _logged_in(user)


@router.post("/mini/bind", response=IdentityOut, auth=required)
def mini_bind(request: HttpRequest, data: MiniBindIn) -> object:
    """Bind a `need_account` ticket to the member calling (who logged in with a password instead)."""
    return services.pending_bind(ticket=data.ticket, user=current_user(request), consent=data.consent)


@router.get("/identities", response=list[IdentityOut], auth=required)
def identities(request: HttpRequest) -> object:
    return list(selectors.identities_of(user_id=current_user(request).pk))


@router.post("/identities/{identity_id}/unbind", response=IdentityOut, auth=required)
def unbind(request: HttpRequest, identity_id: int) -> object:
    return services.identity_unbind(user=current_user(request), identity_id=identity_id)
