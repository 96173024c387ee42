"""Helpers for the mall tests: a mall opened through the services, tenants and a partner that went through the
invite / apply flows, coupons made through growth's services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from conftest import make_user
from quanzi.accounts.models import User
from quanzi.catalog.models import Merchant
from quanzi.catalog.tests import factories as f
from quanzi.growth.coupons import services as coupon_services
from quanzi.growth.coupons.enums import CouponKind, CouponScope
from quanzi.malls import services
from quanzi.malls.enums import PartnerKind
from quanzi.malls.models import Mall, MallPartner

_n = {"i": 0}


def open_mall(owner: User | None = None, *, name: str = "") -> Mall:
    _n["i"] += 1
    i = _n["i"]
    owner = owner or make_user("商场运营")
    return services.mall_create(actor=f.operator(), owner_id=owner.pk, name=name or f"万象城{i}",
                                slug=f"mall-{i}", address="深圳市罗湖区宝安南路1881号")


def tenant(mall: Mall, merchant: Merchant | None = None) -> Merchant:
    merchant = merchant or f.approved_merchant()
    services.tenant_invite(actor=mall.owner, mall=mall, merchant_id=merchant.pk, unit="L1-01")
    services.tenant_accept(actor=merchant.user, mall=mall)
    return merchant


def partner(mall: Mall, merchant: Merchant | None = None, kind: str = PartnerKind.HOTEL) -> MallPartner:
    merchant = merchant or f.approved_merchant()
    row = services.partner_apply(actor=merchant.user, mall=mall, kind=kind, intro="步行五分钟")
    return services.partner_approve(actor=mall.owner, mall=mall, partner_id=row.pk)


def shop_coupon(merchant: Merchant, name: str = "店铺满100减20") -> Any:
    return coupon_services.template_create(actor=merchant.user, name=name, kind=CouponKind.AMOUNT_OFF,
                                           amount_fen=2000, threshold_fen=10000, scope=CouponScope.MERCHANT,
                                           merchant_id=merchant.pk, valid_days=7)


def today(days: int = 0) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@dataclass
class World:
    mall: Mall
    other_mall: Mall
    shop: Merchant
    shop2: Merchant
    hotel: MallPartner


def world() -> World:
    mall = open_mall(name="万象城")
    other = open_mall(name="海岸城")
    shop = tenant(mall)
    shop2 = tenant(mall)
    return World(mall=mall, other_mall=other, shop=shop, shop2=shop2, hotel=partner(mall))
