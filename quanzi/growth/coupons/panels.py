"""The coupon panels other apps' pages show (registered in `CouponsConfig.ready`): coupons to claim on a product
page and on a community's pages, and the coupon picker of the checkout page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.template.loader import render_to_string

from quanzi.communities.selectors import active_role
from quanzi.core.errors import DomainError
from quanzi.growth.coupons import selectors
from quanzi.orders.pricing import Quote

PANEL_SIZE = 3


def _user(request: Any) -> Any:
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def product_panel(request: Any, product: Any) -> str:
    templates = list(selectors.claimable_list(user=_user(request), product=product)[:PANEL_SIZE + 1])
    if not templates:
        return ""
    return render_to_string("coupons/_panel_claim.html", {
        "templates": templates[:PANEL_SIZE], "more": len(templates) > PANEL_SIZE, "more_url": "/coupons/",
        "next": request.get_full_path() if request is not None else "", "panel_id": "product-coupons"},
        request=request)


def community_panel(request: Any, community: Any) -> str:
    user = _user(request)
    templates = list(selectors.claimable_list(user=user, community_id=community.pk)[:PANEL_SIZE + 1])
    # what joining gives, for those who have not joined (a member already had it, or joined before it began)
    welcome = [] if user is not None and active_role(user=user, community=community) is not None else \
        list(selectors.welcome_list(community_id=community.pk)[:PANEL_SIZE])
    if not templates and not welcome:
        return ""
    return render_to_string("coupons/_panel_claim.html", {
        "templates": templates[:PANEL_SIZE], "more": len(templates) > PANEL_SIZE, "welcome": welcome,
        "more_url": f"/coupons/?community={community.pk}", "community": community,
        "next": request.get_full_path() if request is not None else "", "panel_id": "community-coupons"},
        request=request)


def checkout_panel(request: Any, quote: Quote | None, options: dict[str, Any]) -> str:
    user = _user(request)
    if user is None or quote is None:
        return ""
    items = [(ln.sku_id, ln.quantity) for ln in quote.lines]  # what the page priced (one SKU, or the cart)
    try:
        advice = selectors.coupon_advice(user=user, items=items, options=options)
    except DomainError:
        return ""
    chosen = [int(i) for i in options.get("coupon_ids") or []]
    applied = {a.source: a.amount_fen for a in quote.adjustments if a.source.startswith("coupon:")}
    groups = [{"key": key, "merchant_id": merchant_id, "options": group,
               "shop": getattr(group[0].coupon.template.merchant, "business_name", ""),
               "none_chosen": not any(o.coupon.pk in chosen for o in group)}
              for key, merchant_id, group in advice.groups()]
    return render_to_string("coupons/_panel_checkout.html", {
        "advice": advice, "chosen": chosen, "groups": groups, "applied_total": sum(applied.values()),
        "is_best": sorted(chosen) == sorted(advice.best_ids),
        "best_url": _checkout_url(request, options, advice.best_ids)}, request=request)


def _checkout_url(request: Any, options: dict[str, Any], coupon_ids: list[int]) -> str:
    """The checkout page with these coupons chosen and the other options as they are (the field names of
    `orders.views`)."""
    data = request.POST if request.method == "POST" else request.GET
    params: list[tuple[str, Any]] = [("options_chosen", 1)]
    if str(data.get("sku_id", "")).isdigit():
        params += [("sku_id", data["sku_id"]), ("quantity", data.get("quantity", "1"))]
    for name, value in options.items():
        if name == "coupon_ids":
            continue
        key = f"options.{name}" if name in ("points", "campaign_id", "group_id") else f"options.extra.{name}"
        params.append((key, value))
    params += [("options.coupon_ids", i) for i in coupon_ids]
    return "/checkout/?" + urlencode(params)


def community_packets_panel(request: Any, community: Any) -> str:
    """The community's open coupon packets (券包)."""
    from quanzi.growth.coupons.packets import community_open_packets

    open_packets = list(community_open_packets(community_id=community.pk))
    if not open_packets:
        return ""
    return render_to_string("coupons/_panel_packets.html", {"packets": open_packets}, request=request)
