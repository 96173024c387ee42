"""Invite pages: my invite page (links, QR code, poster, my invitees and rewards), the landing page of an invite
link, the poster and QR images, a community's inviter leaderboard. Thin: services and selectors do the work."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.accounts import selectors as account_selectors
from quanzi.accounts.hooks import DEVICE_COOKIE
from quanzi.accounts.throttle import client_ip
from quanzi.communities import selectors as community_selectors
from quanzi.core import qr
from quanzi.core.errors import DomainError
from quanzi.core.events import track
from quanzi.core.pages import call_service, error_response, page_of
from quanzi.referrals.invites import errors, poster, selectors, services, session
from quanzi.referrals.invites.enums import BindPolicy, BindSource, TargetKind
from quanzi.referrals.invites.targets import KIND_OF_LETTER, Target, link_path, target_get

DEVICE_MAX_AGE = 2 * 365 * 24 * 3600


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) <= 12 else None


def _chosen(request: HttpRequest) -> tuple[str, int | None]:
    kind = request.GET.get("kind", TargetKind.PLATFORM)
    if kind not in TargetKind.values:
        kind = TargetKind.PLATFORM
    return kind, _int(request.GET.get("id"))


def _device(request: HttpRequest) -> str:
    return (request.COOKIES.get(DEVICE_COOKIE) or "")[:64]


@login_required
def invite_page(request: HttpRequest) -> HttpResponse:
    """My invite page: the link, QR code and poster of the chosen target, a code to type, my invitees."""
    user = request.user
    assert user.pk is not None
    code = services.invite_code_ensure(user=user)
    kind, target_id = _chosen(request)
    try:
        target = target_get(kind=kind, target_id=target_id, viewer=user, inviter=user)
    except DomainError as exc:
        return error_response(request, exc)
    path = link_path(code=code, kind=kind, target_id=target.id)
    url = request.build_absolute_uri(path)
    policy = selectors.policy_get()
    mine = selectors.binding_in_force(user_id=user.pk)
    may_enter_code = mine is None and policy.policy != BindPolicy.FIRST
    invitees = page_of(request, selectors.invitees_of(inviter_id=user.pk), per_page=10)
    outcomes = {o.invitee_id: o for o in selectors.outcomes_of(inviter_id=user.pk)
                .filter(invitee_id__in=[b.invitee_id for b in invitees])}
    for b in invitees:
        b.outcome = outcomes.get(b.invitee_id)  # type: ignore[attr-defined]
    track("page.invite", user=request.user)
    return render(request, "invites/invite.html", {
        "code": code, "target": target, "url": url, "qr_svg": mark_safe(qr.qr_svg(url, scale=5)),  # noqa: S308 - segno's own SVG
        "poster_url": "/invite/poster.png?" + urlencode({"kind": kind, "id": target.id or ""}),
        "communities": community_selectors.my_communities(user=request.user)[:12],
        "stats": selectors.invite_stats(inviter_id=user.pk), "invitees": invitees, "page": invitees,
        "my_binding": mine, "may_enter_code": may_enter_code, "policy": policy,
        "nav": "me",
    })


@login_required
def invite_poster(request: HttpRequest) -> HttpResponse:
    code = services.invite_code_ensure(user=request.user)
    kind, target_id = _chosen(request)
    try:
        target = target_get(kind=kind, target_id=target_id, viewer=request.user, inviter=request.user)
    except DomainError as exc:
        return error_response(request, exc)
    url = request.build_absolute_uri(link_path(code=code, kind=kind, target_id=target.id))
    png = poster.poster_png(target=target, inviter=request.user, url=url, code=code)
    track("invite.poster", user=request.user, target_kind=kind)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def invite_qr(request: HttpRequest) -> HttpResponse:
    code = services.invite_code_ensure(user=request.user)
    kind, target_id = _chosen(request)
    url = request.build_absolute_uri(link_path(code=code, kind=kind, target_id=target_id))
    response = HttpResponse(qr.qr_png(url), content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_POST
def invite_bind_code(request: HttpRequest) -> HttpResponse:
    """A member without an inviter types one's code (when the policy allows binding after sign-up)."""
    errs: list[str] = []
    binding = call_service(errs, services.referral_bind_code, invitee=request.user,
                           code=request.POST.get("code", ""), ip=client_ip(request) or "", device=_device(request))
    for e in errs:
        messages.error(request, e)
    if binding is not None:
        messages.success(request, _("已绑定邀请人"))
    return redirect("/invite/")


def landing(request: HttpRequest, code: str, letter: str = "", target_id: int | None = None) -> HttpResponse:
    """The page an invite link opens: who invites, to what; it remembers the invite for a sign-up and sends the
    visitor on. A logged-in member may be bound here when the policy binds after sign-up."""
    inviter_id = selectors.user_id_by_code(code=code)
    inviter = account_selectors.user_get(user_id=inviter_id) if inviter_id else None
    if inviter is None:
        return error_response(request, errors.code_unknown())
    if letter and letter not in KIND_OF_LETTER:
        return error_response(request, errors.target_not_found())
    kind = KIND_OF_LETTER.get(letter, TargetKind.PLATFORM)
    try:
        target: Target = target_get(kind=kind, target_id=target_id, viewer=request.user, inviter=inviter)
    except DomainError as exc:
        return error_response(request, exc)
    device = _device(request) or secrets.token_urlsafe(16)
    ip = client_ip(request) or ""
    code = selectors.normalise_code(code)
    services.invite_visit(inviter_id=inviter.pk, viewer=request.user, target_kind=kind, target_id=target.id,
                          community_id=target.community_id, product_id=target.product_id, code=code, ip=ip,
                          device=device)
    bound = False
    if request.user.is_authenticated:
        if request.user.pk != inviter.pk:
            try:
                bound = services.referral_bind(invitee=request.user, inviter_id=inviter.pk, source=BindSource.LINK,
                                               community_id=target.community_id, ip=ip, device=device) is not None
            except DomainError:
                bound = False  # a cycle or the like: the page still shows what was shared
    else:
        session.remember(request.session, code=code, target_kind=kind, community_id=target.community_id)
    signup_url = "/signup/?" + urlencode({"invite": code, "next": target.url})
    response = render(request, "invites/landing.html", {
        "inviter": inviter, "target": target, "code": code, "signup_url": signup_url, "bound": bound,
        "own": request.user.is_authenticated and request.user.pk == inviter.pk,
    })
    if not _device(request):
        response.set_cookie(DEVICE_COOKIE, device, max_age=DEVICE_MAX_AGE, httponly=True, samesite="Lax")
    return response


def leaderboard(request: HttpRequest, slug: str) -> HttpResponse:
    """A community's inviters, ranked by invitees whose first order was paid."""
    try:
        community = community_selectors.community_get(slug=slug, user=request.user)
    except DomainError as exc:
        return error_response(request, exc)
    members = community_selectors.member_list(community=community, viewer=request.user).order_by().values("user_id")
    rows = selectors.leaderboard(community_id=community.pk, member_ids=members)
    track("page.invite_leaderboard", user=request.user, community_id=community.pk)
    return render(request, "invites/leaderboard.html", {"community": community, "rows": rows, "nav": "home"})
