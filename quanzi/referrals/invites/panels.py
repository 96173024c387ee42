"""The "invite a friend" panel on the product page (catalog.hooks.product_panel): a logged-in member opens their
invite link, QR code and poster for this product."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string


def product_panel(request: Any, product: Any) -> str:
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return render_to_string("invites/_panel_product.html", {"product": product}, request=request)
