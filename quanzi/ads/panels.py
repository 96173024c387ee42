"""The ad slots on other apps' pages (registered in `AdsConfig.ready`). Each is a placeholder HTMX fills after
the page has loaded (`/ads/slot/<placement>/`): the page itself costs no ad work, and an impression is billed only
when a browser really asks for the ad."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from quanzi.ads.enums import Placement


def slot(placement: str, **params: int) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return render_to_string("ads/_slot_placeholder.html", {
        "placement": placement, "url": f"/ads/slot/{placement}/" + (f"?{query}" if query else "")})


def home_panel(request: Any) -> str:
    return slot(Placement.HOME)


def community_panel(request: Any, community: Any) -> str:
    return slot(Placement.FEED, community=community.pk)


def product_panel(request: Any, product: Any) -> str:
    return slot(Placement.PRODUCT, product=product.pk)
