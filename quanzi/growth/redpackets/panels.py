"""The red-packet panels other apps' pages show (registered in `RedPacketsConfig.ready`): the balance choice on the
checkout page, and a community's open red packets with the "send a red packet" link."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from quanzi.communities.selectors import has_perm
from quanzi.growth.redpackets import selectors
from quanzi.growth.redpackets.pricing import BALANCE_SOURCE, requested_fen
from quanzi.orders.pricing import Quote


def _user(request: Any) -> Any:
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def checkout_panel(request: Any, quote: Quote | None, options: dict[str, Any]) -> str:
    user = _user(request)
    if user is None or quote is None:
        return ""
    balance = selectors.balance_of(user_id=user.pk)
    if balance <= 0:
        return ""
    applied = sum(a.amount_fen for a in quote.adjustments if a.source == BALANCE_SOURCE)
    return render_to_string("redpackets/_panel_checkout.html", {
        "balance_fen": balance, "applied_fen": applied, "chosen": requested_fen(options) > 0}, request=request)


def community_panel(request: Any, community: Any) -> str:
    user = _user(request)
    packets = selectors.community_packets(community_id=community.pk)
    can_send = user is not None and has_perm(user=user, community=community, perm="post")
    if not packets and not can_send:
        return ""
    return render_to_string("redpackets/_panel_community.html", {
        "packets": packets, "can_send": can_send, "community": community}, request=request)
