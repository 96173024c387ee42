"""What chat shows on other apps' pages through their registries: the 联系客服 button on the product page."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from quanzi.chat import selectors


def product_panel(request: Any, product: Any) -> str:
    user = getattr(request, "user", None)
    if selectors.is_agent(user=user, merchant=product.merchant):
        return ""  # the shop does not ask itself
    return render_to_string("chat/_product_panel.html", {"product": product}, request=request)


def profile_panel(request: Any, member: Any) -> str:
    """On a member's profile: a 私信 button for a visitor who may write to them; on one's own profile, the way to
    one's conversations and settings (and the shop's service queue for merchants and their agents)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    if user.pk == member.pk:
        return render_to_string("chat/_profile_panel.html", {"own": True,
                                                              "serves": bool(selectors.merchants_served(user=user))},
                                request=request)
    if not selectors.may_message(sender=user, recipient_id=member.pk):
        return ""
    return render_to_string("chat/_profile_panel.html", {"own": False, "member": member}, request=request)
