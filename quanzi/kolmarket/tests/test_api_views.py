"""The API and the pages: the directory (and its HTMX fragment), proposing, answering, the deal's detail; a
refused answer gets its code (API) or its message (page) and changes nothing; strangers see nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import api_client, make_user
from quanzi.kolmarket.enums import DealStatus
from quanzi.kolmarket.models import Deal
from quanzi.kolmarket.tests.helpers import propose, world

pytestmark = pytest.mark.django_db


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def test_api_directory_propose_accept_twice_and_detail():
    w = world()
    merchant = api_client(w.merchant.user)
    kols = merchant.get("/api/v1/kolmarket/kols?vertical=beauty&sort=engagement").json()
    assert [k["user_id"] for k in kols["items"]] == [w.kol.pk]
    assert merchant.get("/api/v1/kolmarket/kols?vertical=fitness").json()["items"] == []
    r = _post(merchant, "/api/v1/kolmarket/deals", {
        "kol_id": w.kol.pk, "product_ids": [w.product.pk], "commission_rate": "0.2", "fixed_fee_fen": 0,
        "starts_on": str(timezone.localdate()), "ends_on": str(timezone.localdate() + dt.timedelta(days=30)), "posts_required": 0, "lives_required": 0,
        "message": "hi"})
    assert r.status_code == 201, r.content
    deal_id = r.json()["id"]
    kol = api_client(w.kol)
    assert [d["id"] for d in kol.get("/api/v1/kolmarket/deals?side=kol").json()["items"]] == [deal_id]
    assert _post(kol, f"/api/v1/kolmarket/deals/{deal_id}/accept", {}).json()["status"] == "accepted"
    again = _post(kol, f"/api/v1/kolmarket/deals/{deal_id}/accept", {})
    assert (again.status_code, again.json()["code"]) == (409, "deal_closed")
    detail = merchant.get(f"/api/v1/kolmarket/deals/{deal_id}").json()
    assert [h["to_status"] for h in detail["history"]] == ["proposed", "accepted"]
    assert detail["credited"] == [] and detail["deliverables_met"] is True
    stranger = api_client(make_user("路人"))
    assert stranger.get(f"/api/v1/kolmarket/deals/{deal_id}").json()["code"] == "deal_not_found"
    bad = _post(merchant, "/api/v1/kolmarket/deals", {
        "kol_id": w.kol.pk, "product_ids": [w.product.pk], "commission_rate": "0.9", "fixed_fee_fen": 0,
        "starts_on": str(timezone.localdate()), "ends_on": str(timezone.localdate() + dt.timedelta(days=30))})
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_terms")
    assert Deal.objects.count() == 1


def test_pages_directory_fragment_propose_and_answer(client: Client):
    w = world()
    client.force_login(w.merchant.user)
    page = client.get("/kol-market/")
    assert page.status_code == 200 and f'id="propose-{w.kol.pk}"' in page.content.decode()
    fragment = client.get("/kol-market/?vertical=fitness", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith("<section") and 'id="kol-empty"' in fragment
    url = f"/kol-market/kols/{w.kol.pk}/propose/"
    form = {"products": [str(w.product.pk)], "rate": "60", "fee": "0", "starts_on": str(timezone.localdate()),
            "ends_on": str(timezone.localdate() + dt.timedelta(days=30)), "posts": "0", "lives": "0", "message": ""}
    refused = client.post(url, form)
    assert refused.status_code == 400 and "佣金比例须大于 0" in refused.content.decode()
    assert Deal.objects.count() == 0
    form["rate"] = "25"
    made = client.post(url, form)
    deal = Deal.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/kol-market/deals/{deal.pk}/"
    client.force_login(w.kol)
    assert 'id="deal-accept"' in client.get(f"/kol-market/deals/{deal.pk}/").content.decode()
    client.post(f"/kol-market/deals/{deal.pk}/accept/")
    deal.refresh_from_db()
    assert deal.status == DealStatus.ACCEPTED and str(deal.commission_rate) == "0.2500"
    client.post(f"/kol-market/deals/{deal.pk}/accept/")  # again: refused with a message, nothing changes
    assert deal.status_changes.count() == 2
    client.force_login(make_user("路人"))
    assert client.get(f"/kol-market/deals/{deal.pk}/").status_code == 404


def test_a_deal_page_shows_a_waiting_merchant_the_withdraw_button():
    w = world()
    deal = propose(w)
    c = Client()
    c.force_login(w.merchant.user)
    html = c.get(f"/kol-market/deals/{deal.pk}/").content.decode()
    assert 'id="deal-withdraw"' in html and 'id="deal-accept"' not in html
