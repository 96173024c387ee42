"""Sales figures read from orders: the merchant console's overview (paid orders and GMV per day, top products)
and what a KOL's posts and shelf picks sold (order lines credited to them). Counted by the day of payment in
Asia/Shanghai; an order counts once it is paid (`paid_at`), whatever happened after (refunds are shown apart).
Money is integer fen."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q, Sum

from quanzi.core.timeutil import SHANGHAI, local_date, local_today
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import Order, OrderLine

if TYPE_CHECKING:
    from quanzi.catalog.models import Merchant


def day_span(days: int) -> tuple[list[dt.date], dt.datetime]:
    """The last `days` local days (oldest first) and the moment the first one began."""
    today = local_today()
    first = today - dt.timedelta(days=days - 1)
    start = dt.datetime.combine(first, dt.time.min, tzinfo=SHANGHAI)
    return [first + dt.timedelta(days=i) for i in range(days)], start


@dataclass
class DaySales:
    day: dt.date
    orders: int = 0
    gmv_fen: int = 0
    refunded_fen: int = 0


@dataclass
class SalesOverview:
    days: list[DaySales]
    today: DaySales
    orders: int  # over the whole span
    gmv_fen: int
    refunded_fen: int
    to_ship: int
    top_products: list[dict[str, Any]] = field(default_factory=list)  # title, quantity, gmv_fen


def merchant_sales(*, merchant: Merchant, days: int = 30) -> SalesOverview:
    span, start = day_span(days)
    by_day = {d: DaySales(day=d) for d in span}
    paid = Order.objects.filter(merchant=merchant, paid_at__gte=start)
    for paid_at, paid_fen, refunded_fen in paid.values_list("paid_at", "paid_fen", "refunded_fen"):
        row = by_day.get(local_date(paid_at)) if paid_at is not None else None
        if row is not None:
            row.orders += 1
            row.gmv_fen += int(paid_fen)
            row.refunded_fen += int(refunded_fen)
    rows = list(by_day.values())
    top = [dict(row) for row in OrderLine.objects.filter(order__merchant=merchant, order__paid_at__gte=start)
           .values("product_id", "title").annotate(quantity=Sum("quantity"), gmv_fen=Sum("payable_fen"))
           .order_by("-gmv_fen", "product_id")[:5]]
    to_ship = Order.objects.filter(merchant=merchant, shipped_at__isnull=True,
                                   status__in=[OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED]).count()
    return SalesOverview(days=rows, today=rows[-1], orders=sum(r.orders for r in rows),
                         gmv_fen=sum(r.gmv_fen for r in rows), refunded_fen=sum(r.refunded_fen for r in rows),
                         to_ship=to_ship, top_products=top)


def merchant_orders_by_number(*, merchant: Merchant, numbers: Iterable[str]) -> dict[str, Order]:
    """This merchant's orders by order number (another merchant's number is simply not found)."""
    wanted = {n for n in numbers if n}
    return {o.number: o for o in Order.objects.filter(merchant=merchant, number__in=wanted)}


def merchant_orders_for_export(*, merchant: Merchant, since: dt.datetime | None = None) -> Any:
    qs = Order.objects.filter(merchant=merchant).select_related("shipment", "buyer").prefetch_related("lines")
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    return qs.order_by("-id")


# --- what a KOL's posts and shelf sold ----------------------------------------------------------------------------


@dataclass
class Credited:
    gmv_fen: int = 0
    order_ids: set[int] = field(default_factory=set)
    line_ids: list[int] = field(default_factory=list)
    day_orders: dict[dt.date, set[int]] = field(default_factory=dict)  # local day -> the orders paid that day
    day_gmv: dict[dt.date, int] = field(default_factory=dict)

    @property
    def orders(self) -> int:
        return len(self.order_ids)


def _credited(qs: Any, key: Any, since: dt.datetime) -> dict[Any, Credited]:
    out: dict[Any, Credited] = defaultdict(Credited)
    rows = qs.filter(order__paid_at__gte=since).values_list(
        "pk", "order_id", "payable_fen", "order__paid_at", "post_id", "community_id", "product_id")
    for pk, order_id, payable_fen, paid_at, post_id, community_id, product_id in rows:
        c = out[key(post_id, community_id, product_id)]
        day = local_date(paid_at)
        c.gmv_fen += int(payable_fen)
        c.line_ids.append(pk)
        c.order_ids.add(order_id)
        c.day_orders.setdefault(day, set()).add(order_id)
        c.day_gmv[day] = c.day_gmv.get(day, 0) + int(payable_fen)
    return dict(out)


def credited_to_posts(*, post_ids: Iterable[int], since: dt.datetime) -> dict[int, Credited]:
    """Order lines paid since `since` credited to these posts (the last touch was a card click on, or a share of,
    the post): per post, the orders (distinct), the GMV (payable of those lines), the same per day, the lines."""
    ids = list(set(post_ids))
    if not ids:
        return {}
    return _credited(OrderLine.objects.filter(post_id__in=ids), lambda post, _c, _p: post, since)


def credited_to_shelf(*, picks: Iterable[tuple[int, int]], since: dt.datetime) -> dict[tuple[int, int], Credited]:
    """Paid order lines of a shelf product credited to the shelf's community but to no post: the sales the
    community's shelf led to. `picks` are (community id, product id); the result is keyed the same way."""
    wanted = set(picks)
    if not wanted:
        return {}
    q = Q()
    for community_id, product_id in wanted:
        q |= Q(community_id=community_id, product_id=product_id)
    found = _credited(OrderLine.objects.filter(q, post_id__isnull=True), lambda _post, c, p: (c, p), since)
    return {k: v for k, v in found.items() if k in wanted}

