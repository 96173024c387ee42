from __future__ import annotations

from typing import Any

import pytest

from quanzi.catalog.tests import factories as f


@pytest.fixture
def shop(db: None) -> Any:
    """A merchant selling a ¥100 cream (stock 50), shipping ¥10 a parcel."""
    from quanzi.orders import services as order_services

    m = f.approved_merchant()
    product, cream = f.product_with_sku(m, price_fen=10000, stock=50, title="面霜")
    order_services.shipping_template_set(user=m.user, mode="piece", first_units=1, first_fee_fen=1000,
                                         additional_units=1, additional_fee_fen=0, free_threshold_fen=None)

    class Shop:
        merchant = m

    Shop.cream, Shop.product = cream, product  # type: ignore[attr-defined]
    return Shop
