"""Mall pages: the mall page (its three communities, the calendar's next items, current joint campaigns and the
partners' offers), the shared calendar of tenants (sign-up by HTMX), a joint campaign's page, a partner's offer
page. Thin: services and selectors do the work."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from quanzi.core.errors import DomainError
from quanzi.core.pages import error_response
from quanzi.malls import selectors, services

if TYPE_CHECKING:
    from quanzi.accounts.models import User


def mall_page(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        mall = selectors.mall_get(slug=slug)
    except DomainError as exc:
        return error_response(request, exc)
    page = selectors.mall_page(mall=mall, user=request.user)
    return render(request, "malls/mall.html", {"p": page, "mall": mall, "next": request.path})


@login_required
def calendar_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The shared calendar, for the mall's operators, tenants and partners; tenants sign their shop up."""
    try:
        mall = selectors.mall_get(slug=slug)
        viewer = selectors.require_insider(user=request.user, mall=mall)
    except DomainError as exc:
        return error_response(request, exc)
    return render(request, "malls/calendar.html", {
        "mall": mall, "viewer": viewer, "months": selectors.calendar(mall=mall, viewer=viewer),
        "notices": selectors.notices(mall=mall)})


@login_required
@require_POST
def calendar_signup(request: HttpRequest, slug: str, item_id: int) -> HttpResponse:
    """Sign my shop up (HTMX: the item's row comes back, showing it signed up, or the reason it was refused)."""
    error = ""
    try:
        mall = selectors.mall_get(slug=slug)
        viewer = selectors.require_insider(user=request.user, mall=mall)
    except DomainError as exc:
        return error_response(request, exc)
    try:
        services.calendar_signup(actor=cast("User", request.user), mall=mall, item_id=item_id,
                                 note=request.POST.get("note", ""))
    except DomainError as exc:
        if exc.status == 404:
            return error_response(request, exc)
        error = str(exc.message)
    row = selectors.calendar_row(mall=mall, viewer=viewer, item_id=item_id)
    # 200 either way: htmx swaps only 2xx answers, and the row carries the refusal's message
    return render(request, "malls/_calendar_row.html", {"mall": mall, "viewer": viewer, "r": row, "error": error})


def campaign_page(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    try:
        mall = selectors.mall_get(slug=slug)
        view = selectors.campaign_view(mall=mall, campaign_id=campaign_id, user=request.user)
    except DomainError as exc:
        return error_response(request, exc)
    return render(request, "malls/campaign.html", {"mall": mall, "v": view, "next": request.path})


def partner_page(request: HttpRequest, slug: str, partner_id: int) -> HttpResponse:
    """What a partner shows its guests: the mall and the tenants' coupons offered to them."""
    try:
        mall = selectors.mall_get(slug=slug)
        partner = selectors.partner_get(mall=mall, partner_id=partner_id)
    except DomainError as exc:
        return error_response(request, exc)
    return render(request, "malls/partner.html", {
        "mall": mall, "partner": partner, "next": request.path,
        "offers": selectors.partner_offers(mall=mall, partner=partner, user=request.user)})
