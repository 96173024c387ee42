"""KOL marketplace pages (达人广场), 390 px first: the directory with its filters (HTMX re-renders the list in
place), the merchant's proposal form, "my deals" for both sides (a KOL's incoming proposals, a merchant's sent
ones), listing oneself, and a deal's page with its answers (accept, counter, decline, withdraw). Thin: the services
and selectors do the work; a refused action shows its message and changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.catalog.selectors import merchant_products
from quanzi.communities.enums import Vertical
from quanzi.core.errors import DomainError
from quanzi.core.money import parse_yuan
from quanzi.core.pages import call_service, error_response, page_of
from quanzi.kolmarket import selectors, services
from quanzi.kolmarket.enums import DealStatus, Sort


def _me(request: HttpRequest) -> int:
    return int(request.user.pk or 0)  # logged in (login_required)


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else None


def _fen(value: Any) -> int | None:
    try:
        return parse_yuan(str(value or "").strip(), symbol=True)
    except ValueError:
        return None


def _pct_to_rate(value: Any) -> Any:
    """"20" (percent, as typed) -> Decimal("0.2"); anything else is passed on for the service to refuse."""
    try:
        return (Decimal(str(value).strip()) / 100).quantize(Decimal("0.0001"))
    except (InvalidOperation, ValueError):
        return str(value or "")


def _filters(request: HttpRequest) -> selectors.DirectoryFilters:
    g = request.GET
    pct = g.get("engagement", "").strip()
    try:
        engagement = int(Decimal(pct) * 100) if pct else None
    except InvalidOperation:
        engagement = None
    gmv = _fen(g.get("gmv")) if g.get("gmv") else None
    return selectors.DirectoryFilters(
        vertical=g.get("vertical", ""), community_id=_int(g.get("community")),
        followers_min=_int(g.get("followers_min")), followers_max=_int(g.get("followers_max")),
        engagement_min_bp=engagement, audience_tag=g.get("audience", ""), gmv_min_fen=gmv, q=g.get("q", ""),
        sort=g.get("sort", Sort.FOLLOWERS))


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    """The directory; an HTMX request (the filter form) gets the list only."""
    page = page_of(request, selectors.directory(filters=_filters(request)), per_page=20)
    ctx = {"page": page, "merchant": selectors.merchant_of(request.user), "verticals": Vertical.choices,
           "sorts": Sort.choices, "audience_tags": selectors.audience_tags(), "f": request.GET,
           "me": selectors.profile_get(user_id=_me(request)), "nav": "me"}
    if request.headers.get("HX-Request"):
        return render(request, "kolmarket/_kol_list.html", ctx)
    return render(request, "kolmarket/directory.html", ctx)


def _terms_from(data: Any) -> dict[str, Any]:
    return {"commission_rate": _pct_to_rate(data.get("rate")),
            "fixed_fee_fen": _fen(data.get("fee") or "0") if _fen(data.get("fee") or "0") is not None else -1,
            "starts_on": parse_date(str(data.get("starts_on") or "")),
            "ends_on": parse_date(str(data.get("ends_on") or "")),
            "posts_required": _int(data.get("posts")) if _int(data.get("posts")) is not None else 0,
            "lives_required": _int(data.get("lives")) if _int(data.get("lives")) is not None else 0,
            "message": str(data.get("message") or "")}


@login_required
def propose(request: HttpRequest, kol_id: int) -> HttpResponse:
    """The merchant's proposal to one KOL: their products, the rate, the fee, the period, the deliverables."""
    try:
        profile = selectors.listed_profile(user_id=kol_id)
    except DomainError as exc:
        return error_response(request, exc)
    merchant = selectors.merchant_of(request.user)
    errs: list[str] = []
    if request.method == "POST":
        ids = [i for i in (_int(v) for v in request.POST.getlist("products")) if i is not None]
        deal = call_service(errs, services.deal_propose, user=request.user, kol_id=kol_id, product_ids=ids,
                            **_terms_from(request.POST))
        if deal is not None:
            messages.success(request, _("合作邀约已发出，等待达人回复"))
            return redirect("kolmarket-deal", deal_id=deal.pk)
        form: Any = request.POST
    else:
        today = timezone.localdate()
        form = {"rate": "20", "fee": "0", "starts_on": today.isoformat(),
                "ends_on": (today + dt.timedelta(days=30)).isoformat(), "posts": "1", "lives": "0"}
    products = merchant_products(merchant=merchant).filter(on_shelf=True)[:50] if merchant is not None else []
    chosen = set(request.POST.getlist("products")) if request.method == "POST" else set()
    return render(request, "kolmarket/propose.html", {
        "profile": profile, "merchant": merchant, "products": products, "chosen": chosen, "form": form,
        "errors": errs, "nav": "me"}, status=400 if errs else 200)


