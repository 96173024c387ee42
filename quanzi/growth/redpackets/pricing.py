"""The balance step of the price waterfall: the `points` stage of `orders.pricing` (after coupons, before
shipping), source `balance`. The buyer asks for `balance_fen` (the API's `options.extra.balance_fen`, flattened
into the options as every plug-in option is; the checkout page's `options.extra.balance_fen` field); the adjuster takes at most the
member's balance, and at most what the lines still cost (pricing caps it and spreads it over all lines by what each
still costs). The checkout hook (`services.balance_redeem`) books it under the balance lock."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from quanzi.growth.redpackets.selectors import balance_of
from quanzi.orders.pricing import Adjustment, PricingContext

BALANCE_SOURCE = "balance"


def requested_fen(options: dict[str, Any]) -> int:
    """What the buyer asked to spend (`balance_fen` in the options), 0 for nothing or garbage."""
    raw = options.get("balance_fen", 0)
    if isinstance(raw, list | tuple):
        raw = raw[-1] if raw else 0
    try:
        value = int(str(raw).strip() or 0)
    except (TypeError, ValueError):
        return 0
    return max(0, value)


def balance_adjuster(ctx: PricingContext) -> list[Adjustment]:
    wanted = requested_fen(ctx.options)
    user = ctx.user
    if wanted <= 0 or user is None or not getattr(user, "is_authenticated", False):
        return []
    room = sum(ln.goods_payable_fen for ln in ctx.lines)
    amount = min(wanted, balance_of(user_id=user.pk), room)
    if amount <= 0:
        return []
    return [Adjustment(stage="points", amount_fen=amount, label=_("红包余额抵扣"), source=BALANCE_SOURCE)]
