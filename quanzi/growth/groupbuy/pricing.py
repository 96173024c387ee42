"""The group price in the price waterfall: a `CAMPAIGN_ADJUSTERS` adjustment (orders.pricing) when the buyer's
options open a group (`campaign_id`) or join one (`group_id`). It takes the line down to the group price (or the
leader price for the member who opens the group) and says so with the source `groupbuy:<campaign id>`. Options
the checkout would refuse (a full or closed group, a campaign not running ...) are refused here already, with the
same code, so a quote never shows a price the checkout would not give."""

from __future__ import annotations

from django.utils.translation import gettext as _

from quanzi.growth.groupbuy import rules, selectors
from quanzi.growth.groupbuy.enums import MemberRole
from quanzi.orders.pricing import Adjustment, PricingContext


def group_price(ctx: PricingContext) -> list[Adjustment]:
    target = selectors.place_target(user=ctx.user, options=ctx.options,
                                    lines=[(ln.sku_id, ln.quantity) for ln in ctx.lines])
    if target is None:
        return []
    line = ctx.lines[0]
    off = line.goods_payable_fen - target.unit_price_fen * line.quantity
    if off <= 0:  # the member price is already as low: nothing to take off, the place is still taken
        return []
    leader = target.role == MemberRole.LEADER and target.campaign.leader_price_fen is not None
    return [Adjustment(stage="campaign", amount_fen=off, label=_("团长价") if leader else _("拼团价"),
                       sku_ids=frozenset({line.sku_id}), source=rules.adjustment_source(target.campaign.pk))]
