"""The demo's growth part (issue 8), made through the growth apps' services on the demo clock: coupon campaigns of
every kind in the coupon centre and in several communities (some claimed by the demo member, one used on a past
order), group-buys with running, succeeded and failed groups, and flash-sale sessions — one finished, one running
and one that starts a few minutes after the demo is loaded.

The order moments (paid, cancelled, refunded) that the growth apps listen to are dispatched after commit; the
demo dispatches each order's moments itself at the moment it happens, so a group fills when its last member pays
and not when the build's transaction commits (dispatching twice is harmless: each hook runs once per moment)."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from quanzi.growth.coupons import services as coupons
from quanzi.growth.coupons.enums import CouponKind, CouponScope
from quanzi.growth.coupons.models import Coupon, CouponTemplate
from quanzi.growth.flashsale import services as flashsale
from quanzi.growth.flashsale.models import FlashSession
from quanzi.growth.groupbuy import rules as groupbuy_rules
from quanzi.growth.groupbuy import services as groupbuy
from quanzi.growth.groupbuy.models import GroupBuyCampaign, GroupBuyMember
from quanzi.growth.redpackets import services as redpackets
from quanzi.orders import services as orders
from quanzi.payments import selectors as payment_selectors
from quanzi.payments import services as payments
from quanzi.web.demo.clock import clock_at
from quanzi.web.demo.commerce import Shop, _address, _ship, _try

if TYPE_CHECKING:
    from quanzi.accounts.models import User
    from quanzi.catalog.models import Product, Sku
    from quanzi.communities.models import Community
    from quanzi.orders.models import Order
    from quanzi.web.demo.build import DemoWorld


def build_growth(world: DemoWorld, rng: random.Random, named: dict[str, User], shop: Shop, now: dt.datetime,
                 log: Callable[[str], None]) -> None:
    buyers = _buyers(world, named, shop)
    with transaction.atomic():
        _coupons(world, rng, named, shop, now, buyers)
    log(f"  coupon campaigns: {world.counts.get('coupon_template', 0)}, "
        f"claimed: {world.counts.get('coupon_claim', 0)}")
    with transaction.atomic():
        _group_buys(world, rng, named, shop, now, buyers)
    log(f"  group-buy groups: {world.counts.get('group', 0)}")
    with transaction.atomic():
        _flash_sales(world, rng, named, shop, now, buyers)
    log(f"  flash-sale sessions: {world.counts.get('flash_session', 0)}, "
        f"flash orders: {world.counts.get('flash_buy', 0)}")
    with transaction.atomic():
        _red_packets(world, rng, named, now)
    log(f"  red packets: {world.counts.get('redpacket', 0)}, claims: {world.counts.get('redpacket_claim', 0)}")


def _buyers(world: DemoWorld, named: dict[str, User], shop: Shop) -> list[User]:
    merchant_users = {m.user_id for m in shop.merchants.values()}
    return [u for u in world.users if u.pk not in merchant_users and not u.is_staff and u.pk != named["member"].pk]


def _dispatch(order_id: int) -> None:
    """Run the hooks of the order's moments now (at the demo clock), as the after-commit dispatch would."""
    orders.moments_dispatch_due(older_than_seconds=0, order_id=order_id)


def _pay(world: DemoWorld, order: Order, when: dt.datetime) -> bool:
    with clock_at(when):
        try:
            payments.sandbox_pay_now(user=order.buyer, order_id=order.pk)
        except Exception:  # noqa: BLE001 - a refusal (window closed...) just leaves the order unpaid
            world.counts["refused:growth_pay"] = world.counts.get("refused:growth_pay", 0) + 1
            return False
        _dispatch(order.pk)
    return True


def _products_of(shop: Shop, key: str) -> list[Product]:
    merchant = shop.merchants[key]
    return [p for p in shop.products if p.merchant_id == merchant.pk]


def _cheapest_sku(shop: Shop, product: Product) -> Sku:
    return min(shop.skus[product.pk], key=lambda s: (s.price_fen, s.pk))


