"""/api/v1/growth/flashsale and the pages: the buy endpoint's answers (201, 409 codes, 429, 401), the shoppers'
list, the tools of merchants and operators (create, add, schedule, pause, end, figures, Excel), /api/v1/health."""

from __future__ import annotations

import datetime as dt
import io
import logging
import uuid

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from conftest import api_client
from quanzi.catalog.tests import factories as f
from quanzi.growth.flashsale.models import FlashItem, FlashReservation, FlashSession
from quanzi.growth.flashsale.tests.helpers import buy, buyer, shop

pytestmark = pytest.mark.django_db(transaction=True)


def _buy(client: Client, item_id: int, address_id: int | None, key: str = "", quantity: int = 1):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/growth/flashsale/items/{item_id}/buy",
                       {"address_id": address_id, "idempotency_key": key or uuid.uuid4().hex,
                        "quantity": quantity}, content_type="application/json")


def test_the_buy_endpoint_answers_201_then_the_codes():
    s = shop(allotment=1, limit=1)
    member = buyer()
    client = api_client(member)
    address_id = member.addresses.first().pk
    answer = _buy(client, s.item.pk, address_id, key="api-key-0001")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["total_fen"] == 1990 and body["orders"][0]["lines"][0]["campaign_discount_fen"] == 7910
    assert _buy(client, s.item.pk, address_id, key="api-key-0001").json()["id"] == body["id"]  # replay
    answer = _buy(client, s.item.pk, address_id)
    assert (answer.status_code, answer.json()["code"]) == (409, "flashsale_limit_reached")
    other = buyer()
    answer = _buy(api_client(other), s.item.pk, other.addresses.first().pk)
    assert (answer.status_code, answer.json()["code"]) == (409, "flashsale_sold_out")
    assert answer.json()["message"]
    assert _buy(Client(), s.item.pk, address_id).status_code == 401
    answer = _buy(client, 999999, address_id)
    assert (answer.status_code, answer.json()["code"]) == (404, "flashsale_not_found")
    answer = client.post(f"/api/v1/growth/flashsale/items/{s.item.pk}/buy", {"idempotency_key": True},
                         content_type="application/json")
    assert answer.status_code == 422
    assert FlashReservation.objects.count() == 1


def test_expected_refusals_are_not_logged_as_warnings_other_4xx_are(caplog):
    s = shop(allotment=1, limit=1)
    member, other = buyer(), buyer()
    assert _buy(api_client(member), s.item.pk, member.addresses.first().pk).status_code == 201
    caplog.set_level(logging.WARNING)
    answer = _buy(api_client(other), s.item.pk, other.addresses.first().pk)
    assert (answer.status_code, answer.json()["code"]) == (409, "flashsale_sold_out")
    assert not [r for r in caplog.records if r.name == "django.request"]  # a sale's everyday answer
    answer = _buy(api_client(other), s.item.pk, other.addresses.first().pk, key="short")
    assert (answer.status_code, answer.json()["code"]) == (400, "idempotency_key_missing")
    assert [r.levelname for r in caplog.records if r.name == "django.request"] == ["WARNING"]  # a client's mistake
    caplog.clear()
    caplog.set_level(logging.INFO)  # LOG_LEVEL=INFO shows the refusals, as INFO
    _buy(api_client(other), s.item.pk, other.addresses.first().pk)
    assert [r.levelname for r in caplog.records if r.name == "django.request"] == ["INFO"]


def test_the_member_rate_limit_answers_429_with_retry_after(settings):
    settings.QUANZI_FLASHSALE = {"MEMBER_ATTEMPTS": 2, "WINDOW_SECONDS": 3600}
    s = shop(starts_in=dt.timedelta(minutes=10))
    member = buyer()
    client = api_client(member)
    codes = [_buy(client, s.item.pk, member.addresses.first().pk) for _i in range(3)]
    assert [c.status_code for c in codes] == [409, 409, 429]
    assert codes[0].json()["code"] == "flashsale_not_started"
    assert codes[2].json()["code"] == "too_many_requests" and int(codes[2]["Retry-After"]) >= 1


def test_shoppers_see_sessions_with_states_and_never_drafts():
    live = shop(allotment=1)
    shop(starts_in=dt.timedelta(hours=1))
    shop(schedule=False)
    buy(buyer(), live.item)
    answer = Client().get("/api/v1/growth/flashsale/sessions").json()
    assert answer["count"] == 2
    assert [(s["phase"], s["items"][0]["state"]) for s in answer["items"]] == \
        [("live", "sold_out"), ("upcoming", "upcoming")]
    one = Client().get(f"/api/v1/growth/flashsale/sessions/{live.session.pk}").json()
    assert one["items"][0]["remaining"] == 0 and one["items"][0]["flash_price_fen"] == 1990


