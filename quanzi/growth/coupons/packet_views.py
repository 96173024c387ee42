"""Coupon packet pages (券包): a packet's page where members take their coupon, and the form a merchant (or an
operator) uses to post one into a community. Thin: `packets` does the work."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.catalog.services import merchant_of
from quanzi.communities.selectors import has_perm, my_communities
from quanzi.core.errors import DomainError
from quanzi.core.pages import call_service, error_response
from quanzi.growth.coupons import errors, packets, selectors
from quanzi.growth.coupons.enums import TemplateStatus


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) <= 12 else None


def packet_detail(request: HttpRequest, packet_id: int) -> HttpResponse:
    packet = packets.packet_get(packet_id=packet_id)
    if packet is None:
        return error_response(request, errors.packet_not_found())
    view = packets.packet_view(packet=packet, user=request.user)
    return render(request, "coupons/packet.html", {"p": packet, "v": view, "t": packet.template, "nav": "home"})


@login_required
@require_POST
def packet_claim(request: HttpRequest, packet_id: int) -> HttpResponse:
    try:
        packets.coupon_packet_claim(user=request.user, packet_id=packet_id)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("已领取，券在「我的优惠券」"))
    return redirect(f"/coupons/packets/{packet_id}/")


def _templates_for(user: Any) -> list[Any]:
    if user.is_staff:
        return list(selectors.templates_for_operator(status=TemplateStatus.ACTIVE)[:50])
    return list(selectors.templates_for_merchant(merchant=merchant_of(user), status=TemplateStatus.ACTIVE)[:50])


@login_required
def packet_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    try:
        templates = _templates_for(user)
    except DomainError as exc:
        return error_response(request, exc)
    communities = [c for c in my_communities(user=user) if has_perm(user=user, community=c, perm="post")]
    data = request.POST if request.method == "POST" else request.GET
    errs: list[str] = []
    if request.method == "POST":
        packet = call_service(errs, packets.coupon_packet_create, actor=user,
                              template_id=_int(data.get("template")) or 0,
                              community_id=_int(data.get("community")) or 0, shares=_int(data.get("shares")) or 0,
                              hours=_int(data.get("hours")) or 0, greeting=data.get("greeting", ""))
        if packet is not None:
            messages.success(request, _("券包已发出"))
            return redirect(f"/coupons/packets/{packet.pk}/")
    return render(request, "coupons/packet_new.html", {
        "templates": templates, "communities": communities, "data": data, "errors": errs,
        "community_id": _int(data.get("community")), "template_id": _int(data.get("template")),
        "max_shares": packets.MAX_SHARES, "nav": "me"}, status=400 if errs else 200)
