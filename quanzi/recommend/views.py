"""Recommendation pages: the HTMX fragments the feeds and the product page load (为你推荐, 本社群热卖, 买了还买),
不感兴趣, and the member's recommendation settings (the personalisation switch). Thin: selectors and services do
the work."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.catalog.selectors import community_for_viewer, product_get
from quanzi.core.errors import DomainError
from quanzi.core.pages import call_service, error_response
from quanzi.recommend import selectors, services
from quanzi.recommend.enums import ItemKind

HOME_PRODUCTS = 6
HOME_POSTS = 3


def _user(request: HttpRequest) -> Any:
    return request.user if request.user.is_authenticated else None


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) <= 12 else None


def _fragment(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """A fragment rendered without the context processors: the page around it already ran them, and they cost
    queries (the unread-notifications count) on every slot the feeds load."""
    return HttpResponse(render_to_string(template, {**context, "request": request, "user": request.user,
                                                    "csrf_token": get_token(request)}))


def for_you_fragment(request: HttpRequest) -> HttpResponse:
    """为你推荐 for the home feed, or (`?community=<id>`) for a community's feed: products and posts."""
    user = _user(request)
    community_id = _int(request.GET.get("community"))
    try:
        if community_id is not None:
            community_for_viewer(community_id=community_id, user=user)
        rec = selectors.for_you(user=user, community_id=community_id, limit=HOME_PRODUCTS)
    except DomainError as exc:
        return error_response(request, exc)
    return _fragment(request, "recommend/_for_you.html", {
        "rec": rec, "products": rec.of_kind(ItemKind.PRODUCT)[:HOME_PRODUCTS],
        "posts": rec.of_kind(ItemKind.POST)[:HOME_POSTS], "community_id": community_id})


def community_hot_fragment(request: HttpRequest, community_id: int) -> HttpResponse:
    user = _user(request)
    try:
        community_for_viewer(community_id=community_id, user=user)
    except DomainError as exc:
        return error_response(request, exc)
    rec = selectors.community_hot(community_id=community_id, user=user, limit=HOME_PRODUCTS)
    return _fragment(request, "recommend/_list.html", {"rec": rec, "title": _("本社群热卖"), "box_id": "community-hot"})


def also_bought_fragment(request: HttpRequest, product_id: int) -> HttpResponse:
    user = _user(request)
    try:
        product_get(product_id=product_id, user=user)
    except DomainError as exc:
        return error_response(request, exc)
    rec = selectors.also_bought(product_id=product_id, user=user, limit=HOME_PRODUCTS)
    return _fragment(request, "recommend/_list.html", {"rec": rec, "title": _("买了还买"), "box_id": "also-bought"})


@require_POST
def hide(request: HttpRequest) -> HttpResponse:
    """不感兴趣 on one item: from HTMX the item's tile disappears (an empty answer replaces it)."""
    if not request.user.is_authenticated:
        return redirect("/login/")
    errs: list[str] = []
    call_service(errs, services.item_hide, user=request.user, kind=str(request.POST.get("kind", "")),
                 item_id=_int(request.POST.get("item_id")) or 0)
    if request.headers.get("HX-Request"):
        if errs:
            return render(request, "core/error_fragment.html", {"message": errs[0]}, status=400)
        return HttpResponse("")
    for e in errs:
        messages.error(request, e)
    if not errs:
        messages.success(request, _("好的，不会再向你推荐它"))
    target = str(request.POST.get("next") or "/")
    return redirect(target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "/")


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    """推荐设置: the personalisation switch (E-Commerce Law art. 18), sharing purchases with followers, and the
    items marked 不感兴趣 (each can be taken back)."""
    if request.method == "POST":
        errs: list[str] = []
        if "unhide_kind" in request.POST:
            call_service(errs, services.item_unhide, user=request.user, kind=str(request.POST["unhide_kind"]),
                         item_id=_int(request.POST.get("unhide_id")) or 0)
        else:
            call_service(errs, services.preference_set, user=request.user,
                         personalised=request.POST.get("personalised") == "on",
                         share_purchases=request.POST.get("share_purchases") == "on")
        for e in errs:
            messages.error(request, e)
        if not errs:
            messages.success(request, _("推荐设置已保存"))
        return redirect("/settings/recommend/")
    return render(request, "recommend/settings.html", {
        "pref": selectors.preference_of(user=request.user), "hidden": selectors.hidden_list(user=request.user),
        "nav": "me"})