def _member_communities(world: DemoWorld, member: User) -> list[Community]:
    return [c for c in world.communities if member in world.members.get(c.pk, [])]


# --- coupons -----------------------------------------------------------------------------------------------------


def _coupons(world: DemoWorld, rng: random.Random, named: dict[str, User], shop: Shop, now: dt.datetime,
             buyers: list[User]) -> None:
    operator, member = named["operator"], named["member"]
    start = now - dt.timedelta(days=12)
    platform = [
        dict(name="平台满 199 减 30", kind=CouponKind.AMOUNT_OFF, amount_fen=3000, threshold_fen=19900,
             total_quota=500, valid_days=30),
        dict(name="全场 85 折（最高减 50 元）", kind=CouponKind.PERCENT_OFF, discount_rate="0.15", amount_fen=5000,
             total_quota=300, valid_days=14),
        dict(name="新人 5 元无门槛", kind=CouponKind.NO_THRESHOLD, amount_fen=500, total_quota=1000, valid_days=7),
        dict(name="包邮券", kind=CouponKind.FREE_SHIPPING, amount_fen=0, threshold_fen=0, total_quota=800,
             per_member_limit=2, valid_days=30),
    ]
    templates = []
    with clock_at(start):
        for spec in platform:
            t = _try(world, "coupon_template", coupons.template_create, actor=operator, **spec)
            if t is not None:
                templates.append(t)
        demo_shop = shop.merchants["demo"]
        for spec in [
            dict(name="优选好物 满 99 减 15", kind=CouponKind.AMOUNT_OFF, amount_fen=1500, threshold_fen=9900,
                 total_quota=200, valid_days=20),
            dict(name="优选好物 9 折（最高减 20 元）", kind=CouponKind.PERCENT_OFF, discount_rate="0.1",
                 amount_fen=2000, total_quota=150, valid_days=20),
            dict(name="优选好物 3 元无门槛", kind=CouponKind.NO_THRESHOLD, amount_fen=300, total_quota=300,
                 valid_days=10),
            dict(name="优选好物 满 59 包邮", kind=CouponKind.FREE_SHIPPING, amount_fen=0, threshold_fen=5900,
                 total_quota=300, valid_days=30),
        ]:
            t = _try(world, "coupon_template", coupons.template_create, actor=demo_shop.user,
                     scope=CouponScope.MERCHANT, **spec)
            if t is not None:
                templates.append(t)
        for key in ("run", "kitchen"):
            t = _try(world, "coupon_template", coupons.template_create, actor=shop.merchants[key].user,
                     name=f"{shop.merchants[key].business_name[:40]} 满 150 减 20", kind=CouponKind.AMOUNT_OFF,
                     amount_fen=2000, threshold_fen=15000, scope=CouponScope.MERCHANT, total_quota=200,
                     valid_days=30)
            if t is not None:
                templates.append(t)
        # community coupons: claimable by the community's members on its page and in the coupon centre
        for community in _member_communities(world, member)[:4]:
            t = _try(world, "coupon_template", coupons.template_create, actor=operator,
                     name=f"{community.name[:30]} 群友专享 满 79 减 10", kind=CouponKind.AMOUNT_OFF,
                     amount_fen=1000, threshold_fen=7900, scope=CouponScope.COMMUNITY, community_id=community.pk,
                     total_quota=200, valid_days=30)
            if t is not None:
                templates.append(t)
    # members claim over the days since, the demo member a handful (so "my coupons" has some to use)
    for template in templates:
        people = [member] if template.community_id is None or rng.random() < 0.7 else []
        pool = world.members.get(template.community_id, buyers) if template.community_id else buyers
        people += rng.sample(pool, k=min(len(pool), rng.randint(4, 14)))
        for user in people:
            with clock_at(start + dt.timedelta(hours=rng.randint(2, 11 * 24))):
                _try(world, "coupon_claim", coupons.coupon_claim, user=user, template_id=template.pk)
    _coupon_used_on_a_past_order(world, rng, member, shop, templates[0] if templates else None, now)


