"""Red-packet pages: the claim page, the "send a red packet" form (from a community's page), and "my balance"
with its ledger. Thin: the services and selectors do the work."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.communities.selectors import community_by_id, has_perm, my_communities
from quanzi.core.events import track
from quanzi.core.money import parse_yuan
from quanzi.core.pages import call_service, error_response, page_of
from quanzi.growth.redpackets import errors, rules, selectors, services


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) <= 12 else None


def packet_detail(request: HttpRequest, packet_id: int) -> HttpResponse:
    packet = selectors.packet_get(packet_id=packet_id)
    if packet is None:
        return error_response(request, errors.packet_not_found())
    view = selectors.packet_view(packet=packet, user=request.user)
    track("page.redpacket", user=request.user, obj=packet, community_id=packet.community_id)
    return render(request, "redpackets/detail.html", {"v": view, "p": packet, "nav": "home"})


@require_POST
def packet_claim(request: HttpRequest, packet_id: int) -> HttpResponse:
    target = f"/redpackets/{packet_id}/"
    if not request.user.is_authenticated:
        return redirect(f"/login/?next={target}")
    errs: list[str] = []
    share = call_service(errs, services.redpacket_claim, user=request.user, packet_id=packet_id)
    if share is not None:
        messages.success(request, _("领到 ¥%(y)s，已存入余额") % {"y": f"{share.amount_fen / 100:.2f}"})
    for e in errs:
        messages.error(request, e)
    return redirect(target)


@login_required
def packet_new(request: HttpRequest) -> HttpResponse:
    """The "send a red packet" form: amount in yuan, the number of shares, a greeting; paid from the balance."""
    user = request.user
    communities = [c for c in my_communities(user=user) if has_perm(user=user, community=c, perm="post")]
    data = request.POST if request.method == "POST" else request.GET
    community_id = _int(data.get("community"))
    errs: list[str] = []
    if request.method == "POST":
        try:
            amount_fen = parse_yuan(data.get("amount", ""), symbol=True)
        except ValueError:
            amount_fen = 0
        shares = _int(data.get("shares")) or 0
        if community_id is None or community_by_id(community_id=community_id) is None:
            errs.append(str(errors.community_not_found().message))
        else:
            if data.get("pay_with") == "cashier":  # paid at the cashier; the packet opens once the order is paid
                packet = call_service(errs, services.redpacket_create_for_payment, funder=user,
                                      community_id=community_id, amount_fen=amount_fen, shares=shares,
                                      greeting=data.get("greeting", ""), idempotency_key=data.get("key", ""))
                if packet is not None:
                    return redirect(f"/orders/{packet.order_id}/")
            else:
                packet = call_service(errs, services.redpacket_create_and_fund, funder=user,
                                      community_id=community_id, amount_fen=amount_fen, shares=shares,
                                      greeting=data.get("greeting", ""))
                if packet is not None:
                    messages.success(request, _("红包已发出"))
                    return redirect(f"/redpackets/{packet.pk}/")
    return render(request, "redpackets/new.html", {
        "communities": communities, "community_id": community_id, "errors": errs, "data": data,
        "key": data.get("key") or uuid.uuid4().hex,  # one packet per form, however often it is sent
        "balance_fen": selectors.balance_of(user_id=user.pk), "max_shares": rules.max_shares(),
        "hours": int(rules.lifetime().total_seconds() // 3600), "nav": "me"}, status=400 if errs else 200)


@login_required
def my_balance(request: HttpRequest) -> HttpResponse:
    services.redpackets_expire_due(funder_id=request.user.pk)  # a packet past its deadline pays back before we sum
    page = page_of(request, selectors.balance_entries(user=request.user))
    return render(request, "redpackets/balance.html", {
        "page": page, "balance_fen": selectors.balance_of(user_id=request.user.pk), "nav": "me"})
