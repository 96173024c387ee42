"""Member-level purchase facts for personas' tags and segments: one member's paid lines, and spend and order
counts per buyer over a window. An order counts once it is paid (`paid_at` set) and not cancelled; spend is what
was paid less what was refunded, in fen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Sum

from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import Order, OrderLine


@dataclass(frozen=True)
class PaidLine:
    order_id: int
    product_id: int
    quantity: int
    unit_price_fen: int
    goods_payable_fen: int
    paid_at: dt.datetime
    community_id: int | None



def member_paid_lines(*, user_id: int, since: dt.datetime, limit: int = 5000) -> list[PaidLine]:
    """The member's paid order lines since `since` (virtual goods left out), newest first."""
    rows = OrderLine.objects.filter(order__buyer_id=user_id, order__paid_at__gte=since,
                                    order__is_virtual=False).exclude(order__status=OrderStatus.CANCELLED)\
        .order_by("-order__paid_at", "-id").values_list(
            "order_id", "product_id", "quantity", "unit_price_fen", "goods_payable_fen", "order__paid_at",
            "community_id")[:limit]
    return [PaidLine(o, p, q, u, g, at, c) for o, p, q, u, g, at, c in rows if at is not None]


@dataclass(frozen=True)
class Spend:
    spend_fen: int
    orders: int


def spend_by_buyer(*, since: dt.datetime, user_ids: Iterable[int] | None = None,
                   until: dt.datetime | None = None) -> dict[int, Spend]:
    """{buyer id: (paid less refunded, in fen; paid orders)} over the orders paid since `since` (before `until`)."""
    qs = Order.objects.filter(paid_at__isnull=False, paid_at__gte=since).exclude(status=OrderStatus.CANCELLED)
    if until is not None:
        qs = qs.filter(paid_at__lt=until)
    if user_ids is not None:
        qs = qs.filter(buyer_id__in=list(user_ids))
    rows = qs.values("buyer_id").annotate(spend=Sum(F("paid_fen") - F("refunded_fen")), n=Count("id"))
    return {r["buyer_id"]: Spend(int(r["spend"] or 0), int(r["n"])) for r in rows}
