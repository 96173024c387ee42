"""/api/v1/growth/coupons: claimable, claim, mine, usable (with reasons and the best combination), the campaign
desk; and the coupons through /api/v1/orders quote and checkout (`options.coupon_ids`), the order's waterfall."""

from __future__ import annotations

import uuid

import pytest

from conftest import api_client
from quanzi.catalog.tests import factories as f
from quanzi.growth.coupons.enums import CouponScope, CouponStatus
from quanzi.growth.coupons.models import Coupon, CouponTemplate
from quanzi.growth.coupons.tests.helpers import claim, template
from quanzi.orders.models import CheckoutSession
from quanzi.orders.tests.helpers import address

pytestmark = pytest.mark.django_db
BASE = "/api/v1/growth/coupons"


def test_claimable_claim_and_mine(operator, shop, member):
    t = template(operator, name="满100减20", total_quota=1)
    listed = api_client().get(f"{BASE}/claimable").json()
    assert listed["count"] == 1 and listed["items"][0]["value_text"] == "¥20"
    assert listed["items"][0]["condition_text"] == "满 ¥100 可用" and listed["items"][0]["remaining"] == 1
    c = api_client(member)
    answer = c.post(f"{BASE}/templates/{t.pk}/claim")
    assert answer.status_code == 201 and answer.json()["state"] == "usable"
    assert c.get(f"{BASE}/claimable").json()["items"][0]["viewer_claimed"] == 1
    again = c.post(f"{BASE}/templates/{t.pk}/claim")
    assert again.status_code == 409 and again.json()["code"] == "claim_limit_reached"
    gone = api_client(f.operator()).post(f"{BASE}/templates/{t.pk}/claim")
    assert gone.status_code == 409 and gone.json()["code"] == "coupon_exhausted"
    assert api_client().post(f"{BASE}/templates/{t.pk}/claim").status_code == 401
    assert c.post(f"{BASE}/templates/424242/claim").json()["code"] == "template_not_found"
    mine = c.get(f"{BASE}/mine?state=usable").json()
    assert [i["template"]["name"] for i in mine["items"]] == ["满100减20"]
    bad = c.get(f"{BASE}/mine?state=lost")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_state"
    # the product's coupons
    by_product = api_client().get(f"{BASE}/claimable?product_id={shop.products[0].pk}").json()
    assert [i["id"] for i in by_product["items"]] == [t.pk]


def test_usable_for_a_quote_with_reasons_and_the_best_pair(operator, shop, member):
    good = claim(member, template(operator, name="平台满100减20"))
    shop_coupon = claim(member, template(shop.merchant.user, name="店铺减10", amount_fen=1000,
                                         scope=CouponScope.MERCHANT))
    far = claim(member, template(operator, name="平台满1000减100", amount_fen=10000, threshold_fen=100000))
    home = claim(member, template(operator, name="家居券", scope=CouponScope.CATEGORY,
                                  category_id=shop.categories[1].pk))
    advice = api_client(member).post(f"{BASE}/usable", {"items": [{"sku_id": shop.cream.pk, "quantity": 1}]},
                                     content_type="application/json").json()
    assert sorted(advice["best_coupon_ids"]) == sorted([good.pk, shop_coupon.pk])
    assert advice["best_saving_fen"] == 3000 and advice["total_without_fen"] == 11000
    assert {o["coupon"]["id"]: o["group"] for o in advice["usable"]} == {
        good.pk: "platform", shop_coupon.pk: f"m{shop.merchant.pk}"}
    reasons = {o["coupon"]["id"]: o["code"] for o in advice["unusable"]}
    assert reasons == {far.pk: "coupon_below_threshold", home.pk: "coupon_other_scope"}
    assert "共省 ¥30.00" in advice["explanation"]