def test_a_merchant_runs_a_session_through_the_api_and_exports_it():
    merchant = f.approved_merchant()
    _p, sku = f.product_with_sku(merchant, price_fen=5000, stock=20)
    client = api_client(merchant.user)
    now = timezone.now()
    answer = client.post("/api/v1/growth/flashsale/manage/sessions", {
        "title": "午间场", "starts_at": (now - dt.timedelta(minutes=1)).isoformat(),
        "ends_at": (now + dt.timedelta(hours=1)).isoformat()}, content_type="application/json")
    assert answer.status_code == 201, answer.json()
    session_id = answer.json()["id"]
    base = f"/api/v1/growth/flashsale/manage/sessions/{session_id}"
    answer = client.post(f"{base}/items", {"sku_id": sku.pk, "flash_price_fen": 6000, "allotment": 5},
                         content_type="application/json")
    assert (answer.status_code, answer.json()["code"]) == (400, "invalid_price")
    answer = client.post(f"{base}/items", {"sku_id": sku.pk, "flash_price_fen": 990, "allotment": 5,
                                           "per_member_limit": 2}, content_type="application/json")
    assert answer.status_code == 201 and answer.json()["items"][0]["allotment"] == 5
    assert client.post(f"{base}/schedule").json()["status"] == "scheduled"
    sku.refresh_from_db()
    assert sku.stock == 15
    member = buyer()
    item = FlashItem.objects.get(session_id=session_id)
    assert _buy(api_client(member), item.pk, member.addresses.first().pk, quantity=2).status_code == 201
    stats = client.get(base).json()
    assert stats["items"][0]["reserved"] == 2 and stats["items"][0]["units_reserved"] == 2
    assert client.post(f"{base}/pause", {"reason": "补货"}, content_type="application/json").json()["phase"] == \
        "paused"
    assert client.post(f"{base}/resume").json()["phase"] == "live"
    assert client.post(f"{base}/end").json()["status"] == "ended"
    sku.refresh_from_db()
    assert sku.stock == 18  # the 3 left over came back
    listed = client.get("/api/v1/growth/flashsale/manage/sessions").json()
    assert listed["count"] == 1 and listed["items"][0]["allotment"] == 5
    export = client.get(f"{base}/export.xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(export.content))
    assert book.worksheets[1].max_row == 2  # header + the one order
    assert client.get("/api/v1/growth/flashsale/manage/sessions/export.xlsx").status_code == 200
    # another merchant neither sees nor moves it
    stranger = api_client(f.approved_merchant().user)
    assert stranger.get(base).status_code == 404
    assert stranger.get("/api/v1/growth/flashsale/manage/sessions").json()["count"] == 0
    assert stranger.post(f"{base}/pause").json()["code"] == "not_session_owner"


def test_pages_render_and_the_buy_form_places_the_order():
    s = shop(allotment=2)
    shop(starts_in=dt.timedelta(hours=1))
    member = buyer()
    client = Client()
    client.force_login(member)
    page = client.get("/flashsale/")
    assert page.status_code == 200 and "立即抢购" in page.content.decode() and "开抢" in page.content.decode()
    answer = client.post(f"/flashsale/items/{s.item.pk}/buy/", {
        "idempotency_key": uuid.uuid4().hex, "address_id": member.addresses.first().pk})
    assert answer.status_code == 302 and answer["Location"].startswith("/orders/")
    answer = client.post(f"/flashsale/items/{s.item.pk}/buy/", {
        "idempotency_key": uuid.uuid4().hex, "address_id": member.addresses.first().pk, "next": "/flashsale/"},
        follow=True)
    assert "你已达到上限" in answer.content.decode()
    product = client.get(f"/shop/p/{s.sku.product_id}/")
    assert "限时秒杀" in product.content.decode()
    owner = Client()
    owner.force_login(s.merchant.user)
    assert owner.get("/flashsale/manage/").status_code == 200
    assert owner.get(f"/flashsale/manage/{s.session.pk}/").status_code == 200
    assert owner.get(f"/flashsale/manage/{s.session.pk}/export.xlsx").status_code == 200
    answer = owner.post(f"/flashsale/manage/{s.session.pk}/pause/")
    assert answer.status_code == 302
    assert FlashSession.objects.get(pk=s.session.pk).status == "paused"


def test_health_pings_the_database():
    answer = Client().get("/api/v1/health")
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}
