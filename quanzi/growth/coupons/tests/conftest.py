from __future__ import annotations

from typing import Any

import pytest

from quanzi.catalog.tests import factories as f


@pytest.fixture
def operator(db: None) -> Any:
    return f.operator()


@pytest.fixture
def shop(db: None) -> Any:
    """A merchant selling a ¥100 cream and a ¥50 cleanser (category 护肤), and a ¥80 kettle (category 家居),
    each with stock 20; shipping ¥10 a parcel."""
    from quanzi.orders import services as order_services

    m = f.approved_merchant()
    skin = f.category("护肤")
    home = f.category("家居")
    cream_p, cream = f.product_with_sku(m, price_fen=10000, stock=20, title="面霜", cat=skin)
    clean_p, cleanser = f.product_with_sku(m, price_fen=5000, stock=20, title="洗面奶", cat=skin)
    kettle_p, kettle = f.product_with_sku(m, price_fen=8000, stock=20, title="烧水壶", cat=home)
    order_services.shipping_template_set(user=m.user, mode="piece", first_units=1, first_fee_fen=1000,
                                         additional_units=1, additional_fee_fen=0, free_threshold_fen=None)

    class Shop:
        merchant = m
        categories = (skin, home)
        products = (cream_p, clean_p, kettle_p)

    Shop.cream, Shop.cleanser, Shop.kettle = cream, cleanser, kettle  # type: ignore[attr-defined]
    return Shop


@pytest.fixture
def other_shop(db: None) -> Any:
    m = f.approved_merchant()
    product, sku = f.product_with_sku(m, price_fen=6000, stock=20, title="茶叶", cat=f.category("茶"))

    class Other:
        merchant = m
        tea = sku
        tea_product = product

    return Other
