"""WeChat login writes: start and finish an OAuth round trip, mini program login, bind a visitor's identity to a
new or an existing account, unbind. Each refusal is a clear code and changes nothing (except that a `state`, once
presented, is spent: one use, even when the code behind it is refused).

What happens to a WeChat identity (`_resolve`):
- a logged-in member started the round trip → bound to them (refused if the openid is another account's);
- the openid is bound → that account logs in;
- its unionid is bound under another appid (the same person in our mini program, say) → bound to that account
  too, and it logs in;
- else it waits (PendingIdentity, a ticket in the visitor's session or the API answer) for the visitor to create
  an account, after the consent texts (version recorded), or to log in and bind it."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from quanzi.accounts import services as account_services
from quanzi.accounts import throttle
from quanzi.accounts.hooks import SignupContext, signed_up, signup_checks_run
from quanzi.wxlogin import conf, errors, provider
from quanzi.wxlogin.locks import lock_live_identities
from quanzi.wxlogin.models import BindAction, OAuthState, PendingIdentity, WechatBindEvent, WechatIdentity
from quanzi.wxlogin.provider import WxUser

if TYPE_CHECKING:
    from quanzi.accounts.models import User

SCOPES = ("snsapi_base", "snsapi_userinfo")
SESSION_NONCES = "wxlogin_nonces"  # the nonces of the round trips this browser started (CSRF), newest last
SESSION_TICKET = "wxlogin_ticket"  # a visitor's pending identity
STATE_SALT = "quanzi.wxlogin.state"


@dataclass(frozen=True)
class Outcome:
    """What a login round trip ended with: a `user` to log in (action login / bind), or a `ticket` for a
    pending identity (action pending)."""

    action: str  # "login" | "bind" | "pending"
    next_url: str
    user: User | None = None
    ticket: str = ""
    identity: WechatIdentity | None = None


# --- the OAuth state: nonce (32 hex) + issue time (8 hex) + HMAC (32 hex); WeChat allows [a-zA-Z0-9]{,128} -----


def _state_mac(nonce: str, issued: str) -> str:
    return salted_hmac(STATE_SALT, f"{nonce}{issued}", algorithm="sha256").hexdigest()[:32]


def state_sign(nonce: str, issued_at: int) -> str:
    issued = f"{issued_at:08x}"
    return f"{nonce}{issued}{_state_mac(nonce, issued)}"


def _state_spend(state: str, session_nonces: list[str]) -> OAuthState:
    """Check a state coming back from WeChat and spend it: forged → invalid, too old → expired, from another
    browser → invalid, seen before → used."""
    state = state or ""
    if len(state) != 72 or not all(c in "0123456789abcdef" for c in state):
        raise errors.state_invalid()
    nonce, issued = state[:32], state[32:40]
    if not constant_time_compare(state[40:], _state_mac(nonce, issued)):
        raise errors.state_invalid()
    if time.time() - int(issued, 16) > int(conf.login_settings()["STATE_MAX_AGE"]):
        raise errors.state_expired()
    if nonce not in session_nonces:  # a state made for another browser (a link sent to a victim): CSRF
        raise errors.state_invalid()
    row = OAuthState.objects.filter(nonce=nonce).first()
    if row is None:
        raise errors.state_invalid()
    # one use: only the first request to flip used_at gets the row
    if not OAuthState.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=timezone.now()):
        raise errors.state_used()
    return row


@transaction.atomic
def oauth_start(*, session: Any, redirect_uri: str, next_url: str = "/", scope: str = "snsapi_base",
                bind_user: User | None = None) -> str:
    """Begin OAuth 网页授权: remember a one-use state (in the database and in this browser's session) and give
    back WeChat's authorize URL (the sandbox's page when the sandbox plays WeChat)."""
    app = conf.web_app()
    if app is None:
        raise errors.login_unavailable()
    if scope not in SCOPES:
        scope = "snsapi_base"
    nonce = secrets.token_hex(16)
    OAuthState.objects.create(nonce=nonce, appid=app.appid, scope=scope, next_url=(next_url or "/")[:500],
                              bind_user=bind_user)
    session[SESSION_NONCES] = [*list(session.get(SESSION_NONCES, []))[-4:], nonce]
    return provider.authorize_url(app, redirect_uri=redirect_uri, scope=scope,
                                  state=state_sign(nonce, int(time.time())))


def oauth_finish(*, state: str, code: str, session: Any) -> Outcome:
    """WeChat's redirect back: spend the state (committed on its own, so a refused code cannot replay it), then
    exchange the code and resolve the identity."""
    with transaction.atomic():
        row = _state_spend(state, list(session.get(SESSION_NONCES, [])))
    app = conf.app_for(row.appid)
    if app is None:
        raise errors.login_unavailable()
    wx_user = provider.exchange_code(app, code)
    bind_user = row.bind_user if row.bind_user_id else None
    return _resolve(app.appid, wx_user, next_url=row.next_url, bind_user=bind_user,
                    via="oauth_userinfo" if "snsapi_userinfo" in wx_user.scope else "oauth_base")


def mini_login(*, code: str, bind_user: User | None = None) -> Outcome:
    """Mini program login: wx.login()'s code → jscode2session → a login, a binding or a pending identity."""
    app = conf.mini_app()
    if app is None:
        raise errors.login_unavailable()
    wx_user = provider.jscode2session(app, code)
    return _resolve(app.appid, wx_user, next_url="/", bind_user=bind_user, via="mini")


