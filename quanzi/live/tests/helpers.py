"""A live-selling world for the tests: a community with its owner, a KOL host, a merchant's product on the shelf,
members, and sessions made through the services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from conftest import make_user
from quanzi.accounts.models import User
from quanzi.catalog import services as catalog
from quanzi.catalog.models import Merchant, Product, Sku
from quanzi.catalog.tests import factories as f
from quanzi.communities.enums import Role, Visibility
from quanzi.communities.models import Community
from quanzi.live import services
from quanzi.live.models import LiveSession
from quanzi.orders import services as orders

STREAM = "https://live.example.com/app/room-1.m3u8"


@dataclass
class World:
    community: Community
    owner: User
    host: User
    merchant: Merchant
    product: Product
    sku: Sku
    viewer: User


def world(*, visibility: str = Visibility.PUBLIC, price_fen: int = 12900, stock: int = 20) -> World:
    owner = make_user("群主")
    community = f.community(owner, visibility=visibility)
    host = make_user("主播小美")
    f.add_member(community, host, Role.KOL)
    merchant = f.approved_merchant()
    product, sku = f.product_with_sku(merchant, price_fen=price_fen, stock=stock, title="山茶花修护面霜")
    catalog.shelf_add(user=host, community_id=community.pk, product_id=product.pk)
    viewer = make_user("观众小红")
    f.add_member(community, viewer)
    orders.address_create(user=viewer, name="小红", phone="13912345678", province="浙江省", city="杭州市",
                          district="西湖区", detail="文三路 100 号")
    return World(community=community, owner=owner, host=host, merchant=merchant, product=product, sku=sku,
                 viewer=viewer)


def session(w: World, *, start: bool = True, title: str = "今晚 8 点护肤专场") -> LiveSession:
    s = services.session_schedule(user=w.host, community_id=w.community.pk, title=title, stream_url=STREAM,
                                  scheduled_at=timezone.now() + dt.timedelta(minutes=10))
    if start:
        s = services.session_start(user=w.host, session_id=s.pk)
    return s


def place(user: User, sku: Sku, options: dict[str, Any] | None = None) -> Any:
    """A checkout of one unit, as the checkout page places it."""
    import uuid

    address_id = user.addresses.first().pk  # type: ignore[attr-defined]
    return orders.order_place(user=user, address_id=address_id, items=[(sku.pk, 1)],
                              idempotency_key=uuid.uuid4().hex, options=options or {})
