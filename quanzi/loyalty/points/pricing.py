"""Points in the price waterfall: the `points` stage of `orders.pricing` (after coupons, before shipping), source
`points`. The buyer asks for a number of points (`options.points`, the API's and the checkout page's field);
100 points take ¥1 off (`REDEEM_PER_YUAN`), at most `REDEEM_MAX_PERCENT` (50 %) of the goods as they cost before
the points stage (after member, campaign and coupon prices, shipping excluded).

Asking for more than the member holds, or more than the cap, is refused with its code (`points_insufficient`,
`points_over_cap`): the quote and the checkout fail, nothing is written, and the page shows the message with the
most the member may use. The checkout hook (`services.points_redeem`) books what the quote took off, under the
member's points lock."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from quanzi.loyalty.points import errors, rules
from quanzi.loyalty.points.conf import conf
from quanzi.loyalty.points.selectors import points_balance
from quanzi.orders.pricing import Adjustment, PricedLine, PricingContext

POINTS_SOURCE = "points"


def requested_points(options: dict[str, Any]) -> int:
    """What the buyer asked to spend (`points` in the options), 0 for nothing or garbage (the API's schema and
    the page's form already refuse negative numbers and text)."""
    raw = options.get("points", 0)
    if isinstance(raw, list | tuple):
        raw = raw[-1] if raw else 0
    if isinstance(raw, bool):
        return 0
    try:
        value = int(str(raw).strip() or 0)
    except (TypeError, ValueError):
        return 0
    return max(0, value)


def goods_before_points(lines: list[PricedLine]) -> int:
    """What the goods cost before the points stage: the cap is measured on this, whichever plug-in of the stage
    (the red-packet balance, points) runs first."""
    return sum(ln.goods_payable_fen + ln.points_discount_fen for ln in lines)


def cap_points(lines: list[PricedLine]) -> int:
    """The most points these lines take (the cap, in points)."""
    return rules.points_for_fen(rules.redeem_cap_fen(goods_before_points(lines)))


def points_adjuster(ctx: PricingContext) -> list[Adjustment]:
    wanted = requested_points(ctx.options)
    user = ctx.user
    if wanted <= 0 or user is None or not getattr(user, "is_authenticated", False):
        return []
    held = points_balance(user_id=user.pk)
    if wanted > held:
        raise errors.points_insufficient(held, wanted)
    cap = cap_points(ctx.lines)
    if wanted > cap:
        raise errors.points_over_cap(cap, conf("REDEEM_MAX_PERCENT"))
    fen = rules.fen_for_points(wanted)
    if fen <= 0:
        return []
    return [Adjustment(stage="points", amount_fen=fen, label=_("积分抵扣"), source=POINTS_SOURCE)]
