"""The KOL centre (达人中心, /kol/): what a member's posts with product cards and their shelf picks led to — card
clicks, credited orders, GMV and, when distribution pays them, commission — over the last 7 / 30 / 90 days, per day
with a chart, and per post and per shelf pick.

It combines content (the posts), catalog (which posts carry cards, the shelf picks), orders (lines credited to a
post, or to a community's shelf product), core's event log (card clicks) and referrals' commission ledger, so it
lives in the top layer. Only the member's own figures are shown: the data is keyed by the logged-in user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from quanzi.catalog import kol_selectors
from quanzi.content.selectors import posts_by_id
from quanzi.core.event_stats import daily_counts_by_prop
from quanzi.orders import sales_selectors
from quanzi.referrals.distribution.kol_selectors import commission_by_line

WINDOWS = (7, 30, 90)


@dataclass
class Row:
    """One post or one shelf pick with its figures over the window."""

    title: str
    url: str
    where: str  # the community
    clicks: int | None = None  # None: not measured (a shelf has no click events)
    orders: int = 0
    gmv_fen: int = 0
    commission_fen: int = 0
    products: int = 0


@dataclass
class Centre:
    days: int
    posts: list[Row] = field(default_factory=list)
    shelf: list[Row] = field(default_factory=list)
    clicks: int = 0
    orders: int = 0
    gmv_fen: int = 0
    commission_fen: int = 0
    chart: dict[str, Any] = field(default_factory=dict)


def kol_centre(*, user_id: int, days: int) -> Centre:
    span, since = sales_selectors.day_span(days)
    centre = Centre(days=days)
    cards = kol_selectors.kol_post_cards(user_id=user_id)
    posts = posts_by_id(post_ids=set(cards))
    by_post = sales_selectors.credited_to_posts(post_ids=cards, since=since)
    clicks = daily_counts_by_prop(name="product.card_click", prop="post_id", values=cards, since=since)
    picks = kol_selectors.kol_shelf_picks(user_id=user_id)
    by_pick = sales_selectors.credited_to_shelf(picks=[(p.community_id, p.product_id) for p in picks], since=since)
    lines = [i for c in (*by_post.values(), *by_pick.values()) for i in c.line_ids]
    commission = commission_by_line(user_id=user_id, order_line_ids=lines)

    day_clicks: dict[dt.date, int] = {}
    day_orders: dict[dt.date, set[int]] = {}  # an order credited to two of my posts is one order of mine
    day_gmv: dict[dt.date, int] = {}

    def add(credited: sales_selectors.Credited) -> None:
        for day, order_ids in credited.day_orders.items():
            day_orders.setdefault(day, set()).update(order_ids)
        for day, fen in credited.day_gmv.items():
            day_gmv[day] = day_gmv.get(day, 0) + fen

    for post_id, product_ids in cards.items():
        post = posts.get(post_id)
        if post is None:
            continue
        credited = by_post.get(post_id, sales_selectors.Credited())
        per_day = clicks.get(post_id, {})
        row = Row(title=str(post), url=f"/p/{post_id}/", where=post.community.name, clicks=sum(per_day.values()),
                  orders=credited.orders, gmv_fen=credited.gmv_fen, products=len(product_ids),
                  commission_fen=sum(commission.get(i, 0) for i in credited.line_ids))
        centre.posts.append(row)
        for day, n in per_day.items():
            day_clicks[day] = day_clicks.get(day, 0) + n
        add(credited)
    for pick in picks:
        credited = by_pick.get((pick.community_id, pick.product_id), sales_selectors.Credited())
        centre.shelf.append(Row(
            title=pick.product.title, url=f"/shop/p/{pick.product_id}/", where=pick.community.name,
            orders=credited.orders, gmv_fen=credited.gmv_fen,
            commission_fen=sum(commission.get(i, 0) for i in credited.line_ids)))
        add(credited)
    rows = centre.posts + centre.shelf
    centre.clicks = sum(r.clicks or 0 for r in rows)
    centre.orders = len(set().union(*day_orders.values())) if day_orders else 0
    centre.gmv_fen = sum(r.gmv_fen for r in rows)
    centre.commission_fen = sum(r.commission_fen for r in rows)
    centre.chart = {"days": [d.strftime("%m-%d") for d in span], "clicks": [day_clicks.get(d, 0) for d in span],
                    "orders": [len(day_orders.get(d, ())) for d in span], "gmv_fen": [day_gmv.get(d, 0) for d in span],
                    "labels": {"clicks": _("点击"), "orders": _("成交订单"), "gmv": _("成交额（元）")}}
    return centre


@login_required
def centre(request: HttpRequest) -> HttpResponse:
    try:
        days = int(request.GET.get("days", "30"))
    except ValueError:
        days = 30
    days = days if days in WINDOWS else 30
    user_id: int = request.user.pk or 0  # logged in (login_required)
    is_kol = kol_selectors.is_kol(user_id=user_id)
    view = kol_centre(user_id=user_id, days=days) if is_kol else None
    return render(request, "web/kol/centre.html", {"v": view, "is_kol": is_kol, "days": days, "windows": WINDOWS,
                                                   "nav": "me"})
