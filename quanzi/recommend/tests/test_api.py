"""The API: each list says its kind; the switch, 不感兴趣 and bad input."""

from __future__ import annotations

from typing import Any

import pytest

from quanzi.recommend import services
from quanzi.recommend.models import HiddenItem, MemberPreference
from quanzi.recommend.tests.helpers import shop

pytestmark = pytest.mark.django_db
BASE = "/api/v1/recommend"


def test_for_you_says_its_kind(api: Any) -> None:
    s = shop()
    services.model_train()
    body = api(s.member).get(f"{BASE}/for-you?kinds=product").json()
    assert body["name"] == "for_you" and body["kind"] == "personalised" and body["source"] == "model"
    item = body["items"][0]
    assert item["kind"] == "product" and item["reason_label"] and item["url"] == f"/shop/p/{item['id']}/"
    assert item["price_fen"] == 9900
    visitor = api().get(f"{BASE}/for-you?kinds=product").json()
    assert visitor["kind"] == "popular"
    r = api(s.member).put(f"{BASE}/preferences", data={"personalised": False}, content_type="application/json")
    assert r.status_code == 200 and r.json() == {"personalised": False, "share_purchases": False}
    off = api(s.member).get(f"{BASE}/for-you?kinds=product").json()
    assert off["kind"] == "popular" and [i["id"] for i in off["items"]] == [i["id"] for i in visitor["items"]]
    assert api(s.member).get(f"{BASE}/preferences").json()["personalised"] is False


def test_lists_and_kinds(api: Any) -> None:
    s = shop()
    services.model_train()
    a = s.products["A"].pk
    body = api().get(f"{BASE}/products/{a}/also-bought").json()
    assert body["kind"] == "popular" and body["items"][0]["reason"] == "also_bought"
    hot = api().get(f"{BASE}/communities/{s.community.pk}/hot").json()
    assert hot["kind"] == "popular" and hot["items"][0]["reason_label"] == "同社群热卖"
    friends = api(s.member).get(f"{BASE}/friends-bought").json()
    assert friends["kind"] == "personalised" and friends["items"] == []
    assert api().get(f"{BASE}/friends-bought").status_code == 401
    assert api().get(f"{BASE}/products/999999/also-bought").status_code == 404
    assert api().get(f"{BASE}/communities/999999/hot").status_code == 404


def test_hide_and_unhide(api: Any) -> None:
    s = shop()
    services.model_train()
    b = s.products["B"].pk
    client = api(s.member)
    r = client.post(f"{BASE}/hidden", data={"kind": "product", "item_id": b}, content_type="application/json")
    assert r.status_code == 201 and r.json() == {"kind": "product", "item_id": b}
    assert b not in [i["id"] for i in client.get(f"{BASE}/for-you?kinds=product").json()["items"]]
    assert client.get(f"{BASE}/hidden").json() == [{"kind": "product", "item_id": b}]
    assert client.delete(f"{BASE}/hidden/product/{b}").status_code == 204
    assert not HiddenItem.objects.exists()


def test_bad_input_changes_nothing(api: Any) -> None:
    s = shop()
    client = api(s.member)
    r = client.post(f"{BASE}/hidden", data={"kind": "shop", "item_id": 1}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid_item_kind" and "product" in r.json()["message"]
    r = client.post(f"{BASE}/hidden", data={"kind": "product", "item_id": 987654}, content_type="application/json")
    assert r.status_code == 404 and r.json()["code"] == "item_not_found"
    r = client.get(f"{BASE}/for-you?kinds=shop")
    assert r.status_code == 400 and r.json()["code"] == "invalid_item_kind"
    r = client.put(f"{BASE}/preferences", data={"personalised": "maybe"}, content_type="application/json")
    assert r.status_code == 422
    assert not HiddenItem.objects.exists() and not MemberPreference.objects.exists()
    assert api().put(f"{BASE}/preferences", data={"personalised": False},
                     content_type="application/json").status_code == 401
