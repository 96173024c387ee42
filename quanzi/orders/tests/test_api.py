import pytest

from conftest import api_client, make_user
from quanzi.catalog.models import Sku
from quanzi.catalog.tests import factories as f
from quanzi.orders import services
from quanzi.orders.models import Order
from quanzi.orders.tests.helpers import address, key, place

pytestmark = pytest.mark.django_db
J = "application/json"
ADDR = {"name": "小红", "phone": "13912345678", "province": "浙江省", "city": "杭州市", "district": "西湖区",
        "detail": "文三路 100 号"}


def test_cart_quote_checkout_pay_ship_and_receive(member):
    m = f.approved_merchant()
    _p, sku = f.product_with_sku(m, price_fen=2500, stock=5)
    me = api_client(member)
    r = me.post("/api/v1/orders/addresses", ADDR, content_type=J)
    assert r.status_code == 201 and r.json()["is_default"] is True
    addr_id = r.json()["id"]
    r = me.post("/api/v1/orders/cart/items", {"sku_id": sku.pk, "quantity": 2}, content_type=J)
    cart = r.json()
    assert cart["items"][0]["quantity"] == 2 and cart["quote"]["total_fen"] == 5000
    line = cart["quote"]["merchants"][0]["lines"][0]
    assert (line["unit_list_fen"], line["list_fen"], line["payable_fen"]) == (2500, 5000, 5000)
    assert me.put(f"/api/v1/orders/cart/items/{sku.pk}", {"quantity": 3},
                  content_type=J).json()["quote"]["total_fen"] == 7500
    assert me.post("/api/v1/orders/quote", {}, content_type=J).json()["total_fen"] == 7500
    body = {"address_id": addr_id, "idempotency_key": key(), "expected_total_fen": 7000}
    r = me.post("/api/v1/orders/checkout", body, content_type=J)
    assert r.status_code == 409 and r.json()["code"] == "price_changed"
    assert r.json()["details"]["total_fen"] == 7500
    body["expected_total_fen"] = 7500
    r = me.post("/api/v1/orders/checkout", body, content_type=J)
    assert r.status_code == 201, r.content
    order = r.json()["orders"][0]
    assert order["status"] == "pending_payment" and order["payable_fen"] == 7500 and order["number"]
    replay = me.post("/api/v1/orders/checkout", body, content_type=J)
    assert replay.status_code == 201 and replay.json()["id"] == r.json()["id"]
    assert me.get("/api/v1/orders/cart").json()["items"] == []
    services.order_mark_paid(order_id=order["id"], amount_fen=7500, payment_ref="sandbox-1")
    shop = api_client(m.user)
    assert [o["id"] for o in shop.get("/api/v1/orders/merchant/orders?status=paid").json()["items"]] == [order["id"]]
    r = shop.post(f"/api/v1/orders/merchant/orders/{order['id']}/ship", {"carrier": "顺丰",
                                                                         "tracking_no": "SF100200300"},
                  content_type=J)
    assert r.status_code == 200 and r.json()["status"] == "shipped"
    assert shop.post(f"/api/v1/orders/merchant/orders/{order['id']}/tracking",
                     {"description": "到达杭州", "location": "杭州"}, content_type=J).status_code == 201
    detail = me.get(f"/api/v1/orders/{order['id']}").json()
    assert detail["shipment"]["tracking_no"] == "SF100200300" and len(detail["shipment"]["events"]) == 2
    assert [h["to_status"] for h in detail["history"]] == ["pending_payment", "paid", "shipped"]
    r = me.post(f"/api/v1/orders/{order['id']}/confirm-receipt", {}, content_type=J)
    assert r.json()["status"] == "delivered"
    assert me.get("/api/v1/orders?status=delivered").json()["count"] == 1


def test_buyer_never_sees_another_buyers_order(member, other):
    _p, sku = f.product_with_sku(f.approved_merchant())
    o = place(member, [(sku.pk, 1)]).orders.get()
    c = api_client(other)
    assert c.get(f"/api/v1/orders/{o.pk}").status_code == 404
    assert c.post(f"/api/v1/orders/{o.pk}/cancel", {}, content_type=J).status_code == 404
    assert c.post(f"/api/v1/orders/{o.pk}/confirm-receipt", {}, content_type=J).status_code == 404
    assert c.get("/api/v1/orders").json()["count"] == 0
    assert api_client(member).get("/api/v1/orders").json()["count"] == 1
    assert Order.objects.get(pk=o.pk).status == "pending_payment"


