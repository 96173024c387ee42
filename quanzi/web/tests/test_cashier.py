"""The cashier (收银台) of a checkout, its API, and the address book in checkout and under 我 (server side: the
pages, HTMX fragments and JSON the browser tests drive)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client

from conftest import make_user
from quanzi.orders import services as orders
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import Address
from quanzi.payments.enums import PaymentStatus
from quanzi.payments.models import CombinedPayment
from quanzi.payments.tests.helpers import merchant_sku
from quanzi.payments.tests.test_combined import two_merchant_checkout

pytestmark = pytest.mark.django_db

MOBILE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"


def logged_in(user: Any) -> Client:
    client = Client(HTTP_USER_AGENT=MOBILE_UA)
    client.force_login(user)
    return client


def test_a_two_merchant_checkout_lands_on_one_cashier(member):
    skus = [merchant_sku(price_fen=p) for p in (3000, 2000)]
    for sku in skus:
        orders.cart_add(user=member, sku_id=sku.pk, quantity=1)
    addr = orders.address_create(user=member, name="小红", phone="13912345678", province="浙江省", city="杭州市",
                                 district="西湖区", detail="文三路 100 号")
    client = logged_in(member)
    res = client.post("/checkout/", {"address_id": addr.pk, "idempotency_key": uuid.uuid4().hex,
                                     "options_chosen": "1"})
    assert res.status_code == 302, res.content.decode()[:2000]
    checkout_id = int(res["Location"].strip("/").split("/")[-1])
    assert res["Location"] == f"/cashier/{checkout_id}/"
    page = client.get(res["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    for sku in skus:
        assert sku.product.merchant.business_name in html
    assert 'id="cashier-countdown"' in html and 'role="timer"' in html
    assert 'value="sandbox:sandbox"' in html and "2 个订单合并支付" in html


def test_paying_at_the_cashier_pays_every_order_once(member, django_capture_on_commit_callbacks):
    checkout_id, (a, b) = two_merchant_checkout(member)
    client = logged_in(member)
    res = client.post(f"/cashier/{checkout_id}/", {"method": "sandbox:sandbox"})
    c = CombinedPayment.objects.get()
    assert res.status_code == 302 and res["Location"] == f"/pay/sandbox/{c.combined_no}/"
    page = client.get(res["Location"])
    assert page.status_code == 200 and "合并支付 2 个订单" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(res["Location"])
    assert confirmed.status_code == 302
    done = client.get(f"/pay/sandbox/{c.combined_no}/status/").content.decode()
    assert "支付成功" in done and f"/cashier/{checkout_id}/result/" in done
    for order in (a, b):
        order.refresh_from_db()
        assert order.status == OrderStatus.PAID
    result = client.get(f"/cashier/{checkout_id}/result/")
    assert result.status_code == 200 and 'id="cashier-paid"' in result.content.decode()
    # nothing left to pay: the cashier sends the buyer to the result
    assert client.get(f"/cashier/{checkout_id}/")["Location"] == f"/cashier/{checkout_id}/result/"


def test_cashier_refuses_an_unknown_method_and_other_buyers(member):
    checkout_id, _orders = two_merchant_checkout(member)
    res = logged_in(member).post(f"/cashier/{checkout_id}/", {"method": "cash:cod"})
    assert res.status_code == 400 and "请选择支付方式" in res.content.decode()
    assert not CombinedPayment.objects.exists()
    stranger = logged_in(make_user("路人"))
    assert stranger.get(f"/cashier/{checkout_id}/").status_code == 404
    assert stranger.post(f"/cashier/{checkout_id}/", {"method": "sandbox:sandbox"}).status_code == 404
    assert not CombinedPayment.objects.exists()


# --- API ---------------------------------------------------------------------------------------------------------


def test_api_cashier_and_combined_payment(api, member):
    checkout_id, (a, b) = two_merchant_checkout(member)
    client = api(member)
    info = client.get(f"/api/v1/payments/checkouts/{checkout_id}/cashier", HTTP_USER_AGENT=MOBILE_UA).json()
    assert info["amount_fen"] == a.payable_fen + b.payable_fen and info["expires_at"]
    assert [o["order_id"] for o in info["orders"]] == [a.pk, b.pk]
    assert all(o["status"] == "pending_payment" and o["merchant"] for o in info["orders"])
    assert {"gateway": "sandbox", "kind": "sandbox", "label": "沙箱支付"} in info["options"]
    assert info["open_payment"] is None
    res = client.post("/api/v1/payments/combined", data=json.dumps({"checkout_id": checkout_id}),
                      content_type="application/json")
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["amount_fen"] == info["amount_fen"] and body["status"] == PaymentStatus.CREATED
    assert body["pay_url"] == f"/pay/sandbox/{body['combined_no']}/"
    assert sorted(s["order_id"] for s in body["shares"]) == [a.pk, b.pk]
    got = client.get(f"/api/v1/payments/combined/{body['combined_no']}").json()
    assert got["combined_no"] == body["combined_no"]
    # someone else: the same 404 as for nothing at all; bad input: a code and nothing made
    other = api(make_user("路人"))
    assert other.get(f"/api/v1/payments/combined/{body['combined_no']}").status_code == 404
    assert other.post("/api/v1/payments/combined", data=json.dumps({"checkout_id": checkout_id}),
                      content_type="application/json").status_code == 404
    bad = client.post("/api/v1/payments/combined", data=json.dumps({"checkout_id": True}),
                      content_type="application/json")
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_input"
    assert CombinedPayment.objects.count() == 1


# --- the address book ----------------------------------------------------------------------------------------------


def _hx(client: Client, url: str, data: dict[str, Any]) -> str:
    res = client.post(url, data, HTTP_HX_REQUEST="true")
    assert res.status_code == 200, res.content.decode()[:1000]
    return res.content.decode()


ADDRESS = {"ab_name": "小蓝", "ab_phone": "13700001111", "ab_province": "上海市", "ab_city": "上海市",
           "ab_district": "徐汇区", "ab_detail": "漕溪北路 1 号"}


def test_add_an_address_inside_checkout_keeps_the_checkout_form(member):
    first = orders.address_create(user=member, name="小红", phone="13912345678", province="浙江省", city="杭州市",
                                  district="西湖区", detail="文三路 100 号")
    client = logged_in(member)
    editor = client.get("/addresses/editor/", {"mode": "checkout", "address_id": first.pk},
                        HTTP_HX_REQUEST="true").content.decode()
    assert 'name="ab_name"' in editor and "<form" not in editor  # a fragment for inside the checkout form
    bad = _hx(client, "/addresses/save/", {**ADDRESS, "ab_phone": "12345", "mode": "checkout",
                                           "address_id": first.pk})
    assert 'data-code="invalid_phone"' in bad and "手机号格式不正确" in bad and 'value="12345"' in bad
    assert Address.objects.filter(user=member).count() == 1  # nothing saved
    ok = _hx(client, "/addresses/save/", {**ADDRESS, "mode": "checkout", "address_id": first.pk})
    new = Address.objects.get(user=member, name="小蓝")
    assert f'name="address_id" value="{new.pk}" checked' in ok  # the new address is the chosen one
    assert 'id="address-editor"' not in ok
    again = _hx(client, f"/addresses/{new.pk}/default/", {"mode": "checkout", "address_id": new.pk})
    new.refresh_from_db()
    first.refresh_from_db()
    assert new.is_default and not first.is_default
    assert f'value="{new.pk}" checked' in again


def test_edit_set_default_and_delete_under_me(member):
    a = orders.address_create(user=member, name="小红", phone="13912345678", province="浙江省", city="杭州市",
                              district="西湖区", detail="文三路 100 号")
    client = logged_in(member)
    page = client.get("/me/addresses/")
    assert page.status_code == 200 and "文三路 100 号" in page.content.decode()
    _hx(client, "/addresses/save/", {**ADDRESS, "ab_id": a.pk, "mode": "manage"})
    a.refresh_from_db()
    assert a.name == "小蓝" and a.detail == "漕溪北路 1 号"
    other = make_user("路人")
    theirs = orders.address_create(user=other, name="路人", phone="13700002222", province="北京市", city="北京市",
                                   district="海淀区", detail="中关村 1 号")
    res = client.post(f"/addresses/{theirs.pk}/delete/", {"mode": "manage"}, HTTP_HX_REQUEST="true")
    assert res.status_code == 404 and Address.objects.filter(pk=theirs.pk).exists()
    html = _hx(client, f"/addresses/{a.pk}/delete/", {"mode": "manage"})
    assert not Address.objects.filter(user=member).exists() and 'id="address-editor"' in html
    # without JavaScript the same buttons post the form and come back
    res = client.post("/addresses/save/", {**ADDRESS, "mode": "manage"})
    assert res.status_code == 302 and res["Location"] == "/me/addresses/"
    assert Address.objects.filter(user=member).count() == 1
