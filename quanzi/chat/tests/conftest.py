"""Fixtures of the chat tests: a shop (approved merchant, a product on shelf), a buyer with a paid-or-not order of
it, and two plain members."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from conftest import make_user
from quanzi.catalog.tests.factories import approved_merchant, product_with_sku
from quanzi.orders.tests.helpers import place


@dataclass
class Shop:
    owner: Any
    merchant: Any
    product: Any
    sku: Any


def make_shop(owner_name: str = "好物店主") -> Shop:
    owner = make_user(owner_name)
    merchant = approved_merchant(owner)
    product, sku = product_with_sku(merchant, title="有机山茶油 500ml", price_fen=12800)
    return Shop(owner=owner, merchant=merchant, product=product, sku=sku)


@pytest.fixture
def shop(db: None) -> Shop:
    return make_shop()


@pytest.fixture
def buyer(db: None) -> Any:
    return make_user("买家小红")


@pytest.fixture
def order(shop: Shop, buyer: Any) -> Any:
    return place(buyer, [(shop.sku.pk, 1)]).orders.get()


@pytest.fixture
def alice(db: None) -> Any:
    return make_user("阿丽")


@pytest.fixture
def bob(db: None) -> Any:
    return make_user("阿博")
