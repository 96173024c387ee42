import pytest

from conftest import make_user
from quanzi.aftersales import services
from quanzi.aftersales.models import AfterSaleRequest
from quanzi.aftersales.tests.helpers import delivered_order, line_of, png, shop
from quanzi.catalog.tests import factories as f
from quanzi.orders.models import Order

pytestmark = pytest.mark.django_db
BASE = "/api/v1/aftersales"


def _body(order, *, kind="return_and_refund", reason="no_reason", amount=None):  # type: ignore[no-untyped-def]
    line = line_of(order)
    return {"order_id": order.pk, "kind": kind, "reason": reason, "reason_text": "尺码不合适",
            "lines": [{"order_line_id": line.pk, "quantity": line.quantity}],
            "amount_fen": line.goods_payable_fen if amount is None else amount}


@pytest.fixture
def setup(member):  # type: ignore[no-untyped-def]
    m, sku = shop(price_fen=5000)
    order = delivered_order(member, m, [(sku, 1)])
    return m, sku, order


def test_anonymous_gets_401_everywhere_private(api, setup):
    _m, _sku, order = setup
    anon = api()
    assert anon.get(f"{BASE}/requests").status_code == 401
    assert anon.post(f"{BASE}/requests", _body(order), content_type="application/json").status_code == 401
    assert anon.get(f"{BASE}/merchant/requests").status_code == 401
    assert anon.post(f"{BASE}/merchant/requests/1/approve").status_code == 401
    assert anon.post(f"{BASE}/reviews", {"order_line_id": 1, "rating": 5},
                     content_type="application/json").status_code == 401
    assert anon.get(f"{BASE}/orders/{order.pk}/refundable").status_code == 401


def test_buyer_applies_and_only_sees_own_requests(api, member, other, setup):
    _m, _sku, order = setup
    r = api(member).post(f"{BASE}/requests", _body(order), content_type="application/json")
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["status"] == "requested" and data["amount_fen"] == 5000 and data["lines"][0]["quantity"] == 1
    assert [h["to_status"] for h in data["history"]] == ["requested"]
    rid = data["id"]
    assert api(member).get(f"{BASE}/requests/{rid}").status_code == 200
    stranger = api(other)
    assert stranger.get(f"{BASE}/requests/{rid}").status_code == 404
    assert stranger.post(f"{BASE}/requests/{rid}/cancel").status_code == 404
    assert stranger.get(f"{BASE}/requests").json()["count"] == 0
    assert stranger.post(f"{BASE}/requests", _body(order), content_type="application/json").status_code == 404
    assert stranger.get(f"{BASE}/orders/{order.pk}/refundable").status_code == 404
    listed = api(member).get(f"{BASE}/requests").json()
    assert listed["count"] == 1 and listed["items"][0]["number"] == data["number"]


def test_refundable_lines_show_what_is_left(api, member, setup):
    _m, _sku, order = setup
    rows = api(member).get(f"{BASE}/orders/{order.pk}/refundable").json()
    assert rows[0]["units_left"] == 1 and rows[0]["refundable_fen"] == 5000 and not rows[0]["has_open_request"]


