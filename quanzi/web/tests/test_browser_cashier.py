"""The cashier (收银台) and the address book in a real browser at 390 px: a two-merchant cart paid once at the
cashier (through the sandbox bank's signed notification), and an address added inside checkout without losing
what is being bought."""

from __future__ import annotations

import os
import re

import pytest

from conftest import ARTIFACTS, browser_login
from quanzi.orders import services as orders
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import Address, Order
from quanzi.payments.models import CombinedPayment
from quanzi.payments.tests.helpers import merchant_sku

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _no_overflow(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide at {PHONE['width']}px"


def test_two_merchant_cart_paid_once_at_the_cashier(browser_page, member):
    page = browser_page
    page.set_viewport_size(PHONE)
    skus = [merchant_sku(price_fen=p) for p in (12800, 3650)]
    for sku in skus:
        orders.cart_add(user=member, sku_id=sku.pk, quantity=1)
    orders.address_create(user=member, name="小红", phone="13912345678", province="浙江省", city="杭州市",
                          district="西湖区", detail="文三路 100 号")
    browser_login(page, member, "/checkout/")
    page.click("text=提交订单")
    page.wait_for_url(re.compile(r".*/cashier/\d+/$"))
    placed = list(Order.objects.filter(buyer=member).order_by("pk"))
    assert len(placed) == 2
    total = sum(o.payable_fen for o in placed)
    amount = f"¥{total // 100}.{total % 100:02d}"
    assert amount in page.inner_text("#cashier-amount")
    for sku in skus:
        assert sku.product.merchant.business_name in page.inner_text(".cashier-orders")
    assert re.fullmatch(r"1[45]:\d\d", page.inner_text(".cashier-clock"))  # the 15-minute payment countdown
    _no_overflow(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "cashier-two-merchants.png"), full_page=True)

    page.check("input[value='sandbox:sandbox']")
    page.click("#cashier-pay")
    page.wait_for_url("**/pay/sandbox/C*/")
    assert amount in page.inner_text(".amount")
    page.click("text=确认支付")
    page.wait_for_selector("text=支付成功")
    page.click("text=查看订单")
    page.wait_for_url(re.compile(r".*/cashier/\d+/result/$"))
    page.wait_for_selector("#cashier-paid")
    _no_overflow(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "cashier-two-merchants-paid.png"), full_page=True)
    assert CombinedPayment.objects.count() == 1  # one trade for both orders
    for order in placed:
        order.refresh_from_db()
        assert order.status == OrderStatus.PAID and order.paid_fen == order.payable_fen


def test_add_an_address_inside_checkout(browser_page, member):
    page = browser_page
    page.set_viewport_size(PHONE)
    sku = merchant_sku(price_fen=5900)
    orders.address_create(user=member, name="小红", phone="13912345678", province="浙江省", city="杭州市",
                          district="西湖区", detail="文三路 100 号")
    browser_login(page, member, "/me/addresses/")  # (a `?` in wait_for_url's glob is a wildcard: no query here)
    page.goto(f"/checkout/?sku_id={sku.pk}&quantity=2")
    key = page.input_value("input[name=idempotency_key]")
    page.click("#address-add")
    page.wait_for_selector("#address-editor")
    page.fill("input[name=ab_name]", "小蓝")
    page.fill("input[name=ab_phone]", "1370000")  # too short: refused in Chinese, with its code
    page.fill("input[name=ab_province]", "上海市")
    page.fill("input[name=ab_city]", "上海市")
    page.fill("input[name=ab_district]", "徐汇区")
    page.fill("input[name=ab_detail]", "漕溪北路 1 号")
    page.click("#address-save")
    page.wait_for_selector("[data-code=invalid_phone]")
    assert "手机号格式不正确" in page.inner_text("#address-book")
    assert page.input_value("input[name=ab_detail]") == "漕溪北路 1 号"  # what was typed stays
    page.fill("input[name=ab_phone]", "13700001111")
    page.click("#address-save")
    page.wait_for_selector("#address-editor", state="detached")
    new = Address.objects.get(user=member, name="小蓝")
    assert page.is_checked(f"input[name=address_id][value='{new.pk}']")
    # the rest of the checkout form is untouched: the same SKU, quantity and idempotency key
    assert page.input_value("input[name=idempotency_key]") == key
    assert page.input_value("form.stack input[name=sku_id]") == str(sku.pk)
    assert page.input_value("form.stack input[name=quantity]") == "2"
    _no_overflow(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "checkout-address-add.png"), full_page=True)
    page.click("text=提交订单")
    page.wait_for_url(re.compile(r".*/orders/\d+/$"))
    order = Order.objects.get(buyer=member)
    assert order.ship_name == "小蓝" and "漕溪北路 1 号" in order.ship_address
    assert order.lines.get().quantity == 2