# --- binding -------------------------------------------------------------------------------------------------


def _bind(*, user: User, appid: str, wx_user: WxUser, via: str, consent_version: str = "") -> WechatIdentity:
    """Bind (appid, openid) to `user`, or refuse: the openid is another account's, or the user already has
    another openid under this appid. The partial unique constraints decide a race."""
    current = WechatIdentity.objects.filter(appid=appid, openid=wx_user.openid, unbound_at__isnull=True).first()
    if current is not None:
        if current.user_id != user.pk:
            raise errors.openid_taken()
        return current  # already theirs
    if WechatIdentity.objects.filter(user=user, appid=appid, unbound_at__isnull=True).exists():
        raise errors.already_bound()
    try:
        with transaction.atomic():
            identity = WechatIdentity.objects.create(
                user=user, appid=appid, openid=wx_user.openid, unionid=wx_user.unionid, scope=wx_user.scope,
                nickname=wx_user.nickname, avatar_url=wx_user.avatar_url, consent_version=consent_version,
                bound_at=timezone.now())
    except IntegrityError as exc:  # a concurrent binding won
        raise errors.openid_taken() from exc
    WechatBindEvent.objects.create(identity=identity, user=user, action=BindAction.BIND, via=via,
                                   consent_version=consent_version)
    return identity


def _ticket_hash(ticket: str) -> str:
    return hashlib.sha256(ticket.encode()).hexdigest()


@transaction.atomic
def _resolve(appid: str, wx_user: WxUser, *, next_url: str, bind_user: User | None, via: str) -> Outcome:
    if bind_user is not None:
        bound = _bind(user=bind_user, appid=appid, wx_user=wx_user, via=via)
        return Outcome("bind", next_url, user=bind_user, identity=bound)
    identity = (WechatIdentity.objects.select_related("user")
                .filter(appid=appid, openid=wx_user.openid, unbound_at__isnull=True).first())
    if identity is not None:
        if not identity.user.is_active:
            raise errors.account_inactive()
        WechatBindEvent.objects.create(identity=identity, user=identity.user, action=BindAction.LOGIN, via=via)
        return Outcome("login", next_url, user=identity.user, identity=identity)
    if wx_user.unionid:
        sibling = (WechatIdentity.objects.select_related("user")
                   .filter(unionid=wx_user.unionid, unbound_at__isnull=True, user__is_active=True)
                   .exclude(appid=appid).order_by("bound_at").first())
        if sibling is not None:
            identity = _bind(user=sibling.user, appid=appid, wx_user=wx_user, via="unionid",
                             consent_version=sibling.consent_version)
            return Outcome("login", next_url, user=sibling.user, identity=identity)
    ticket = secrets.token_urlsafe(24)
    PendingIdentity.objects.create(
        ticket_hash=_ticket_hash(ticket), appid=appid, openid=wx_user.openid, unionid=wx_user.unionid,
        scope=wx_user.scope, nickname=wx_user.nickname, avatar_url=wx_user.avatar_url, next_url=next_url[:500],
        expires_at=timezone.now() + dt.timedelta(seconds=int(conf.login_settings()["PENDING_MAX_AGE"])))
    return Outcome("pending", next_url, ticket=ticket)


