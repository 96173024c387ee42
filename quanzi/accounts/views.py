"""Account pages: sign-up, login, profile, follow, notifications. Thin: the services do the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.accounts import selectors, services, throttle
from quanzi.accounts.enums import Gender, IncomeBand, PersonaField
from quanzi.accounts.hooks import DEVICE_COOKIE, SignupContext
from quanzi.accounts.models import User
from quanzi.core.errors import DomainError
from quanzi.core.pages import call_service, page_of


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "/"


def _form_error(exc: DomainError) -> tuple[int, dict[str, str]]:
    """The status and headers of a form page answered with an error: 429 + Retry-After when throttled."""
    return (429, exc.headers) if exc.status == 429 else (400, {})


def _form_page(request: HttpRequest, template: str, context: dict[str, object], status: int,
               headers: dict[str, str]) -> HttpResponse:
    response = render(request, template, context, status=status)
    for header, value in headers.items():
        response[header] = value
    return response


def signup(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    status, headers = 200, dict[str, str]()
    if request.method == "POST":
        login_value = request.POST.get("login", "").strip()
        is_email = "@" in login_value
        try:
            user = services.user_signup(
                phone=None if is_email else login_value, email=login_value if is_email else None,
                password=request.POST.get("password", ""), nickname=request.POST.get("nickname", ""),
                ip=throttle.client_ip(request),
                context=SignupContext(ip=throttle.client_ip(request) or "",
                                      device=request.COOKIES.get(DEVICE_COOKIE, "")[:64],
                                      invite_code=request.POST.get("invite_code", "")[:20], session=request.session),
            )
        except DomainError as exc:
            errors.append(str(exc.message))
            status, headers = _form_error(exc)
        else:
            auth_login(request, user, backend="quanzi.accounts.backends.PhoneOrEmailBackend")
            messages.success(request, _("注册成功，欢迎来到圈子！"))
            return redirect(_next(request) if _next(request) != "/" else "/discover/")
    return _form_page(request, "accounts/signup.html",
                      {"errors": errors, "form": request.POST, "next": _next(request),
                       "invite_code": request.POST.get("invite_code", request.GET.get("invite", ""))[:20]},
                      status, headers)


def login_view(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    status, headers = 200, dict[str, str]()
    if request.method == "POST":
        try:
            user = services.user_authenticate(login=request.POST.get("login", ""),
                                              password=request.POST.get("password", ""),
                                              ip=throttle.client_ip(request))
        except DomainError as exc:  # wrong password (400), or locked / too many attempts (429, Retry-After)
            errors.append(str(exc.message))
            status, headers = _form_error(exc)
        else:
            auth_login(request, user, backend="quanzi.accounts.backends.PhoneOrEmailBackend")
            return redirect(_next(request))
    return _form_page(request, "accounts/login.html",
                      {"errors": errors, "form": request.POST, "next": _next(request)}, status, headers)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    return redirect("/")


@login_required
@require_POST
def logout_all_view(request: HttpRequest) -> HttpResponse:
    """Log out everywhere: every session (this one too) and every API token."""
    services.logout_all(user=request.user)  # type: ignore[arg-type]
    auth_logout(request)
    messages.success(request, _("已在所有设备上退出登录"))
    return redirect("/login/")


@login_required
def password_change_view(request: HttpRequest) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    errors: list[str] = []
    status, headers = 200, dict[str, str]()
    if request.method == "POST":
        new_password = request.POST.get("new_password", "")
        if new_password != request.POST.get("new_password2", ""):
            errors.append(_("两次输入的新密码不一致"))
            status = 400
        else:
            try:
                services.password_change(user=me, old_password=request.POST.get("old_password", ""),
                                         new_password=new_password)
            except DomainError as exc:
                errors.append(str(exc.message))
                status, headers = _form_error(exc)
            else:
                update_session_auth_hash(request, me)  # this session stays; the others and every token end
                messages.success(request, _("密码已修改，其他设备需要重新登录"))
                return redirect(f"/u/{me.pk}/")
    return _form_page(request, "accounts/password_change.html", {"errors": errors, "nav": "me"}, status, headers)


def profile(request: HttpRequest, user_id: int) -> HttpResponse:
    member = selectors.user_get(user_id=user_id)
    if member is None:
        raise Http404
    following = selectors.is_following(follower=request.user, followee_id=member.pk)  # type: ignore[arg-type]
    return render(request, "accounts/profile.html", {
        "member": member, "following": following, "nav": "me" if request.user == member else "",
    })


@login_required
@require_POST
def follow_toggle(request: HttpRequest, user_id: int) -> HttpResponse:
    errors: list[str] = []
    me: User = request.user  # type: ignore[assignment]
    if selectors.is_following(follower=me, followee_id=user_id):
        call_service(errors, services.unfollow, follower=me, followee_id=user_id)
    else:
        call_service(errors, services.follow, follower=me, followee_id=user_id)
    member = selectors.user_get(user_id=user_id)
    if member is None:
        raise Http404
    ctx = {"member": member, "following": selectors.is_following(follower=me, followee_id=user_id),
           "errors": errors}
    if request.headers.get("HX-Request"):
        return render(request, "accounts/_follow_button.html", ctx, status=400 if errors else 200)
    return redirect(f"/u/{user_id}/")


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    errors: list[str] = []
    persona = selectors.persona_get(user=me)
    if request.method == "POST":
        call_service(errors, services.profile_update, user=me, nickname=request.POST.get("nickname"),
                     bio=request.POST.get("bio", ""), avatar=request.FILES.get("avatar"))
        for field in PersonaField.values:
            raw = request.POST.get(field, "").strip()
            consented = request.POST.get(f"consent_{field}") == "on"
            current = getattr(persona, field)
            if raw and consented:
                value: object = int(raw) if field == PersonaField.BIRTH_YEAR and raw.isdigit() else raw
                call_service(errors, services.persona_set, user=me, field=field, value=value, consent=True)
            elif current not in ("", None) and not consented:
                call_service(errors, services.consent_withdraw, user=me, field=field)
        if not errors:
            messages.success(request, _("资料已保存"))
            return redirect(f"/u/{me.pk}/")
        persona = selectors.persona_get(user=me)
    return render(request, "accounts/profile_edit.html", {
        "errors": errors, "persona": persona, "genders": Gender.choices, "incomes": IncomeBand.choices, "nav": "me",
    }, status=400 if errors else 200)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    page = page_of(request, selectors.notification_list(user=me))
    response = render(request, "accounts/notifications.html", {"page": page})
    services.notifications_mark_read(user=me, ids=[n.pk for n in page.object_list])
    return response