def test_quote_and_checkout_take_the_coupons_and_a_second_use_is_refused(operator, shop, member):
    c = claim(member, template(operator, name="平台满100减20"))
    client = api_client(member)
    q = client.post("/api/v1/orders/quote", {"items": [{"sku_id": shop.cream.pk, "quantity": 1}],
                                            "options": {"coupon_ids": [c.pk]}}, content_type="application/json")
    assert q.status_code == 200 and q.json()["total_fen"] == 9000
    [adj] = [a for a in q.json()["adjustments"] if a["stage"] == "coupon"]
    assert adj["source"] == f"coupon:{c.pk}" and adj["label"] == "平台满100减20"
    addr = address(member).pk
    body = {"address_id": addr, "items": [{"sku_id": shop.cream.pk, "quantity": 1}],
            "idempotency_key": uuid.uuid4().hex, "expected_total_fen": 9000, "options": {"coupon_ids": [c.pk]}}
    placed = client.post("/api/v1/orders/checkout", body, content_type="application/json")
    assert placed.status_code == 201, placed.json()
    line = placed.json()["orders"][0]["lines"][0]
    assert line["coupon_discount_fen"] == 2000
    assert [(a["stage"], a["source"], a["label"], a["amount_fen"]) for a in line["adjustments"]] == \
        [("coupon", f"coupon:{c.pk}", "平台满100减20", 2000)]
    assert Coupon.objects.get(pk=c.pk).status == CouponStatus.USED
    again = client.post("/api/v1/orders/checkout", {**body, "idempotency_key": uuid.uuid4().hex},
                        content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "coupon_used"
    assert CheckoutSession.objects.count() == 1
    below = client.post("/api/v1/orders/quote", {"items": [{"sku_id": shop.cleanser.pk, "quantity": 1}],
                                                "options": {"coupon_ids": [c.pk]}}, content_type="application/json")
    assert below.status_code == 409 and below.json()["code"] == "coupon_used"
    nonsense = client.post("/api/v1/orders/quote", {"items": [{"sku_id": shop.cream.pk, "quantity": 1}],
                                                   "options": {"coupon_ids": [True]}},
                           content_type="application/json")
    assert nonsense.status_code == 422


def test_the_campaign_desk(operator, shop, member, other_shop):
    merchant = api_client(shop.merchant.user)
    made = merchant.post(f"{BASE}/templates", {"name": "店铺满99减9", "kind": "amount_off", "amount_fen": 900,
                                               "threshold_fen": 9900, "scope": "merchant", "valid_days": 3,
                                               "total_quota": 10}, content_type="application/json")
    assert made.status_code == 201 and made.json()["merchant_id"] == shop.merchant.pk
    t_id = made.json()["id"]
    refused = merchant.post(f"{BASE}/templates", {"name": "平台券", "kind": "amount_off", "amount_fen": 900,
                                                  "threshold_fen": 9900, "claim_mode": "grant", "valid_days": 3},
                            content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "not_operator"
    bad = merchant.post(f"{BASE}/templates", {"name": "x", "kind": "amount_off", "amount_fen": 900,
                                              "threshold_fen": 100, "valid_days": 3}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_threshold"
    paused = merchant.post(f"{BASE}/templates/{t_id}/status", {"status": "paused"}, content_type="application/json")
    assert paused.json()["status"] == "paused"
    other = api_client(other_shop.merchant.user)
    assert other.post(f"{BASE}/templates/{t_id}/status", {"status": "ended"},
                      content_type="application/json").json()["code"] == "template_not_found"
    assert [i["id"] for i in merchant.get(f"{BASE}/manage/templates").json()["items"]] == [t_id]
    assert other.get(f"{BASE}/manage/templates").json()["count"] == 0
    assert other.get(f"{BASE}/manage/redemptions?template_id={t_id}").json()["code"] == "template_not_found"
    assert api_client(member).get(f"{BASE}/manage/templates").status_code == 403
    # the operator grants to a list
    granted = api_client(operator).post(f"{BASE}/templates/{t_id}/grant",
                                        {"members": [member.phone, "nobody"], "batch_key": "api-batch-01"},
                                        content_type="application/json").json()
    assert granted["granted"] == [member.pk] and granted["skipped"][0]["member"] == "nobody"
    assert api_client(member).post(f"{BASE}/templates/{t_id}/grant", {"members": ["1"], "batch_key": "api-b-02"},
                                   content_type="application/json").status_code == 403
    assert CouponTemplate.objects.get(pk=t_id).claimed_count == 1