@login_required
def my_deals(request: HttpRequest) -> HttpResponse:
    """Both sides of "my deals": incoming proposals (as a KOL) and the shop's proposals (as a merchant)."""
    merchant = selectors.merchant_of(request.user)
    side = request.GET.get("side") or ("merchant" if merchant is not None else "kol")
    if side == "merchant" and merchant is not None:
        deals = selectors.deals_of_merchant(merchant_id=merchant.pk)
    else:
        side, deals = "kol", selectors.deals_of_kol(user_id=_me(request))
    return render(request, "kolmarket/deals.html", {
        "page": page_of(request, deals), "side": side, "merchant": merchant,
        "counts": selectors.counts_for(user=request.user), "me": selectors.profile_get(user_id=_me(request)),
        "open_statuses": (DealStatus.PROPOSED, DealStatus.COUNTERED), "nav": "me"})


@login_required
def join(request: HttpRequest) -> HttpResponse:
    """List myself in the directory (or leave it): a short bio and the community whose shelf gets deal products."""
    errs: list[str] = []
    if request.method == "POST":
        if request.POST.get("leave"):
            services.profile_leave(user=request.user)
            messages.success(request, _("已退出达人广场"))
            return redirect("kolmarket-deals")
        done = call_service(errs, services.profile_join, user=request.user, bio=request.POST.get("bio", ""),
                            shelf_community_id=_int(request.POST.get("community")))
        if done is not None:
            messages.success(request, _("已入驻达人广场，商家可以找到你了"))
            return redirect("kolmarket-deals")
    return render(request, "kolmarket/join.html", {
        "me": selectors.profile_get(user_id=_me(request)), "communities": selectors.pick_communities(request.user),
        "errors": errs, "nav": "me"}, status=400 if errs else 200)


@login_required
def deal(request: HttpRequest, deal_id: int) -> HttpResponse:
    try:
        found = selectors.deal_for_viewer(user=request.user, deal_id=deal_id)
    except DomainError as exc:
        return error_response(request, exc)
    page = selectors.deal_page(found)
    is_kol = found.kol_id == request.user.pk
    open_ = found.status in (DealStatus.PROPOSED, DealStatus.COUNTERED)
    my_turn = open_ and (is_kol == (found.status == DealStatus.PROPOSED))
    return render(request, "kolmarket/deal.html", {
        "p": page, "d": found, "is_kol": is_kol, "my_turn": my_turn, "open": open_,
        "form": {"rate": f"{(found.commission_rate * 100).normalize():f}",
                 "fee": f"{found.fixed_fee_fen // 100}.{found.fixed_fee_fen % 100:02d}",
                 "starts_on": found.starts_on.isoformat(), "ends_on": found.ends_on.isoformat(),
                 "posts": found.posts_required, "lives": found.lives_required},
        "nav": "me"})


ACTIONS = {"accept", "decline", "withdraw", "counter"}


@login_required
@require_POST
def deal_action(request: HttpRequest, deal_id: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    errs: list[str] = []
    if action == "accept":
        done = call_service(errs, services.deal_accept, user=request.user, deal_id=deal_id)
        ok = _("已接受合作，商品已上架到达人货架")
    elif action == "decline":
        done = call_service(errs, services.deal_decline, user=request.user, deal_id=deal_id,
                            note=request.POST.get("note", ""))
        ok = _("已拒绝")
    elif action == "withdraw":
        done = call_service(errs, services.deal_withdraw, user=request.user, deal_id=deal_id)
        ok = _("已撤回邀约")
    else:
        done = call_service(errs, services.deal_counter, user=request.user, deal_id=deal_id,
                            **_terms_from(request.POST))
        ok = _("已还价，等待商家回复")
    if done is not None:
        messages.success(request, ok)
    for e in errs:
        messages.error(request, e)
    return redirect("kolmarket-deal", deal_id=deal_id)
