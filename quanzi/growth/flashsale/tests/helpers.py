"""Helpers for the flash-sale tests: a merchant's SKU, a live (or upcoming) session scheduled through the services,
buyers with an address, and a buy."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from conftest import make_user
from quanzi.accounts.models import User
from quanzi.catalog import services as catalog
from quanzi.catalog.models import Merchant, Sku
from quanzi.catalog.tests import factories as f
from quanzi.growth.flashsale import services
from quanzi.growth.flashsale.models import FlashItem, FlashSession
from quanzi.orders import services as orders

# one Redis database per test process, so parallel workers (pytest-xdist: gw0, gw1 …) never flush each other's
# counters: db 9 for the first (and for a run without workers), then 8, 7 …
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
REDIS_TEST_URL = f"redis://127.0.0.1:6379/{9 - int(_WORKER[2:] or 0) % 8}"


@dataclass
class Shop:
    merchant: Merchant
    sku: Sku
    session: FlashSession
    item: FlashItem


def shop(*, stock: int = 150, price_fen: int = 9900, flash_price_fen: int = 1990, allotment: int = 100,
         limit: int = 1, starts_in: dt.timedelta = dt.timedelta(minutes=-1), hours: int = 2,
         schedule: bool = True, pay_minutes: int | None = None, title: str = "今晚 20:00 场",
         product_title: str = "秒杀面霜", image: bool = False) -> Shop:
    merchant = f.approved_merchant()
    product, sku = f.product_with_sku(merchant, price_fen=price_fen, stock=stock, title=product_title)
    if image:
        catalog.product_image_add(user=merchant.user, product_id=product.pk, image=f.png_upload())
    now = timezone.now()
    session = services.session_create(user=merchant.user, title=title, starts_at=now + starts_in,
                                      ends_at=now + starts_in + dt.timedelta(hours=hours), pay_minutes=pay_minutes)
    item = services.item_add(user=merchant.user, session_id=session.pk, sku_id=sku.pk,
                             flash_price_fen=flash_price_fen, allotment=allotment, per_member_limit=limit)
    if schedule:
        session = services.session_schedule(user=merchant.user, session_id=session.pk)
    item.refresh_from_db()
    sku.refresh_from_db()
    return Shop(merchant=merchant, sku=sku, session=session, item=item)


def buyer(nickname: str = "") -> User:
    user = make_user(nickname)
    orders.address_create(user=user, name="小红", phone="13912345678", province="浙江省", city="杭州市",
                          district="西湖区", detail="文三路 100 号")
    return user


def buy(user: User, item: FlashItem, *, quantity: int = 1, key: str | None = None, ip: str | None = None) -> Any:
    address_id = user.addresses.first().pk  # type: ignore[attr-defined]
    return services.flash_buy(user=user, item_id=item.pk, address_id=address_id,
                              idempotency_key=key or uuid.uuid4().hex, quantity=quantity, ip=ip)


def counts(item: FlashItem, sku: Sku) -> tuple[int, int, int]:
    """(allotment, reserved, SKU stock) as stored now."""
    item.refresh_from_db()
    sku.refresh_from_db()
    return item.allotment, item.reserved, sku.stock
