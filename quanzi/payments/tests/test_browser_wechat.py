"""Paying inside WeChat, in a real browser at 390 px with WeChat's user agent: the buyer logs in through the sandbox
identity provider (wxlogin), opens the order, the cashier recommends WeChat's in-app pay (JSAPI), WeChat's pay
sheet (the sandbox's stand-in for WeixinJSBridge) confirms, and the order is paid through the signed notification."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth import get_user_model

from conftest import ARTIFACTS
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import Order
from quanzi.payments.enums import PaymentKind, PaymentStatus
from quanzi.payments.models import Payment
from quanzi.payments.tests.helpers import merchant_sku, place_order
from quanzi.wxlogin import conf, provider, selectors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WECHAT_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
             "Mobile/15E148 MicroMessenger/8.0.50(0x1800322c) NetType/WIFI Language/zh_CN")


@pytest.fixture
def wechat_page(browser_page, live_server):  # type: ignore[no-untyped-def]
    context = browser_page.context.browser.new_context(
        viewport={"width": 390, "height": 844}, user_agent=WECHAT_UA, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        yield page
    finally:
        context.close()


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{name} scrolls sideways"
    page.screenshot(path=os.path.join(ARTIFACTS, f"{name}.png"), full_page=True)


def test_wechat_login_then_jsapi_payment_pays_the_order(wechat_page):
    page = wechat_page
    page.goto("/login/?next=/discover/")
    page.click("text=微信登录")
    page.wait_for_url("**/wx/sandbox/authorize/**")
    page.fill("input[name=name]", "pay-li")
    page.click("button[value=allow]")
    page.wait_for_url("**/wx/welcome/")
    page.fill("input[name=nickname]", "小李")
    page.fill("input[name=login]", "13700005678")
    page.fill("input[name=password]", "wechat-pass-9")
    page.check("input[name=consent]")
    page.click("text=同意并创建账号")
    page.wait_for_url("**/discover/")
    buyer = get_user_model().objects.get(phone="13700005678")
    assert selectors.openid_for(user_id=buyer.pk, appid=conf.SANDBOX_APPID) == provider.sandbox_openid(
        conf.SANDBOX_APPID, "pay-li")

    order = place_order(buyer, merchant_sku(price_fen=3990))
    page.goto(f"/orders/{order.pk}/")
    main = page.locator("#cashier-main button")
    assert main.get_attribute("data-kind") == PaymentKind.JSAPI  # inside WeChat: WeChat's own pay sheet first
    assert page.locator("#cashier-wxlogin").count() == 0  # already logged in with WeChat
    _shot(page, "payments-wechat-cashier-390")
    main.click()
    page.wait_for_selector("#sandbox-pay-sheet")
    payment = Payment.objects.get(order=order)
    assert payment.kind == PaymentKind.JSAPI and payment.client_data["params"]["package"].startswith("prepay_id=")
    _shot(page, "payments-wechat-pay-sheet-390")
    page.click("#sandbox-pay-sheet >> text=确认支付")
    page.wait_for_url(f"**/orders/{order.pk}/")
    page.wait_for_selector("#order-status")
    order = Order.objects.get(pk=order.pk)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert order.status == OrderStatus.PAID
    assert page.locator("#cashier").count() == 0
    _shot(page, "payments-wechat-paid-390")
