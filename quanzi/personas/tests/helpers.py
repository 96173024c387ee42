"""Helpers for the personas tests: members with real behaviour (events through `track`, paid orders through the
orders and payments services) and a community."""

from __future__ import annotations

from typing import Any

from quanzi.accounts import services as account_services
from quanzi.aftersales.tests.helpers import paid_order
from quanzi.catalog.tests import factories as f
from quanzi.core.events import track


def browse_products(user: Any, product: Any, times: int) -> None:
    for _ in range(times):
        track("product.view", user=user, obj=product, via="page")


def consent(user: Any, field: str, value: Any) -> None:
    account_services.persona_set(user=user, field=field, value=value, consent=True)


def buyer_of(sku: Any, user: Any, times: int = 1) -> None:
    for _ in range(times):
        paid_order(user, [(sku, 1)])


def shop_in(category_name: str = "护肤", price_fen: int = 8800) -> tuple[Any, Any, Any]:
    merchant = f.approved_merchant()
    cat = f.category(category_name)
    product, sku = f.product_with_sku(merchant, price_fen=price_fen, stock=100, cat=cat)
    return merchant, product, sku
