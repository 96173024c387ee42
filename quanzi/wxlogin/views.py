"""WeChat login pages: start OAuth, WeChat's redirect back, the visitor's choice (create an account with consent,
or log in and bind), the member's bindings (bind / unbind), and the sandbox's stand-in for WeChat's authorize
screen. Thin: the services do the work; a DomainError becomes the error page (web.middleware)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.accounts import throttle
from quanzi.accounts.hooks import DEVICE_COOKIE, SignupContext
from quanzi.core.errors import DomainError
from quanzi.wxlogin import conf, errors, provider, selectors, services

BACKEND = "quanzi.accounts.backends.PhoneOrEmailBackend"
WELCOME_URL = "/wx/welcome/"


def _safe_next(request: HttpRequest, target: str | None) -> str:
    target = target or "/"
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "/"


def login_start(request: HttpRequest) -> HttpResponse:
    """/wx/login/?next=…&scope=snsapi_base|snsapi_userinfo: off to WeChat (a logged-in member binds)."""
    next_url = _safe_next(request, request.GET.get("next"))
    app = conf.web_app()
    if app is None:
        raise errors.login_unavailable()
    bind_user = request.user if request.user.is_authenticated else None
    if bind_user is not None and selectors.openid_for(user_id=bind_user.pk, appid=app.appid):
        return redirect(next_url)  # already bound here: nothing to do (the cashier sends members this way)
    url = services.oauth_start(session=request.session, redirect_uri=request.build_absolute_uri("/wx/callback/"),
                               next_url=next_url, scope=request.GET.get("scope", "snsapi_base"),
                               bind_user=bind_user)  # type: ignore[arg-type]
    return redirect(url)


def callback(request: HttpRequest) -> HttpResponse:
    """WeChat's redirect: ?code=…&state=… (no code when the visitor refused on WeChat's screen)."""
    if not request.GET.get("code"):
        return render(request, "wxlogin/cancelled.html", status=400)
    outcome = services.oauth_finish(state=request.GET.get("state", ""), code=request.GET["code"],
                                    session=request.session)
    return _after(request, outcome)


def _after(request: HttpRequest, outcome: services.Outcome) -> HttpResponse:
    if outcome.action == "pending":
        request.session[services.SESSION_TICKET] = outcome.ticket
        return redirect(WELCOME_URL)
    assert outcome.user is not None
    if outcome.action == "bind":
        messages.success(request, _("已绑定微信"))
    else:
        auth_login(request, outcome.user, backend=BACKEND)
    return redirect(_safe_next(request, outcome.next_url))


def welcome(request: HttpRequest) -> HttpResponse:
    """A visitor whose WeChat matched no account: create one (consent texts, version recorded) or log in and
    bind it."""
    ticket = str(request.session.get(services.SESSION_TICKET, ""))
    pending = services.pending_get(ticket=ticket)
    if pending is None:
        raise errors.pending_invalid()
    form_errors: list[str] = []
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        consent = request.POST.get("consent") == "on"
        try:
            if action == "bind" and request.user.is_authenticated:
                services.pending_bind(ticket=ticket, user=request.user, consent=consent)  # type: ignore[arg-type]
                user = request.user
                messages.success(request, _("已绑定微信，以后可以直接用微信登录"))
            else:
                ip = throttle.client_ip(request)
                user, _pending = services.pending_account_create(
                    ticket=ticket, nickname=request.POST.get("nickname", ""), consent=consent,
                    login=request.POST.get("login", ""), password=request.POST.get("password", ""),
                    context=SignupContext(ip=ip or "", device=request.COOKIES.get(DEVICE_COOKIE, "")[:64],
                                          session=request.session))
                auth_login(request, user, backend=BACKEND)
                messages.success(request, _("注册成功，欢迎来到圈子！"))
        except DomainError as exc:
            form_errors.append(str(exc.message))
            status = 429 if exc.status == 429 else 400
        else:
            request.session.pop(services.SESSION_TICKET, None)
            return redirect(_safe_next(request, pending.next_url))
    return render(request, "wxlogin/welcome.html", {
        "pending": pending, "errors": form_errors, "form": request.POST, "consent_version": conf.CONSENT_VERSION,
        "login_next": f"/login/?{urlencode({'next': WELCOME_URL})}",
    }, status=status)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The member's WeChat bindings: bind (OAuth with snsapi_userinfo) and unbind."""
    identities = list(selectors.identities_of(user_id=request.user.pk))  # type: ignore[arg-type]
    app = conf.web_app()
    return render(request, "wxlogin/account.html", {
        "identities": identities,
        # one 公众号 identity per account: offer binding while there is none (a mini program one may exist)
        "can_bind": app is not None and all(i.appid != app.appid for i in identities),
        "bind_url": "/wx/login/?" + urlencode({"next": "/wx/account/", "scope": "snsapi_userinfo"}),
        "nav": "me",
    })


@login_required
@require_POST
def unbind(request: HttpRequest, identity_id: int) -> HttpResponse:
    services.identity_unbind(user=request.user, identity_id=identity_id)  # type: ignore[arg-type]
    messages.success(request, _("已解绑微信"))
    return redirect("/wx/account/")


def sandbox_authorize(request: HttpRequest) -> HttpResponse:
    """The sandbox's stand-in for open.weixin.qq.com/connect/oauth2/authorize: choose who you are in WeChat,
    allow or refuse; back to the redirect_uri with a code (the sandbox provider redeems it) and the state."""
    if not conf.sandbox_enabled():
        raise Http404
    params = request.POST if request.method == "POST" else request.GET
    appid, scope, state = params.get("appid", ""), params.get("scope", "snsapi_base"), params.get("state", "")
    redirect_uri = params.get("redirect_uri", "")
    app = conf.web_app()
    if app is None or not app.sandbox or appid != app.appid or not url_has_allowed_host_and_scheme(
            redirect_uri, allowed_hosts={request.get_host()}):
        raise errors.code_invalid()  # WeChat refuses an unknown appid or a redirect outside the app's domain
    if request.method == "POST":
        back = {"state": state}
        if request.POST.get("decision") == "allow":
            back["code"] = provider.sandbox_code_issue(appid=appid, name=request.POST.get("name", ""), scope=scope)
        return redirect(f"{redirect_uri}?{urlencode(back)}")
    return render(request, "wxlogin/sandbox_authorize.html", {
        "appid": appid, "scope": scope, "state": state, "redirect_uri": redirect_uri,
        "userinfo": scope == "snsapi_userinfo",
    })
