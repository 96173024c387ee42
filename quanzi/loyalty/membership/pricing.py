"""The membership steps of the price waterfall (`orders.pricing`), registered in `AppConfig.ready()`:

- member price (`MEMBER_CHECKS`): a member whose level gives it (银卡 and up by default) or who has a paid period
  running is charged the SKU's `member_price_fen`;
- a paid plan's extra discount (`CAMPAIGN_ADJUSTERS`, source `membership:plan`): `extra_discount_percent` of what
  the goods still cost after member price and campaigns, on lines no campaign priced (a flash-sale or group price
  takes no member discount on top), and coupons still apply (`allows_coupons`). It is a campaign-stage step
  because `orders.pricing` has no adjuster list for the member stage; the line's waterfall shows it by its label;
- free shipping (`SHIPPING_ADJUSTERS`): a paid plan with `free_shipping` takes every parcel's fee off (source
  `membership:shipping`); otherwise the level's threshold takes off the fee of each merchant whose goods, as
  finally priced, reach it (source `level:shipping`).

Virtual goods that are membership plans get none of these."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from quanzi.core.money import percent_of
from quanzi.loyalty.membership import selectors
from quanzi.loyalty.membership.selectors import Benefits
from quanzi.orders.pricing import Adjustment, PricedLine, PricingContext, shipping_fee
from quanzi.orders.selectors import shipping_rules

PLAN_SOURCE = "membership:plan"
PLAN_SHIPPING_SOURCE = "membership:shipping"
LEVEL_SHIPPING_SOURCE = "level:shipping"
NOTE = "loyalty.membership"


def member_check(user: Any) -> bool:
    return selectors.benefits_of(user=user).member_price


def _benefits(ctx: PricingContext) -> Benefits:
    if NOTE not in ctx.notes:
        ctx.notes[NOTE] = selectors.benefits_of(user=ctx.user)
    benefits: Benefits = ctx.notes[NOTE]
    return benefits


def _goods_lines(ctx: PricingContext) -> list[PricedLine]:
    plan_skus = selectors.plan_sku_ids()
    return [ln for ln in ctx.lines if ln.sku_id not in plan_skus]


def plan_discount(ctx: PricingContext) -> list[Adjustment]:
    b = _benefits(ctx)
    if b.extra_discount_percent <= 0 or b.plan is None:
        return []
    campaign_priced = {sku for adj in ctx.applied if adj.stage == "campaign" for sku, fen in adj.per_line.items()
                       if fen > 0}
    lines = [ln for ln in _goods_lines(ctx) if ln.sku_id not in campaign_priced and ln.goods_payable_fen > 0]
    amount = percent_of(sum(ln.goods_payable_fen for ln in lines), Decimal(b.extra_discount_percent) / 100)
    if amount <= 0:
        return []
    label = _("%(plan)s 会员 %(p)s%% 折扣") % {"plan": b.plan.name, "p": b.extra_discount_percent}
    return [Adjustment(stage="campaign", amount_fen=amount, label=label, source=PLAN_SOURCE,
                       sku_ids=frozenset(ln.sku_id for ln in lines), allows_coupons=True)]


def _fees(ctx: PricingContext, lines: list[PricedLine]) -> dict[int, tuple[int, int]]:
    """Each merchant's fee as the quote has it now (less earlier shipping adjustments), and its goods payable."""
    merchants: dict[int, list[PricedLine]] = {}
    for ln in lines:
        merchants.setdefault(ln.merchant_id, []).append(ln)
    if not merchants:
        return {}
    rules = shipping_rules(set(merchants))
    out = {}
    for m, mlines in merchants.items():
        goods = sum(ln.goods_payable_fen for ln in mlines)
        fee = shipping_fee(rules.get(m), pieces=sum(ln.quantity for ln in mlines),
                           weight_g=sum(ln.weight_g for ln in mlines), goods_payable_fen=goods)
        out[m] = (fee, goods)
    for adj in ctx.applied:
        if adj.stage == "shipping":
            for m, off in adj.per_merchant.items():
                if m in out:
                    out[m] = (max(0, out[m][0] - off), out[m][1])
    return out


def free_shipping(ctx: PricingContext) -> list[Adjustment]:
    b = _benefits(ctx)
    threshold = b.free_shipping_threshold_fen
    if not b.plan_free_shipping and threshold is None:
        return []
    out: list[Adjustment] = []
    for merchant_id, (fee, goods) in sorted(_fees(ctx, _goods_lines(ctx)).items()):
        if fee <= 0:
            continue
        if b.plan_free_shipping and b.plan is not None:
            out.append(Adjustment(stage="shipping", amount_fen=fee, merchant_id=merchant_id,
                                  label=_("%(plan)s 会员包邮") % {"plan": b.plan.name}, source=PLAN_SHIPPING_SOURCE))
        elif threshold is not None and goods >= threshold and b.level is not None:
            out.append(Adjustment(stage="shipping", amount_fen=fee, merchant_id=merchant_id,
                                  label=_("%(level)s 包邮") % {"level": b.level.name}, source=LEVEL_SHIPPING_SOURCE))
    return out
