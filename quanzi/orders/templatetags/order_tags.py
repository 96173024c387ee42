"""`{{ order|order_status }}`: the order's status label as it reads now. And the price waterfall, step by step,
from the adjustments (docs/ARCHITECTURE.md, "The order pipeline and its plug-ins"): for a quote
`{% for s in line|quote_line_steps:quote %}` and `{% for s in mq|quote_shipping_steps:quote %}`; for a placed
order `{% for s in line|order_line_steps %}` and `{% for s in order|order_shipping_steps %}` (the
`OrderLineAdjustment` rows). Each step has `stage`, `label` (what the plug-in called it: a coupon's name, a
campaign's) and `amount_fen`, in waterfall order: member → campaign → each coupon → points; shipping apart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.orders.enums import OrderStatus
from quanzi.orders.pricing import STAGES
from quanzi.orders.rules import effective_status

register = template.Library()


@register.filter
def order_status(order: Any) -> str:
    """The order's status label as it reads now (an unpaid order past its deadline shows as cancelled)."""
    return str(OrderStatus(effective_status(order, timezone.now())).label)


@register.filter
def status_label(value: Any) -> str:
    """A stored status value's label (an `OrderStatusChange.to_status`); an unknown value shows as it is."""
    return str(OrderStatus(value).label) if value in OrderStatus.values else str(value)


@dataclass(frozen=True)
class Step:
    stage: str
    label: str
    amount_fen: int


def _default_label(stage: str) -> str:
    return {"member": _("会员价优惠"), "campaign": _("活动优惠"), "coupon": _("优惠券"), "points": _("积分抵扣"),
            "shipping": _("运费优惠")}.get(stage, stage)


def _ordered(steps: list[tuple[int, Step]]) -> list[Step]:
    rank = {stage: i for i, stage in enumerate(STAGES)}
    return [s for _n, s in sorted(steps, key=lambda p: (rank.get(p[1].stage, len(rank)), p[0]))]


@register.filter
def quote_line_steps(line: Any, quote: Any) -> list[Step]:
    """The discounts of one priced line, each adjustment apart, in waterfall order."""
    steps: list[tuple[int, Step]] = []
    if line.member_discount_fen:
        steps.append((-1, Step("member", _default_label("member"), line.member_discount_fen)))
    for n, adj in enumerate(quote.adjustments if quote is not None else []):
        part = adj.per_line.get(line.sku_id, 0) if adj.stage != "shipping" else 0
        if part:
            steps.append((n, Step(adj.stage, adj.label or _default_label(adj.stage), part)))
    return _ordered(steps)


@register.filter
def quote_shipping_steps(merchant_quote: Any, quote: Any) -> list[Step]:
    """What shipping adjustments (a free-shipping coupon) took off one merchant's fee."""
    return [Step("shipping", adj.label or _default_label("shipping"), off)
            for adj in (quote.adjustments if quote is not None else [])
            if adj.stage == "shipping" and (off := adj.per_merchant.get(merchant_quote.merchant_id, 0))]


@register.filter
def plus(amount_fen: int, steps: list[Step]) -> int:
    """A net amount with the steps taken off it added back (the shipping fee before a free-shipping coupon)."""
    return int(amount_fen) + sum(s.amount_fen for s in steps)


@register.filter
def order_line_steps(line: Any) -> list[Step]:
    """The discounts of one order line as its `OrderLineAdjustment` rows recorded them (shipping apart)."""
    return _ordered([(row.pk, Step(row.stage, row.label or _default_label(row.stage), row.amount_fen))
                     for row in line.adjustments.all() if row.stage != "shipping"])


@register.filter
def order_shipping_steps(order: Any) -> list[Step]:
    """What shipping adjustments took off the order's fee, per source, from its lines' rows."""
    by_source: dict[str, Step] = {}
    for line in order.lines.all():
        for row in line.adjustments.all():
            if row.stage != "shipping":
                continue
            seen = by_source.get(row.source)
            label = row.label or _default_label("shipping")
            by_source[row.source] = Step("shipping", label, row.amount_fen + (seen.amount_fen if seen else 0))
    return list(by_source.values())