def test_rule_errors_come_back_with_their_codes(api, member):
    m, sku = shop(exemption="perishable")
    order = delivered_order(member, m, [(sku, 1)])
    c = api(member)
    r = c.post(f"{BASE}/requests", _body(order), content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "return_exempt_product"
    r = c.post(f"{BASE}/requests", _body(order, amount=999999), content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] in ("return_exempt_product", "amount_exceeds_refundable")
    r = c.post(f"{BASE}/requests", _body(order, reason="quality", amount=5001), content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "amount_exceeds_refundable"
    r = c.post(f"{BASE}/requests", _body(order, reason="quality"), content_type="application/json")
    assert r.status_code == 201


def test_merchants_only_see_and_handle_their_own(api, member, setup):
    m, _sku, order = setup
    rid = services.aftersale_request_create(user=member, order_id=order.pk, kind="return_and_refund",
                                            reason="no_reason", lines=[(line_of(order).pk, 1)], amount_fen=5000).pk
    other_merchant = f.approved_merchant()
    b = api(other_merchant.user)
    assert b.get(f"{BASE}/merchant/requests").json()["count"] == 0
    assert b.get(f"{BASE}/merchant/requests/{rid}").status_code == 404
    assert b.post(f"{BASE}/merchant/requests/{rid}/approve").status_code == 404
    assert b.post(f"{BASE}/merchant/requests/{rid}/reject", {"reason": "不行"},
                  content_type="application/json").status_code == 404
    not_merchant = api(make_user())
    r = not_merchant.post(f"{BASE}/merchant/requests/{rid}/approve")
    assert r.status_code == 403
    buyer = api(member)
    assert buyer.post(f"{BASE}/merchant/requests/{rid}/approve").status_code == 403
    assert AfterSaleRequest.objects.get(pk=rid).status == "requested"
    a = api(m.user)
    assert a.get(f"{BASE}/merchant/requests?open_only=true").json()["count"] == 1
    r = a.post(f"{BASE}/merchant/requests/{rid}/reject", {"reason": ""}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "reject_reason_required"
    r = a.post(f"{BASE}/merchant/requests/{rid}/approve")
    assert r.status_code == 200 and r.json()["status"] == "awaiting_return_shipment"
    r = a.post(f"{BASE}/merchant/requests/{rid}/approve")
    assert r.status_code == 409 and r.json()["code"] == "aftersale_illegal_transition"


def test_return_flow_over_the_api(api, member, setup, django_capture_on_commit_callbacks):
    m, _sku, order = setup
    buyer, merchant = api(member), api(m.user)
    rid = buyer.post(f"{BASE}/requests", _body(order), content_type="application/json").json()["id"]
    r = buyer.post(f"{BASE}/requests/{rid}/photos", {"photos": [png(), png()]})
    assert r.status_code == 200 and len(r.json()["photos"]) == 2
    merchant.post(f"{BASE}/merchant/requests/{rid}/approve")
    r = buyer.post(f"{BASE}/requests/{rid}/return-shipment", {"carrier": "中通", "tracking_no": "ZT12345678"},
                   content_type="application/json")
    assert r.json()["status"] == "return_shipped"
    with django_capture_on_commit_callbacks(execute=True):
        r = merchant.post(f"{BASE}/merchant/requests/{rid}/receive")
    assert r.status_code == 200
    assert buyer.get(f"{BASE}/requests/{rid}").json()["status"] == "refunded"
    assert Order.objects.get(pk=order.pk).refunded_fen == 5000


def test_reviews_api(api, member, other, setup):
    _m, sku, order = setup
    line = line_of(order)
    r = api(other).post(f"{BASE}/reviews", {"order_line_id": line.pk, "rating": 5},
                        content_type="application/json")
    assert r.status_code == 404
    r = api(member).post(f"{BASE}/reviews", {"order_line_id": line.pk, "rating": 2, "text": "一般"},
                         content_type="application/json")
    assert r.status_code == 201 and r.json()["rating"] == 2
    rid = r.json()["id"]
    again = api(member).post(f"{BASE}/reviews", {"order_line_id": line.pk, "rating": 5},
                             content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "already_reviewed"
    assert api(member).post(f"{BASE}/reviews/{rid}/photos", {"photos": [png()]}).json()["photos"]
    assert api(other).post(f"{BASE}/reviews/{rid}/photos", {"photos": [png()]}).status_code == 404
    rating = api().get(f"{BASE}/products/{sku.product_id}/rating").json()
    assert rating["count"] == 1 and rating["average_tenths"] == 20
    assert api(member).post(f"{BASE}/reviews/{rid}/fold", {"reason": "广告"},
                            content_type="application/json").status_code == 403
    op = f.operator()
    r = api(op).post(f"{BASE}/reviews/{rid}/fold", {"reason": "广告"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "folded"
    listed = api().get(f"{BASE}/products/{sku.product_id}/reviews").json()
    assert listed["count"] == 1 and listed["items"][0]["status"] == "folded" and listed["items"][0]["text"] == ""
    rating = api().get(f"{BASE}/products/{sku.product_id}/rating").json()
    assert rating["count"] == 0 and rating["folded_count"] == 1 and rating["average"] is None
