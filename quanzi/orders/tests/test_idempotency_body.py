"""The same idempotency key with another body answers 422 `idempotency_key_reused`, never the first checkout;
the same body (items in another order, one SKU split over two entries) replays the first checkout."""

from __future__ import annotations

import json

import pytest

from conftest import api_client, make_user
from quanzi.catalog.tests import factories
from quanzi.orders.models import CheckoutSession, Order
from quanzi.orders.tests.helpers import address, key

pytestmark = pytest.mark.django_db


def test_same_key_other_body_is_422_and_same_body_replays() -> None:
    buyer = make_user()
    merchant = factories.approved_merchant()
    _, sku_a = factories.product_with_sku(merchant, stock=10)
    _, sku_b = factories.product_with_sku(merchant, stock=10)
    addr = address(buyer)
    client = api_client(buyer)
    k = key()
    body = {"address_id": addr.pk, "idempotency_key": k,
            "items": [{"sku_id": sku_a.pk, "quantity": 1}, {"sku_id": sku_b.pk, "quantity": 2}]}

    def post(b: dict) -> tuple[int, dict]:  # type: ignore[type-arg]
        r = client.post("/api/v1/orders/checkout", json.dumps(b), content_type="application/json")
        return r.status_code, r.json()

    status, first = post(body)
    assert status == 201
    same = {**body, "items": [{"sku_id": sku_b.pk, "quantity": 1}, {"sku_id": sku_a.pk, "quantity": 1},
                              {"sku_id": sku_b.pk, "quantity": 1}]}
    status, again = post(same)
    assert status == 201 and again["id"] == first["id"]
    for changed in ({**body, "items": [{"sku_id": sku_a.pk, "quantity": 2}]}, {**body, "note": "快点发货"},
                    {**body, "expected_total_fen": 1}):
        status, refused = post(changed)
        assert status == 422, refused
        assert refused["code"] == "idempotency_key_reused" and refused["message"]
    assert CheckoutSession.objects.filter(buyer=buyer).count() == 1
    assert Order.objects.filter(buyer=buyer).count() == 1
    sku_a.refresh_from_db()
    assert sku_a.stock == 9
