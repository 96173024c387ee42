"""Helpers for the KOL marketplace tests: a merchant with products, a KOL in a community, listed, and a deal."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from conftest import make_user
from quanzi.catalog.tests import factories as f
from quanzi.communities.enums import Role
from quanzi.kolmarket import services


@dataclass
class World:
    merchant: Any
    product: Any
    sku: Any
    other_product: Any
    community: Any
    kol: Any


def world(*, price_fen: int = 10000) -> World:
    merchant = f.approved_merchant()
    product, sku = f.product_with_sku(merchant, price_fen=price_fen, stock=50, title="山茶花修护面霜")
    other, _sku = f.product_with_sku(merchant, price_fen=5000, stock=50, title="洁面乳")
    community = f.community()
    kol = make_user("护肤达人")
    f.add_member(community, kol, Role.KOL)
    services.profile_join(user=kol, bio="十年护肤经验")
    return World(merchant=merchant, product=product, sku=sku, other_product=other, community=community, kol=kol)


def terms(**over: Any) -> dict[str, Any]:
    today = timezone.localdate()
    base: dict[str, Any] = {"commission_rate": Decimal("0.2"), "fixed_fee_fen": 50000,
                            "starts_on": today - dt.timedelta(days=1), "ends_on": today + dt.timedelta(days=30),
                            "posts_required": 1, "lives_required": 0, "message": "想请你种草我们的新品"}
    base.update(over)
    return base


def propose(w: World, **over: Any) -> Any:
    return services.deal_propose(user=w.merchant.user, kol_id=w.kol.pk, product_ids=[w.product.pk], **terms(**over))
