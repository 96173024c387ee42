"""The demo's live selling (issue 12): in the first community, the KOL ran a session two days ago (two products
pinned at live prices, comments, likes, viewers, two paid orders credited to it: its replay has figures) and has
one scheduled for tomorrow evening. Everything through the live, order and payment services on the demo clock."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import transaction

from quanzi.catalog import selectors as catalog_selectors
from quanzi.catalog import services as catalog
from quanzi.core.errors import DomainError
from quanzi.live import services as live
from quanzi.live.selectors import pins as live_pins
from quanzi.orders import services as orders
from quanzi.payments import services as payments
from quanzi.web.demo.clock import clock_at
from quanzi.web.demo.commerce import Shop, _address
from quanzi.web.demo.images import picture

if TYPE_CHECKING:
    from quanzi.accounts.models import User
    from quanzi.web.demo.build import DemoWorld

STREAM = "https://live.example.com/quanzi/demo-room.m3u8"  # no video plays in the demo: quanzi does not stream
COMMENTS = ["主播晚上好！", "这款油皮能用吗？", "上次买的已经用空了，回购", "直播价太香了", "有没有小样？",
            "敏感肌可以用吗", "已下单～", "求讲一下成分"]


def build_live(world: DemoWorld, rng: random.Random, named: dict[str, User], shop: Shop, now: dt.datetime,
               log: Callable[[str], None]) -> None:
    community = world.communities[0]
    host = named["kol"]
    shelf = list(catalog_selectors.community_shelf(community=community)[:2])
    if len(shelf) < 2:
        for product in [p for p in shop.products if p.on_shelf][: 2 - len(shelf)]:
            catalog.shelf_add(user=host, community_id=community.pk, product_id=product.pk)
        shelf = list(catalog_selectors.community_shelf(community=community)[:2])
    viewers = [u for u in world.members.get(community.pk, []) if u.pk != host.pk][:12]
    start = now - dt.timedelta(days=2, hours=3)
    with transaction.atomic(), clock_at(start - dt.timedelta(days=1)):
        session = live.session_schedule(user=host, community_id=community.pk, title="换季护肤专场 · 达人直播",
                                        stream_url=STREAM, scheduled_at=start,
                                        description="三款修护面霜实测，直播间专享价",
                                        cover=picture(rng, "live-cover", (720, 540)))
    with transaction.atomic(), clock_at(start):
        live.session_start(user=host, session_id=session.pk)
        for product in shelf:
            sku = catalog_selectors.product_skus(product=product).first()
            if sku is not None and sku.price_fen > 200:
                live.pin_product(user=host, session_id=session.pk, product_id=product.pk,
                                 live_price_fen=sku.price_fen * 8 // 10)
    for i, viewer in enumerate(viewers):
        with transaction.atomic(), clock_at(start + dt.timedelta(minutes=2 + i)):
            live.viewer_join(user=viewer, session_id=session.pk)
            for _ in range(rng.randint(0, 3)):
                live.like_add(user=viewer, session_id=session.pk)
            if i < len(COMMENTS):
                try:
                    live.comment_post(user=viewer, session_id=session.pk, body=COMMENTS[i])
                except DomainError:
                    pass  # a muted demo member
    for _viewer in viewers:
        live.viewer_leave(session_id=session.pk)
    bought = 0
    for i, buyer in enumerate(viewers[:2]):
        pinned = live_pins(session=session)
        if not pinned:
            break
        pin = pinned[i % len(pinned)]
        when = start + dt.timedelta(minutes=20 + i)
        try:
            with transaction.atomic(), clock_at(when):
                live.buy_touch(user=buyer, pin=pin)
                checkout = orders.order_place(user=buyer, address_id=_address(shop, rng, buyer),
                                              items=[(pin.sku_id, 1)], idempotency_key=uuid.uuid4().hex,
                                              options={"campaign_id": pin.pk, "campaign_kind": "live"})
            for order in checkout.orders.all():
                with transaction.atomic(), clock_at(when + dt.timedelta(minutes=1)):
                    payments.sandbox_pay_now(user=buyer, order_id=order.pk)
                with clock_at(when + dt.timedelta(minutes=1)):
                    orders.moments_dispatch_due(older_than_seconds=0, order_id=order.pk)
            bought += 1
        except DomainError:
            continue
    with transaction.atomic(), clock_at(start + dt.timedelta(hours=1, minutes=30)):
        live.session_end(user=host, session_id=session.pk)
    with transaction.atomic(), clock_at(now):
        upcoming = live.session_schedule(user=host, community_id=community.pk, title="周末新品首发 · 直播预告",
                                         stream_url=STREAM, scheduled_at=now + dt.timedelta(days=1, hours=2),
                                         cover=picture(rng, "live-cover-next", (720, 540)))
        for product in shelf[:1]:
            live.pin_product(user=host, session_id=upcoming.pk, product_id=product.pk)
    log(f"  live: 1 replay ({len(viewers)} viewers, {bought} orders), 1 scheduled")