def pending_get(*, ticket: str) -> PendingIdentity | None:
    """The visitor's pending identity while it is usable."""
    if not ticket:
        return None
    return PendingIdentity.objects.filter(ticket_hash=_ticket_hash(ticket), used_at__isnull=True,
                                          expires_at__gt=timezone.now()).first()


def _pending_spend(ticket: str) -> PendingIdentity:
    pending = pending_get(ticket=ticket)
    if pending is None or not PendingIdentity.objects.filter(pk=pending.pk, used_at__isnull=True).update(
            used_at=timezone.now()):
        raise errors.pending_invalid()
    return pending


def _wx_user(pending: PendingIdentity) -> WxUser:
    return WxUser(openid=pending.openid, unionid=pending.unionid, scope=pending.scope,
                  nickname=pending.nickname, avatar_url=pending.avatar_url)


@transaction.atomic
def pending_account_create(*, ticket: str, nickname: str, consent: bool, login: str = "", password: str = "",
                           context: SignupContext | None = None) -> tuple[User, PendingIdentity]:
    """Create an account for a visitor's pending WeChat identity, after they agreed to the consent texts of
    conf.CONSENT_VERSION (recorded on the identity and in its bind event). With `login` (phone or e-mail) and a
    password the account can log in without WeChat as well (accounts' sign-up rules and limits apply)."""
    if not consent:
        raise errors.consent_required()
    nickname = (nickname or "").strip()
    if not 1 <= len(nickname) <= 40:
        raise errors.invalid_nickname()
    pending = _pending_spend(ticket)
    context = context or SignupContext()
    login = (login or "").strip()
    if login or password:
        is_email = "@" in login
        user = account_services.user_signup(password=password, nickname=nickname,
                                            phone=None if is_email else login, email=login if is_email else None,
                                            ip=context.ip or None, context=context)
    else:
        # a WeChat-only account: no phone, no e-mail, no usable password (it logs in through WeChat). Made like
        # accounts' user_signup makes one (its checks before, its hooks after), minus the login it does not have.
        throttle.signup_attempt(ip=context.ip or None)  # the sign-up limit per IP, as for any sign-up
        signup_checks_run(context)
        user = get_user_model().objects.create_user(email=None, password=None, nickname=nickname)
        signed_up(user=user, context=context)
    _bind(user=user, appid=pending.appid, wx_user=_wx_user(pending), via="signup",
          consent_version=conf.CONSENT_VERSION)
    return user, pending


@transaction.atomic
def pending_bind(*, ticket: str, user: User, consent: bool) -> WechatIdentity:
    """Bind a pending identity to the member who just logged in (they chose "I have an account")."""
    if not consent:
        raise errors.consent_required()
    pending = _pending_spend(ticket)
    return _bind(user=user, appid=pending.appid, wx_user=_wx_user(pending), via="login_bind",
                 consent_version=conf.CONSENT_VERSION)


@transaction.atomic
def identity_unbind(*, user: User, identity_id: int) -> WechatIdentity:
    """Unbind one of the member's WeChat identities; refused when it is their last way to log in (no phone or
    e-mail with a password, and no other WeChat identity)."""
    live = lock_live_identities(user_id=user.pk)
    identity = live.get(identity_id)
    if identity is None:
        raise errors.identity_not_found()
    if not (user.has_usable_password() and (user.phone or user.email)) and len(live) < 2:
        raise errors.unbind_last_login()
    WechatIdentity.objects.filter(pk=identity.pk, unbound_at__isnull=True).update(unbound_at=timezone.now())
    WechatBindEvent.objects.create(identity=identity, user=user, action=BindAction.UNBIND, via="page",
                                   consent_version=identity.consent_version)
    identity.refresh_from_db()
    return identity


def purge_expired(*, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Delete spent or stale login records (states and pending identities); the bindings and their audit stay."""
    cutoff = timezone.now() - older_than
    states, _ = OAuthState.objects.filter(created_at__lt=cutoff).delete()
    pendings, _ = PendingIdentity.objects.filter(expires_at__lt=cutoff).delete()
    return states + pendings
