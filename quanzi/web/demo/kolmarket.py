"""The demo's KOL marketplace (达人广场, issue 13): the demo KOL (13800000003) and a few other KOLs listed in the
directory with their figures; the demo merchant (13800000004) had a deal accepted by the demo KOL three weeks ago
(20 % on one of its products, a ¥300 fixed fee for one post): the KOL posted about it, members bought from the post
(orders credited to the deal, at the deal's rate; one completed, so the platform's service fee on its commission
is booked), the post met the deliverable, so the fixed fee is owed; and a new proposal on another product waits
for the KOL's answer. Made through the services on the demo clock; each order's moments are dispatched when they
happen (the commission and deal hooks run once per moment)."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from quanzi.catalog import services as catalog
from quanzi.communities.selectors import community_by_id
from quanzi.content import services as content
from quanzi.kolmarket import selectors as kol_selectors
from quanzi.kolmarket import services as kolmarket
from quanzi.orders import services as orders
from quanzi.payments import services as payments
from quanzi.web.demo.clock import clock_at
from quanzi.web.demo.commerce import Shop, _address, _try

if TYPE_CHECKING:
    from quanzi.accounts.models import User
    from quanzi.web.demo.build import DemoWorld

OTHER_KOLS = 5


def build_kolmarket(world: DemoWorld, rng: random.Random, named: dict[str, User], shop: Shop, now: dt.datetime,
                    log: Callable[[str], None]) -> None:
    with transaction.atomic():
        listed = _listings(world, rng, named, now)
        _deals(world, rng, named, shop, now)
        with clock_at(now):
            for user_id in listed:
                kolmarket.profile_refresh(user_id=user_id)
    log(f"  KOLs listed: {len(listed)}, deals: {world.counts.get('kol_deal', 0)}, "
        f"deal orders: {world.counts.get('kol_deal_order', 0)}")


def _listings(world: DemoWorld, rng: random.Random, named: dict[str, User], now: dt.datetime) -> list[int]:
    bios = ["跑步十年，装备党，真实测评", "数码发烧友，开箱不吹不黑", "家常菜和烘焙，手残也能学会",
            "宝妈一枚，母婴好物避坑", "敏感肌护肤，空瓶才说话", "通勤穿搭，小个子友好"]
    listed: list[int] = []
    with clock_at(now - dt.timedelta(days=25)):
        if _try(world, "kol_listed", kolmarket.profile_join, user=named["kol"],
                bio="社群达人，跑步和数码都爱折腾，只推自己用过的") is not None:
            listed.append(named["kol"].pk)
        for user in world.users:
            if len(listed) > OTHER_KOLS or user.pk in listed or user.is_staff:
                continue
            if user.pk in {named["merchant"].pk, named["member"].pk}:
                continue
            if not kol_selectors.pick_communities(user):
                continue  # not a KOL, admin or owner anywhere: refused by the service; skip the query
            if _try(world, "kol_listed", kolmarket.profile_join, user=user, bio=rng.choice(bios)) is not None:
                listed.append(user.pk)
    return listed


def _buy_from_post(world: DemoWorld, rng: random.Random, shop: Shop, buyer: User, post_id: int, product_id: int,
                   at: dt.datetime) -> int | None:
    skus = shop.skus.get(product_id) or []
    if not skus:
        return None
    with clock_at(at):
        catalog.product_card_click(user=buyer, post_id=post_id, product_id=product_id)
        checkout = _try(world, "kol_deal_order", orders.order_place, user=buyer,
                        address_id=_address(shop, rng, buyer), idempotency_key=uuid.uuid4().hex,
                        items=[(skus[0].pk, 1)])
        if checkout is None:
            return None
        order = checkout.orders.get()
        payments.sandbox_pay_now(user=buyer, order_id=order.pk)
        orders.moments_dispatch_due(older_than_seconds=0, order_id=order.pk)
    return int(order.pk)


def _complete(world: DemoWorld, rng: random.Random, order_id: int, buyer: User, paid_at: dt.datetime,
              now: dt.datetime, merchant_user: User) -> None:
    with clock_at(paid_at + dt.timedelta(days=1)):
        _try(world, "ship", orders.order_ship, user=merchant_user, order_id=order_id, carrier="顺丰速运",
             tracking_no=f"SF{rng.randrange(10**12):012d}")
    with clock_at(paid_at + dt.timedelta(days=3)):
        _try(world, "confirm", orders.order_confirm_receipt, user=buyer, order_id=order_id)
    with clock_at(now):
        orders.order_settle(order_id=order_id)
        orders.moments_dispatch_due(older_than_seconds=0, order_id=order_id)


def _deals(world: DemoWorld, rng: random.Random, named: dict[str, User], shop: Shop, now: dt.datetime) -> None:
    merchant = shop.merchants.get("demo")
    kol = named["kol"]
    if merchant is None or kol_selectors.profile_get(user_id=kol.pk) is None:
        return
    products = [p for p in shop.products if p.merchant_id == merchant.pk and p.on_shelf and shop.skus.get(p.pk)]
    if len(products) < 2:
        return
    deal_product, pending_product = products[0], products[1]
    start = now - dt.timedelta(days=21)
    with clock_at(start):
        deal = _try(world, "kol_deal", kolmarket.deal_propose, user=named["merchant"], kol_id=kol.pk,
                    product_ids=[deal_product.pk], commission_rate=Decimal("0.2"), fixed_fee_fen=30000,
                    starts_on=start.date(), ends_on=(now + dt.timedelta(days=9)).date(), posts_required=1,
                    message="新品上市，想请你写一篇真实体验，合作期一个月")
    if deal is None:
        return
    with clock_at(start + dt.timedelta(hours=3)):
        if _try(world, "kol_deal_accept", kolmarket.deal_accept, user=kol, deal_id=deal.pk) is None:
            return
    community = community_by_id(community_id=deal.shelf_community_id or 0)
    if community is None:
        return
    with clock_at(start + dt.timedelta(days=1)):
        post = _try(world, "kol_deal_post", content.post_create, author=kol, community=community,
                    title=f"用了两周的真实感受：{deal_product.title}",
                    body="商家合作，但每一句都是真话：用了两周，说说优点和不足。")
        if post is not None:
            _try(world, "card", catalog.post_product_attach, user=kol, post_id=post.pk, product_id=deal_product.pk)
    if post is None:
        return
    taken = {u.pk for u in named.values()} | {m.user_id for m in shop.merchants.values()}
    buyers = [u for u in world.users if u.pk not in taken and not u.is_staff][:40]
    for i, buyer in enumerate(rng.sample(buyers, k=min(4, len(buyers)))):
        paid_at = start + dt.timedelta(days=2 + i * 3, hours=rng.randint(9, 21))
        order_id = _buy_from_post(world, rng, shop, buyer, post.pk, deal_product.pk, paid_at)
        if order_id is not None and i < 2:  # the older ones completed: their commission (and service fee) final
            _complete(world, rng, order_id, buyer, paid_at, now, named["merchant"])
    with clock_at(now - dt.timedelta(hours=2)):
        kolmarket.deal_settle_fee(deal_id=deal.pk)  # the post met the deliverable: the fixed fee is owed
    with clock_at(now - dt.timedelta(hours=5)):
        _try(world, "kol_deal", kolmarket.deal_propose, user=named["merchant"], kol_id=kol.pk,
             product_ids=[pending_product.pk], commission_rate=Decimal("0.15"), fixed_fee_fen=50000,
             starts_on=now.date(), ends_on=(now + dt.timedelta(days=30)).date(), posts_required=2,
             lives_required=1, message="下个月做一场直播专场，佣金和坑位费都可以再谈")
