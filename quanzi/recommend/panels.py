"""The panels recommend shows on other apps' pages (registered in `RecommendConfig.ready`): on a community's feed
and shop pages (为你推荐 in this community, 本社群热卖) and on the product page (买了还买). Each is a placeholder
HTMX fills after the page has loaded, so the page itself costs no recommendation work."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string


def community_panel(request: Any, community: Any) -> str:
    # no request: the slots need no context processor, and those cost queries (the inbox count) on every page
    return render_to_string("recommend/_community_slots.html", {"community": community})


def product_panel(request: Any, product: Any) -> str:
    return render_to_string("recommend/_slot.html", {"url": f"/recommend/product/{product.pk}/also-bought/",
                                                     "slot_id": "also-bought-slot"})
