import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_user
from quanzi.catalog.tests import factories as f
from quanzi.orders import services
from quanzi.orders.models import CartItem, Order
from quanzi.orders.tests.helpers import address, place

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_cart_to_checkout_to_order_page(member):
    m = f.approved_merchant()
    services.shipping_template_set(user=m.user, mode="piece", first_units=1, first_fee_fen=600, additional_units=1,
                                   additional_fee_fen=0)
    _p, sku = f.product_with_sku(m, price_fen=1990, stock=3)
    c = _client(member)
    assert c.post("/cart/add/", {"sku_id": sku.pk, "quantity": 2}).status_code == 302
    html = c.get("/cart/").content.decode()
    assert "¥39.80" in html and "¥45.80" in html  # goods + ¥6 shipping
    r = c.post(f"/cart/set/{sku.pk}/", {"quantity": 1}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "¥25.90" in r.content.decode()
    page = c.get("/checkout/").content.decode()
    assert "¥25.90" in page and 'name="idempotency_key"' in page
    r = c.post("/checkout/", {"idempotency_key": "k" * 16, "expected_total_fen": 2590, "name": "小红",
                              "phone": "13912345678", "province": "浙江省", "city": "杭州市", "district": "西湖区",
                              "detail": "文三路 100 号"})
    assert r.status_code == 302
    order = Order.objects.get(buyer=member)
    assert r["Location"] == f"/orders/{order.pk}/" and not CartItem.objects.filter(cart__user=member).exists()
    html = c.get(f"/orders/{order.pk}/").content.decode()
    assert order.number in html and "去支付" in html and "待付款" in html
    assert order.number in c.get("/orders/").content.decode()


def test_checkout_page_shows_a_clear_error_when_price_changed(member):
    m = f.approved_merchant()
    _p, sku = f.product_with_sku(m, price_fen=1000)
    addr = address(member)
    r = _client(member).post("/checkout/", {"idempotency_key": "k" * 16, "expected_total_fen": 900,
                                            "address_id": addr.pk, "sku_id": sku.pk, "quantity": 1})
    assert r.status_code == 400 and "价格已变化" in r.content.decode()
    assert not Order.objects.exists()


def test_order_page_is_404_for_another_buyer_and_shows_tracking_to_the_buyer(member):
    m = f.approved_merchant()
    _p, sku = f.product_with_sku(m)
    o = place(member, [(sku.pk, 1)]).orders.get()
    assert _client(make_user()).get(f"/orders/{o.pk}/").status_code == 404
    services.order_mark_paid(order_id=o.pk, amount_fen=o.payable_fen, payment_ref="p1")
    services.order_ship(user=m.user, order_id=o.pk, carrier="顺丰", tracking_no="SF99999999")
    services.tracking_event_add(user=m.user, order_id=o.pk, description="快件已到达杭州", location="杭州")
    c = _client(member)
    html = c.get(f"/orders/{o.pk}/").content.decode()
    assert "SF99999999" in html and "快件已到达杭州" in html and "确认收货" in html
    assert c.post(f"/orders/{o.pk}/confirm/").status_code == 302
    assert Order.objects.get(pk=o.pk).status == "delivered"


def test_expired_order_reads_as_cancelled_on_the_page(member):
    _p, sku = f.product_with_sku(f.approved_merchant())
    o = place(member, [(sku.pk, 1)]).orders.get()
    Order.objects.filter(pk=o.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    html = _client(member).get(f"/orders/{o.pk}/").content.decode()
    assert "已取消" in html and "去支付" not in html


def test_pages_need_login(client):
    for path in ("/cart/", "/checkout/", "/orders/", "/shop/merchant/"):
        r = client.get(path)
        assert r.status_code == 302 and r["Location"].startswith("/login/")


def test_pay_button_opens_the_sandbox_cashier(member):
    _p, sku = f.product_with_sku(f.approved_merchant())
    o = place(member, [(sku.pk, 1)]).orders.get()
    r = _client(member).post(f"/orders/{o.pk}/pay/")
    assert r.status_code == 302 and r["Location"].startswith("/pay/sandbox/")
    r = _client(make_user()).post(f"/orders/{o.pk}/pay/")  # someone else's order: refused, nothing created
    assert r.status_code == 302 and r["Location"] == f"/orders/{o.pk}/"
