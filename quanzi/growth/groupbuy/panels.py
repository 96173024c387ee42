"""What group-buy shows on other apps' pages through their registries: on the product page, the running campaign
(group price, "open a group") and its open groups to join; on the checkout page, the group the order takes a place
in (or why it cannot)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.core.errors import DomainError
from quanzi.growth.groupbuy import selectors
from quanzi.growth.groupbuy.links import checkout_url
from quanzi.orders.pricing import Quote


def fill_text(minutes: int) -> str:
    if minutes % 60 == 0:
        return _("%(h)s 小时内成团") % {"h": minutes // 60}
    return _("%(m)s 分钟内成团") % {"m": minutes}


def product_panel(request: Any, product: Any) -> str:
    user = getattr(request, "user", None)
    campaigns = list(selectors.campaigns_running(viewer=user, product_id=product.pk)[:3])
    if not campaigns:
        return ""
    groups = selectors.groups_open_for_product(product_id=product.pk, viewer=user)
    now = timezone.now()
    for g in groups:
        g.seconds_left = max(0, int((g.deadline - now).total_seconds()))  # type: ignore[attr-defined]
    entries = [{"campaign": c, "open_url": checkout_url(sku_id=c.sku_id, campaign_id=c.pk),
                "fill": fill_text(c.fill_minutes), "groups": [g for g in groups if g.campaign_id == c.pk]}
               for c in campaigns]
    return render_to_string("groupbuy/_product_panel.html", {"entries": entries}, request=request)


def checkout_panel(request: Any, quote: Quote | None, options: dict[str, Any]) -> str:
    if quote is None or not (options.get("group_id") or options.get("campaign_id")):
        return ""
    problem = ""
    target = None
    try:
        target = selectors.place_target(user=request.user, options=options,
                                        lines=[(ln.sku_id, ln.quantity) for ln in quote.lines])
    except DomainError as exc:
        problem = str(exc.message)
    if target is None and not problem:
        return ""
    return render_to_string("groupbuy/_checkout_panel.html", {"t": target, "problem": problem}, request=request)
