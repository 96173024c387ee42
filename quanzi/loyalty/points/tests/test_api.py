"""/api/v1/loyalty/points: balance with what expires soon, the ledger (paginated), the mall's items and a
redemption; bad input gets its code and changes nothing; checkout redeems through /api/v1/orders `options.points`."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import api_client
from quanzi.loyalty.points import selectors
from quanzi.loyalty.points.models import PointsEntry
from quanzi.loyalty.points.tests.helpers import Clock, grant, local, mall_item
from quanzi.orders.tests.helpers import address

pytestmark = pytest.mark.django_db
BASE = "/api/v1/loyalty/points"


def test_balance_expiring_soon_and_the_ledger(buyer: Any, monkeypatch: Any) -> None:
    clock = Clock(monkeypatch, local(2025, 3, 1, 9, 0))
    grant(buyer, 300, key="a")
    clock.set(local(2026, 12, 20, 9, 0))
    grant(buyer, 200, key="b")
    c = api_client(buyer)
    body = c.get(f"{BASE}/balance").json()
    assert body["points"] == 500 and body["redeem_per_yuan"] == 100 and body["redeem_max_percent"] == 50
    assert [e["points"] for e in body["expiring_soon"]] == [300]
    ledger = c.get(f"{BASE}/ledger").json()
    assert ledger["count"] == 2 and [e["points"] for e in ledger["items"]] == [200, 300]
    assert ledger["items"][0]["kind"] == "grant" and ledger["items"][0]["kind_label"] == "奖励"
    assert api_client().get(f"{BASE}/balance").status_code == 401


def test_mall_items_and_redeem(buyer: Any) -> None:
    grant(buyer, 250)
    item = mall_item(cost_points=100, per_member_limit=1)
    listed = api_client().get(f"{BASE}/mall/items").json()
    assert [(i["id"], i["left"], i["redeemed_by_me"]) for i in listed] == [(item.pk, 10, 0)]
    c = api_client(buyer)
    no_address = c.post(f"{BASE}/mall/items/{item.pk}/redeem", {}, content_type="application/json")
    assert no_address.status_code == 400 and no_address.json()["code"] == "address_required"
    ok = c.post(f"{BASE}/mall/items/{item.pk}/redeem", {"address_id": address(buyer).pk, "request_key": "r1"},
                content_type="application/json")
    assert ok.status_code == 201, ok.content
    assert ok.json()["status"] == "pending" and ok.json()["balance"] == 150
    replay = c.post(f"{BASE}/mall/items/{item.pk}/redeem", {"address_id": address(buyer).pk, "request_key": "r1"},
                    content_type="application/json")
    assert replay.status_code == 201 and replay.json()["id"] == ok.json()["id"] and replay.json()["balance"] == 150
    again = c.post(f"{BASE}/mall/items/{item.pk}/redeem", {"address_id": address(buyer).pk},
                   content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "item_limit_reached"
    assert c.get(f"{BASE}/mall/items").json()[0]["redeemed_by_me"] == 1
    missing = c.post(f"{BASE}/mall/items/999999/redeem", {}, content_type="application/json")
    assert missing.status_code == 404 and missing.json()["code"] == "item_not_found"


def test_checkout_redeems_points_through_the_orders_api(buyer: Any, shop: Any) -> None:
    grant(buyer, 8000)
    c = api_client(buyer)
    items = [{"sku_id": shop.cream.pk, "quantity": 1}]
    over = c.post("/api/v1/orders/quote", {"items": items, "options": {"points": 5001}},
                  content_type="application/json")
    assert over.status_code == 400 and over.json()["code"] == "points_over_cap", over.content
    quote = c.post("/api/v1/orders/quote", {"items": items, "options": {"points": 5000}},
                   content_type="application/json").json()
    assert [a["source"] for a in quote["adjustments"]] == ["points"]
    placed = c.post("/api/v1/orders/checkout", {"items": items, "address_id": address(buyer).pk,
                                                "idempotency_key": "pts-api-1", "options": {"points": 5000}},
                    content_type="application/json")
    assert placed.status_code in (200, 201), placed.content
    assert selectors.points_balance(user_id=buyer.pk) == 3000
    too_many = c.post("/api/v1/orders/checkout", {"items": items, "address_id": address(buyer).pk,
                                                  "idempotency_key": "pts-api-2", "options": {"points": 4000}},
                      content_type="application/json")
    assert too_many.status_code == 409 and too_many.json()["code"] == "points_insufficient"
    assert PointsEntry.objects.filter(user=buyer).count() == 2