def _coupon_used_on_a_past_order(world: DemoWorld, rng: random.Random, member: User, shop: Shop,
                                 template: CouponTemplate | None, now: dt.datetime) -> None:
    """The member spends the platform 满减 coupon on an order five days ago that was paid and shipped: its
    waterfall shows the coupon."""
    coupon = Coupon.objects.filter(template=template, user=member).order_by("pk").first()
    if coupon is None:
        return
    when = now - dt.timedelta(days=5, hours=3)
    # enough goods of one shop to pass the ¥199 threshold
    product = max(_products_of(shop, "demo"), key=lambda p: _cheapest_sku(shop, p).price_fen)
    sku = _cheapest_sku(shop, product)
    quantity = max(1, min(3, -(-20000 // max(1, sku.price_fen))))
    with clock_at(when):
        address_id = _address(shop, rng, member)
        checkout = _try(world, "coupon_order", orders.order_place, user=member, address_id=address_id,
                              idempotency_key=uuid.uuid4().hex, items=[(sku.pk, quantity)],
                              options={"coupon_ids": [coupon.pk]})
    if checkout is None:
        return
    for order in checkout.orders.all():
        if _pay(world, order, when + dt.timedelta(minutes=3)):
            _ship(world, rng, order, when + dt.timedelta(hours=20), now)


# --- group-buys --------------------------------------------------------------------------------------------------


def _group_buys(world: DemoWorld, rng: random.Random, named: dict[str, User], shop: Shop, now: dt.datetime,
                buyers: list[User]) -> None:
    member, merchant_user = named["member"], shop.merchants["demo"].user
    products = sorted(_products_of(shop, "demo"), key=lambda p: p.pk)[:3]
    start = now - dt.timedelta(days=10)
    campaigns = []
    with clock_at(start):
        for i, product in enumerate(products):
            sku = _cheapest_sku(shop, product)
            price = sku.price_fen
            c = _try(world, "groupbuy_campaign", groupbuy.campaign_create, user=merchant_user, sku_id=sku.pk,
                     group_price_fen=max(1, price * 7 // 10), leader_price_fen=max(1, price * 6 // 10) if i == 0 else None,
                     group_size=(3, 2, 4)[i], starts_at=start, ends_at=now + dt.timedelta(days=14),
                     fill_minutes=24 * 60)
            if c is not None:
                campaigns.append(c)
    if not campaigns:
        return
    people = rng.sample(buyers, k=min(len(buyers), 40))

    def take(n: int) -> list[User]:
        picked = people[:n]
        del people[:n]
        return picked

    for k, c in enumerate(campaigns):
        # succeeded groups, then paid for, released and shipped
        for days_ago in (8, 4):
            opened = now - dt.timedelta(days=days_ago, hours=rng.randint(0, 6))
            team = take(c.group_size)
            group_orders = _group(world, rng, shop, c.pk, team, opened)
            ship_at = opened + dt.timedelta(hours=30)
            for order in group_orders:
                _ship(world, rng, order, ship_at, now)
        # one group that expired short: its paid members are refunded
        if k == 0:
            opened = now - dt.timedelta(days=6)
            team = take(c.group_size - 1)
            placed = _group(world, rng, shop, c.pk, team, opened)
            _close_short(world, placed, opened + dt.timedelta(days=1, minutes=5))
    # running: the member's own group with places left, and another member's group the member can join
    opened = now - dt.timedelta(hours=3)
    first = campaigns[0]
    _group(world, rng, shop, first.pk, [member], opened)
    other = campaigns[1 % len(campaigns)]
    if other.pk != first.pk:
        _group(world, rng, shop, other.pk, take(1), now - dt.timedelta(hours=5))
    last = campaigns[-1]
    _group(world, rng, shop, last.pk, take(2), now - dt.timedelta(hours=9))


def _group(world: DemoWorld, rng: random.Random, shop: Shop, campaign_id: int, team: list[User],
           opened: dt.datetime) -> list[Order]:
    """The first of `team` opens a group at `opened`, the others join over the next hours; each pays a few
    minutes after placing. Returns the orders placed."""
    placed: list[Order] = []
    group_id = None
    for i, user in enumerate(team):
        when = opened + dt.timedelta(minutes=0 if i == 0 else rng.randint(20, 60) * i)
        with clock_at(when):
            address_id = _address(shop, rng, user)
            if group_id is None:
                checkout = _try(world, "group", groupbuy.group_open, user=user, campaign_id=campaign_id,
                                address_id=address_id, idempotency_key=uuid.uuid4().hex)
            else:
                checkout = _try(world, "group_join", groupbuy.group_join, user=user, group_id=group_id,
                                address_id=address_id, idempotency_key=uuid.uuid4().hex)
        if checkout is None:
            if group_id is None:
                return placed
            continue
        order = checkout.orders.get()
        if group_id is None:
            group_id = GroupBuyMember.objects.get(order=order).group_id
        placed.append(order)
        _pay(world, order, when + dt.timedelta(minutes=rng.randint(1, 4)))
    return placed


def _close_short(world: DemoWorld, placed: list[Order], when: dt.datetime) -> None:
    """The group's deadline passed short of members: the job closes it and refunds every paid member once."""
    if not placed:
        return
    group_id = GroupBuyMember.objects.get(order=placed[0]).group_id
    with clock_at(when):
        groupbuy.group_close_due(group_id=group_id)
        groupbuy.members_refund_due(group_id=group_id)
    for m in GroupBuyMember.objects.filter(group_id=group_id).exclude(refund_no="").order_by("pk"):
        with clock_at(when + dt.timedelta(minutes=2)):
            refund = payment_selectors.refund_get(refund_no=groupbuy_rules.refund_no(m.pk))
            payments.refund_submit(refund_id=refund.pk)
            _dispatch(m.order_id)
    world.counts["group_failed"] = world.counts.get("group_failed", 0) + 1


# --- flash sales -------------------------------------------------------------------------------------------------


def _flash_sales(world: DemoWorld, rng: random.Random, named: dict[str, User], shop: Shop, now: dt.datetime,
                 buyers: list[User]) -> None:
    operator = named["operator"]
    # SKUs not in a group-buy campaign (a line takes one campaign price), with stock to set aside
    in_groupbuy = set(GroupBuyCampaign.objects.values_list("sku_id", flat=True))
    pool = [s for p in shop.products for s in shop.skus[p.pk] if s.pk not in in_groupbuy]
    pool.sort(key=lambda s: s.pk)
    picks = rng.sample(pool, k=min(len(pool), 9))
    people = rng.sample(buyers, k=min(len(buyers), 30))
    finished_at = now - dt.timedelta(days=2)
    # finished two days ago: sold, paid, shipped; the rest went back to stock when it ended
    finished = _session(world, operator, f"{timezone.localtime(finished_at):%m月%d日 %H:%M} 场 · 限时秒杀", finished_at, finished_at + dt.timedelta(hours=2),
                        picks[0:3])
    if finished is not None:
        for item in finished.items.order_by("pk"):
            for user in people[:rng.randint(4, 8)]:
                _flash_order(world, rng, shop, user, item.pk, finished_at + dt.timedelta(minutes=rng.randint(1, 90)),
                             now, ship=True)
        with clock_at(finished.ends_at + dt.timedelta(minutes=1)):
            flashsale.session_end_due(session_id=finished.pk)
    # running now, a few units already gone
    live_from = now - dt.timedelta(hours=1)
    running = _session(world, operator, "正在疯抢 · 限时购", live_from, now + dt.timedelta(hours=5), picks[3:6])
    if running is not None:
        for item in running.items.order_by("pk"):
            for user in people[10:10 + rng.randint(2, 5)]:
                _flash_order(world, rng, shop, user, item.pk, live_from + dt.timedelta(minutes=rng.randint(5, 50)),
                             now, ship=False)
    # starts a few minutes after the demo is loaded (the real clock: the build itself takes a minute)
    soon = timezone.now() + dt.timedelta(minutes=5)
    _session(world, operator, "即将开抢 · 整点秒杀", soon, soon + dt.timedelta(hours=3), picks[6:9],
             created=now - dt.timedelta(hours=2))


def _session(world: DemoWorld, operator: User, title: str, starts: dt.datetime, ends: dt.datetime,
             skus: list[Sku], created: dt.datetime | None = None) -> FlashSession | None:
    with clock_at(min(created or starts - dt.timedelta(hours=6), starts - dt.timedelta(minutes=1))):
        session = _try(world, "flash_session", flashsale.session_create, user=operator, title=title,
                       starts_at=starts, ends_at=ends)
        if session is None:
            return None
        added = 0
        for sku in skus:
            allotment = max(1, min(20, sku.stock // 4))
            item = _try(world, "flash_item", flashsale.item_add, user=operator, session_id=session.pk,
                        sku_id=sku.pk, flash_price_fen=max(1, sku.price_fen // 2), allotment=allotment,
                        per_member_limit=2)
            added += item is not None
        if not added or _try(world, "flash_schedule", flashsale.session_schedule, user=operator,
                             session_id=session.pk) is None:
            return None
    return FlashSession.objects.get(pk=session.pk)


def _flash_order(world: DemoWorld, rng: random.Random, shop: Shop, user: User, item_id: int, when: dt.datetime,
                 now: dt.datetime, *, ship: bool) -> None:
    with clock_at(when):
        address_id = _address(shop, rng, user)
        checkout = _try(world, "flash_buy", flashsale.flash_buy, user=user, item_id=item_id, address_id=address_id,
                        idempotency_key=uuid.uuid4().hex)
    if checkout is None:
        return
    for order in checkout.orders.all():
        if rng.random() < 0.15:  # left unpaid: the short window lapses and the unit goes back to the allotment
            order.refresh_from_db()  # the checkout shortened its payment window to the session's
            lapsed = order.expires_at + dt.timedelta(minutes=1)
            if lapsed < now:
                with clock_at(lapsed):
                    orders.order_settle(order_id=order.pk)
                    _dispatch(order.pk)
            continue
        if _pay(world, order, when + dt.timedelta(minutes=rng.randint(1, 3))) and ship:
            _ship(world, rng, order, when + dt.timedelta(hours=rng.randint(4, 20)), now)


# --- red packets -------------------------------------------------------------------------------------------------


def _red_packets(world: DemoWorld, rng: random.Random, named: dict[str, User], now: dt.datetime) -> None:
    """The owner of the mothers' community posts a 拼手气 packet there an hour ago, funded from a balance the
    platform granted her; a few members have claimed, the rest (the demo member too) still can."""
    owner, operator, member = named["owner"], named["operator"], named["member"]
    community = next((c for c in world.communities if c.slug == "mama-baby"), None)
    if community is None:
        return
    posted = now - dt.timedelta(hours=1)
    with clock_at(posted - dt.timedelta(minutes=10)):
        _try(world, "balance_grant", redpackets.balance_grant, operator=operator, user_id=owner.pk, amount_fen=8800,
             reference="demo-owner-redpacket-budget", note="群主活动经费")
    with clock_at(posted):
        packet = _try(world, "redpacket", redpackets.redpacket_create_and_fund, funder=owner,
                      community_id=community.pk, amount_fen=6666, shares=12, greeting="宝妈群周末福利，手慢无～",
                      rng=random.Random(rng.random()))
    if packet is None:
        return
    claimers = [u for u in world.members.get(community.pk, []) if u.pk not in (owner.pk, member.pk)]
    for user in rng.sample(claimers, k=min(len(claimers), 5)):
        with clock_at(posted + dt.timedelta(minutes=rng.randint(1, 55))):
            _try(world, "redpacket_claim", redpackets.redpacket_claim, user=user, packet_id=packet.pk)
