"""The demo's points (issue 9), made through the points services on the demo clock: a few members hold lots
earned last year (they expire at the end of this year, so "我的积分" shows them as expiring soon) and this year,
and the points mall has three items — a coupon, a tote bag and a thermos (goods the merchant ships) — with one
redemption of each kind by the demo member. Completed demo orders already earned their points through the
`completed` hook."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import transaction

from quanzi.core.timeutil import SHANGHAI
from quanzi.growth.coupons import services as coupons
from quanzi.growth.coupons.enums import ClaimMode, CouponKind, CouponScope
from quanzi.loyalty.points import services as points
from quanzi.orders import selectors as order_selectors
from quanzi.web.demo.clock import clock_at
from quanzi.web.demo.commerce import _try

if TYPE_CHECKING:
    from quanzi.accounts.models import User
    from quanzi.web.demo.build import DemoWorld
    from quanzi.web.demo.commerce import Shop


def build_loyalty_points(world: DemoWorld, rng: random.Random, named: dict[str, User], shop: Shop,
                         now: dt.datetime, log: Callable[[str], None]) -> None:
    member, operator = named["member"], named["operator"]
    merchant_users = {m.user_id for m in shop.merchants.values()}
    others = [u for u in world.users if u.pk not in merchant_users and not u.is_staff and u.pk != member.pk]
    holders = [member, *rng.sample(others, min(5, len(others)))]
    last_year = now.astimezone(SHANGHAI).year - 1
    with transaction.atomic():
        for n, user in enumerate(holders):
            with clock_at(dt.datetime(last_year, rng.randint(3, 11), rng.randint(1, 28), 20, 0, tzinfo=SHANGHAI)):
                _try(world, "points_lot", points.points_grant, user_id=user.pk, amount=800 if n == 0 else
                     rng.randrange(100, 900, 10), key=f"demo:last-year:{user.pk}", reason="去年的购物与签到积分")
            with clock_at(now - dt.timedelta(days=rng.randint(3, 20))):
                _try(world, "points_lot", points.points_grant, user_id=user.pk, amount=rng.randrange(50, 400, 10),
                     key=f"demo:this-year:{user.pk}", reason="连续签到 7 天")
        with clock_at(now - dt.timedelta(days=10)):
            template = coupons.template_create(actor=operator, name="积分兑换 满50减10", kind=CouponKind.AMOUNT_OFF,
                                               amount_fen=1000, threshold_fen=5000, scope=CouponScope.PLATFORM,
                                               claim_mode=ClaimMode.GRANT, per_member_limit=50, valid_days=14)
            coupon_item = points.mall_item_create(
                operator=operator, title="满50减10优惠券", kind="coupon", cost_points=300, stock=200,
                per_member_limit=3, coupon_template_id=template.pk, description="全场通用，兑换后 14 天内有效",
                sort_order=1)
            tote = points.mall_item_create(operator=operator, title="圈子帆布袋", kind="goods", cost_points=600,
                                           stock=50, per_member_limit=1, description="商家包邮寄出，约 3 天发货",
                                           sort_order=2)
            points.mall_item_create(operator=operator, title="不锈钢保温杯", kind="goods", cost_points=2500,
                                    stock=20, per_member_limit=1, description="500ml，商家包邮", sort_order=3)
        with clock_at(now - dt.timedelta(days=2)):
            _try(world, "points_redeem", points.mall_redeem, user=member, item_id=coupon_item.pk,
                 request_key="demo-coupon")
            address = order_selectors.address_list(user=member).first()
            if address is not None:
                _try(world, "points_redeem", points.mall_redeem, user=member, item_id=tote.pk,
                     request_key="demo-tote", address_id=address.pk)
    log(f"  points lots: {world.counts.get('points_lot', 0)}, mall redemptions: {world.counts.get('points_redeem', 0)}")