def test_merchant_a_cannot_see_or_ship_merchant_bs_orders(member):
    a, b = f.approved_merchant(), f.approved_merchant()
    _p, sku = f.product_with_sku(b)
    o = place(member, [(sku.pk, 1)]).orders.get()
    services.order_mark_paid(order_id=o.pk, amount_fen=o.payable_fen, payment_ref="p1")
    ca = api_client(a.user)
    assert ca.get(f"/api/v1/orders/merchant/orders/{o.pk}").status_code == 404
    assert ca.post(f"/api/v1/orders/merchant/orders/{o.pk}/ship", {"carrier": "顺丰", "tracking_no": "SF12345"},
                   content_type=J).status_code == 404
    assert ca.get("/api/v1/orders/merchant/orders").json()["count"] == 0
    assert api_client(member).get("/api/v1/orders/merchant/orders").status_code == 403  # not a merchant
    cb = api_client(b.user)
    body = cb.get(f"/api/v1/orders/merchant/orders/{o.pk}").json()
    assert body["commission_fen"] == o.commission_fen and "kol_id" in body["lines"][0]
    assert "commission_fen" not in api_client(member).get(f"/api/v1/orders/{o.pk}").json()


@pytest.mark.parametrize("method,path", [
    ("get", "/api/v1/orders"), ("get", "/api/v1/orders/1"), ("get", "/api/v1/orders/cart"),
    ("post", "/api/v1/orders/cart/items"), ("post", "/api/v1/orders/checkout"),
    ("get", "/api/v1/orders/addresses"), ("get", "/api/v1/orders/merchant/orders"),
    ("post", "/api/v1/orders/merchant/orders/1/ship"),
])
def test_anonymous_gets_401(client, method, path):
    r = getattr(client, method)(path, {}, content_type=J) if method == "post" else client.get(path)
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"


def test_checkout_errors_over_the_api(member):
    _p, sku = f.product_with_sku(f.approved_merchant(), stock=1)
    me = api_client(member)
    addr = address(member)
    r = me.post("/api/v1/orders/checkout", {"address_id": addr.pk, "idempotency_key": key()}, content_type=J)
    assert r.status_code == 400 and r.json()["code"] == "empty_cart"
    r = me.post("/api/v1/orders/checkout", {"idempotency_key": key(), "items": [{"sku_id": sku.pk}]},
                content_type=J)
    assert r.status_code == 400 and r.json()["code"] == "address_missing"
    r = me.post("/api/v1/orders/checkout", {"address_id": addr.pk, "idempotency_key": key(),
                                            "items": [{"sku_id": sku.pk, "quantity": 2}]}, content_type=J)
    assert r.status_code == 409 and r.json()["code"] == "out_of_stock" and "库存不足" in r.json()["message"]
    r = me.post("/api/v1/orders/checkout", {"address_id": addr.pk, "idempotency_key": key(),
                                            "items": [{"sku_id": sku.pk, "quantity": -1}]}, content_type=J)
    assert r.status_code == 400 and r.json()["code"] == "invalid_quantity"
    assert me.get("/api/v1/orders?status=nonsense").json()["code"] == "invalid_status"
    assert Sku.objects.get(pk=sku.pk).stock == 1


def test_addresses_belong_to_their_owner(member, other):
    addr = address(member)
    c = api_client(other)
    assert c.put(f"/api/v1/orders/addresses/{addr.pk}", ADDR, content_type=J).status_code == 404
    assert c.delete(f"/api/v1/orders/addresses/{addr.pk}").status_code == 404
    assert c.get("/api/v1/orders/addresses").json()["count"] == 0
    bad = dict(ADDR, phone="123")
    assert api_client(member).post("/api/v1/orders/addresses", bad, content_type=J).json()["code"] == "invalid_phone"


def test_merchant_shipping_template_api():
    m = f.approved_merchant()
    c = api_client(m.user)
    assert c.get("/api/v1/orders/merchant/shipping-template").status_code == 404
    r = c.put("/api/v1/orders/merchant/shipping-template", {"mode": "piece", "first_fee_fen": 600,
                                                             "additional_fee_fen": 100, "free_threshold_fen": 9900},
              content_type=J)
    assert r.status_code == 200 and r.json()["first_fee_fen"] == 600
    assert api_client(make_user()).put("/api/v1/orders/merchant/shipping-template", {},
                                       content_type=J).status_code == 403


def test_openapi_documents_the_commerce_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for p in ("/api/v1/orders/checkout", "/api/v1/orders/{order_id}", "/api/v1/orders/merchant/orders/{order_id}/ship",
              "/api/v1/catalog/products/{product_id}", "/api/v1/catalog/posts/{post_id}/products/{product_id}/click"):
        assert p in paths
