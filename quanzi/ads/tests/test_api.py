"""/api/v1/ads: the merchant's account, top-up and refund, a campaign from draft to report, the operators' review
queue and revenue mix; who may do what."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from conftest import api_client, make_user
from quanzi.ads.tests.helpers import pay, topped_up
from quanzi.catalog.tests import factories as f

pytestmark = pytest.mark.django_db


def _draft(product_id: int, **over: object) -> dict[str, object]:
    now = timezone.now()
    body: dict[str, object] = {
        "name": "冬季上新", "title": "羽绒服第二件半价", "placement": "feed", "billing": "cpc", "price_fen": 50,
        "budget_fen": 10_000, "starts_at": (now - dt.timedelta(minutes=1)).isoformat(),
        "ends_at": (now + dt.timedelta(days=7)).isoformat(), "target_product_id": product_id}
    body.update(over)
    return body


def test_a_merchant_runs_a_campaign_through_the_api_and_takes_the_rest_back() -> None:
    merchant = f.approved_merchant()
    product, _sku = f.product_with_sku(merchant, stock=20)
    api = api_client(merchant.user)

    made = api.post("/api/v1/ads/topups", {"amount_fen": 30_000, "idempotency_key": uuid.uuid4().hex},
                    content_type="application/json")
    assert made.status_code == 201, made.content
    pay(merchant.user, made.json()["order_id"])
    account = api.get("/api/v1/ads/account").json()
    assert account["balance_fen"] == 30_000 and account["topups"][0]["status"] == "paid"

    draft = api.post("/api/v1/ads/campaigns", _draft(product.pk), content_type="application/json")
    assert draft.status_code == 201, draft.content
    cid = draft.json()["id"]
    assert draft.json()["status"] == "draft" and draft.json()["image_url"] == ""
    no_picture = api.post(f"/api/v1/ads/campaigns/{cid}/submit")
    assert (no_picture.status_code, no_picture.json()["code"]) == (400, "invalid_creative")
    pictured = api.post(f"/api/v1/ads/campaigns/{cid}/image", {"image": f.png_upload()})
    assert pictured.status_code == 200, pictured.content
    assert pictured.json()["image_url"]
    submitted = api.post(f"/api/v1/ads/campaigns/{cid}/submit")
    assert submitted.json()["status"] == "pending"
    assert api.get("/api/v1/ads/account").json()["balance_fen"] == 20_000  # the budget is reserved

    operator = api_client(f.operator())
    assert [c["id"] for c in operator.get("/api/v1/ads/review").json()] == [cid]
    approved = operator.post(f"/api/v1/ads/campaigns/{cid}/review", {"approve": True},
                             content_type="application/json")
    assert approved.json()["status"] == "active"
    report = api.get(f"/api/v1/ads/campaigns/{cid}/report").json()
    assert (report["impressions"], report["spent_fen"], report["billed_fen"]) == (0, 0, 0)
    assert len(report["days"]) == 14

    assert api.post(f"/api/v1/ads/campaigns/{cid}/end").json()["status"] == "ended"
    assert api.get("/api/v1/ads/account").json()["balance_fen"] == 30_000  # the unspent budget came back
    topup_id = account["topups"][0]["id"]
    refund = api.post(f"/api/v1/ads/topups/{topup_id}/refund")
    assert refund.json() == {"refunded_fen": 30_000, "balance_fen": 0}
    again = api.post(f"/api/v1/ads/topups/{topup_id}/refund")
    assert (again.status_code, again.json()["code"]) == (409, "nothing_to_refund")
    mix = operator.get("/api/v1/ads/revenue?days=7").json()
    assert len(mix["days"]) == 7 and {ln["key"] for ln in mix["lines"]} >= {"ads", "commission"}
    assert all(ln["all_time_fen"] == ln["ledger_fen"] for ln in mix["lines"])


def test_who_may_use_the_ads_api() -> None:
    merchant, other = topped_up(20_000), f.approved_merchant()
    product, _sku = f.product_with_sku(merchant, stock=5)
    cid = api_client(merchant.user).post("/api/v1/ads/campaigns", _draft(product.pk),
                                         content_type="application/json").json()["id"]
    anonymous = Client().get("/api/v1/ads/account")
    assert anonymous.status_code == 401
    member = api_client(make_user())
    assert member.get("/api/v1/ads/account").json()["code"] == "not_merchant"
    assert member.get("/api/v1/ads/review").json()["code"] == "not_operator"
    assert member.get("/api/v1/ads/revenue").status_code == 403
    theirs = api_client(other.user).get(f"/api/v1/ads/campaigns/{cid}")
    assert (theirs.status_code, theirs.json()["code"]) == (403, "campaign_not_yours")
    assert api_client(other.user).post(f"/api/v1/ads/campaigns/{cid}/submit").status_code == 403
    bad = api_client(merchant.user).post("/api/v1/ads/campaigns", _draft(product.pk, budget_fen=0),
                                         content_type="application/json")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_budget")
    assert api_client(merchant.user).get("/api/v1/ads/campaigns").json()[0]["id"] == cid
