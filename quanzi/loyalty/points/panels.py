"""The points choice on the checkout page (registered in `PointsConfig.ready`): how many points the member holds,
the most this order may take, and a field `options.points` in the page's re-price form."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from quanzi.loyalty.points import rules, selectors
from quanzi.loyalty.points.conf import conf
from quanzi.loyalty.points.pricing import POINTS_SOURCE, cap_points, requested_points
from quanzi.orders.pricing import Quote


def checkout_panel(request: Any, quote: Quote | None, options: dict[str, Any]) -> str:
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False) or quote is None:
        return ""
    held = selectors.points_balance(user_id=user.pk)
    if held <= 0:
        return ""
    applied_fen = sum(a.amount_fen for a in quote.adjustments if a.source == POINTS_SOURCE)
    usable = min(held, cap_points(quote.lines))
    return render_to_string("points/_panel_checkout.html", {
        "held": held, "usable": usable, "usable_fen": rules.fen_for_points(usable), "applied_fen": applied_fen,
        "chosen": requested_points(options), "percent": conf("REDEEM_MAX_PERCENT"),
        "per_yuan": conf("REDEEM_PER_YUAN")}, request=request)
