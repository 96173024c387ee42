"""The demo's mall (issue 13, 商场社群): 万象汇 with its three communities, run by its own operator (13800000005);
two tenant merchants invited and accepted (the demo merchant 13800000004 优选好物 and the kitchen shop), a hotel
nearby registered as partner, a calendar (a festival, a campaign tenants sign up to, a mall event), a joint
campaign with the tenants' products and a coupon, a cross-promotion coupon (the hotel's, for the mall's
customers; some members joined the customer community and claimed it) and a tenant's coupon for the hotel's
guests. All through the services (malls, communities, catalog, growth) on the demo clock."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from contextlib import nullcontext
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from quanzi.accounts import services as accounts
from quanzi.catalog import selectors as catalog_selectors
from quanzi.catalog import services as catalog
from quanzi.communities import services as communities
from quanzi.growth.coupons import services as coupons
from quanzi.growth.coupons.enums import CouponKind, CouponScope
from quanzi.malls import services as malls
from quanzi.malls.enums import ItemKind, PartnerKind
from quanzi.web.demo.clock import clock_at
from quanzi.web.demo.commerce import _try

if TYPE_CHECKING:
    from quanzi.accounts.models import User
    from quanzi.web.demo.build import DemoWorld
    from quanzi.web.demo.commerce import Shop

MALL_OPERATOR = ("13800000005", "万象汇运营小林")
HOTEL_OWNER = ("13800000006", "江畔酒店前台")


def _login(world: DemoWorld, role: str, phone: str, nickname: str) -> User:
    from quanzi.web.demo.build import CHEAP_HASHER, DEMO_PASSWORD, DemoLogin

    dev = bool(settings.DEBUG or getattr(settings, "TESTING", False))
    with override_settings(PASSWORD_HASHERS=[CHEAP_HASHER]) if dev else nullcontext():
        user = accounts.user_signup(phone=phone, password=DEMO_PASSWORD, nickname=nickname)
    world.logins.append(DemoLogin(role, phone, nickname))
    return user


def build_malls(world: DemoWorld, rng: random.Random, named: dict[str, User], shop: Shop, now: dt.datetime,
                log: Callable[[str], None]) -> None:
    operator = named["operator"]
    with transaction.atomic(), clock_at(now - dt.timedelta(days=6)):
        mall_op = _login(world, "mall", *MALL_OPERATOR)
        hotel_user = _login(world, "mall partner", *HOTEL_OWNER)
        mall = malls.mall_create(actor=operator, owner_id=mall_op.pk, name="万象汇", slug="wanxianghui",
                                 address="杭州市上城区钱江路1号")
        tenants = [shop.merchants["demo"], shop.merchants["kitchen"]]
        for unit, merchant in zip(("L1-08", "B1-21"), tenants, strict=True):
            malls.tenant_invite(actor=mall_op, mall=mall, merchant_id=merchant.pk, unit=unit)
            malls.tenant_accept(actor=merchant.user, mall=mall)
        applied = catalog.merchant_apply(user=hotel_user, business_name="江畔精品酒店", licence_no="91330102MA2HOTEL1",
                                         contact_name="前台", contact_phone=HOTEL_OWNER[0])
        hotel = catalog.merchant_approve(operator=operator, merchant_id=applied.pk,
                                         commission_rate=applied.commission_rate)
        partner = malls.partner_apply(actor=hotel_user, mall=mall, kind=PartnerKind.HOTEL,
                                      intro="步行 5 分钟，住客凭券享商场优惠")
        partner = malls.partner_approve(actor=mall_op, mall=mall, partner_id=partner.pk)
        malls.notice_post(actor=mall_op, mall=mall, title="双十二大促筹备会通知",
                          body="各位商户：本周四下午 3 点在 5 楼会议室召开双十二联合大促筹备会，请店长准时参加。")

    today = timezone.localdate()
    with transaction.atomic(), clock_at(now - dt.timedelta(days=5)):
        festival_day = today + dt.timedelta(days=(12 - today.day) % 31 or 1)
        malls.calendar_item_create(actor=mall_op, mall=mall, kind=ItemKind.FESTIVAL, title="冬至",
                                   starts_on=today + dt.timedelta(days=20), ends_on=today + dt.timedelta(days=20),
                                   description="商场美食街推出冬至饺子宴")
        campaign_item = malls.calendar_item_create(
            actor=mall_op, mall=mall, kind=ItemKind.CAMPAIGN, title="双十二联合大促", starts_on=festival_day,
            ends_on=festival_day + dt.timedelta(days=2), signup_open=True, signup_deadline=festival_day,
            description="全场满 300 减 50，商户报名后可在活动页展示商品与店铺券")
        malls.calendar_item_create(actor=mall_op, mall=mall, kind=ItemKind.CAMPAIGN, title="跨年倒数季",
                                   starts_on=today + dt.timedelta(days=28), ends_on=today + dt.timedelta(days=32),
                                   signup_open=True, description="跨年夜营业至凌晨 1 点，商户可报名延长营业")
        malls.calendar_item_create(actor=mall_op, mall=mall, kind=ItemKind.EVENT, title="中庭圣诞市集",
                                   starts_on=today + dt.timedelta(days=14), ends_on=today + dt.timedelta(days=17),
                                   description="中庭圣诞树点灯，周末手作市集")
        malls.calendar_signup(actor=tenants[0].user, mall=mall, item_id=campaign_item.pk, note="全店参加满减")

        campaign = malls.campaign_create(actor=mall_op, mall=mall, title="双十二联合大促",
                                         intro="万象汇 × 入驻好店：满 300 减 50，叠加店铺券",
                                         starts_at=now - dt.timedelta(days=1), ends_at=now + dt.timedelta(days=10),
                                         calendar_item_id=campaign_item.pk)
        own_coupon = coupons.template_create(actor=tenants[0].user, name="优选好物满200减30",
                                             kind=CouponKind.AMOUNT_OFF, amount_fen=3000, threshold_fen=20000,
                                             scope=CouponScope.MERCHANT, merchant_id=tenants[0].pk, valid_days=14,
                                             total_quota=500)
        for merchant in tenants:
            products = [p.pk for p in catalog_selectors.merchant_products(merchant=merchant).filter(on_shelf=True)[:4]]
            _try(world, "mall_campaign_entry", malls.campaign_join, actor=merchant.user, mall=mall,
                 campaign_id=campaign.pk, product_ids=products,
                 coupon_template_ids=[own_coupon.pk] if merchant.pk == tenants[0].pk else [])

        hotel_coupon = coupons.template_create(actor=hotel_user, name="江畔酒店下午茶立减40",
                                               kind=CouponKind.NO_THRESHOLD, amount_fen=4000,
                                               scope=CouponScope.MERCHANT, merchant_id=hotel.pk, valid_days=30,
                                               total_quota=200)
        malls.promo_offer(actor=hotel_user, mall=mall, template_id=hotel_coupon.pk)
        guest_coupon = coupons.template_create(actor=tenants[1].user, name="住客专享满100减15",
                                               kind=CouponKind.AMOUNT_OFF, amount_fen=1500, threshold_fen=10000,
                                               scope=CouponScope.MERCHANT, merchant_id=tenants[1].pk,
                                               valid_days=30, total_quota=300)
        malls.promo_offer(actor=tenants[1].user, mall=mall, template_id=guest_coupon.pk, partner_id=partner.pk)

    with transaction.atomic(), clock_at(now - dt.timedelta(days=3)):
        for user in rng.sample(world.users, k=min(12, len(world.users))):
            if _try(world, "mall_customer", communities.community_join, user=user,
                    community=mall.customer_community) is not None and rng.random() < 0.5:
                _try(world, "mall_offer_claim", coupons.coupon_claim, user=user, template_id=hotel_coupon.pk)
    log(f"  mall: 万象汇 /malls/{mall.slug}/, tenants 2, partner 1, customers {world.counts.get('mall_customer', 0)}, "
        f"offer claims {world.counts.get('mall_offer_claim', 0)}")
