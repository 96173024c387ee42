"""After-sales in a real browser (Debian's Chromium, headless, through Playwright): within seven days of delivery
the buyer asks for a no-reason return from the order, the merchant agrees in the after-sales queue (in place,
HTMX), the buyer enters the return shipment, the merchant confirms receipt and the sandbox refunds; then the buyer
reviews the product and the review shows on the product's reviews."""

from __future__ import annotations

import os
from typing import Any

import pytest

from conftest import ARTIFACTS, browser_login, make_user
from quanzi.aftersales.models import AfterSaleRequest
from quanzi.aftersales.tests.helpers import delivered_order, shop
from quanzi.orders.models import Order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_return_within_seven_days_is_refunded_and_the_buyer_reviews(browser_page: Any) -> None:
    from playwright.sync_api import expect

    merchant, sku = shop(price_fen=4590)
    buyer = make_user("小红")
    order = delivered_order(buyer, merchant, [(sku, 1)], days_ago=3)
    page = browser_page

    browser_login(page, buyer, f"/orders/{order.pk}/aftersale/new/")
    expect(page.get_by_text("最多可退 ¥45.90")).to_be_visible()
    page.select_option("select[name=kind]", "return_and_refund")
    page.select_option("select[name=reason]", "no_reason")
    page.fill("input[name=amount]", "45.90")
    page.fill("textarea[name=reason_text]", "颜色不喜欢")
    page.screenshot(path=os.path.join(ARTIFACTS, "aftersale-apply.png"), full_page=True)
    page.click("text=提交申请")
    page.wait_for_url("**/aftersales/*/")
    req = AfterSaleRequest.objects.get(order=order)
    expect(page.locator("[data-status=requested]")).to_have_text("待商家处理")

    browser_login(page, merchant.user, "/shop/merchant/aftersales/")
    card = page.locator(f"#as-{req.pk}")
    card.get_by_text("同意退货").click()
    expect(page.locator(f"#as-{req.pk} [data-status]")).to_have_text("待买家退货")
    assert page.url.endswith("/shop/merchant/aftersales/")  # updated in place

    browser_login(page, buyer, f"/aftersales/{req.pk}/")
    page.fill("#return-ship-form input[name=carrier]", "中通快递")
    page.fill("#return-ship-form input[name=tracking_no]", "ZT7788990011")
    page.click("text=提交退货物流")
    expect(page.locator("[data-status]")).to_have_text("买家已退货")

    browser_login(page, merchant.user, "/shop/merchant/aftersales/")
    page.locator(f"#as-{req.pk}").get_by_text("确认收到退货并退款").click()
    expect(page.locator(f"#as-{req.pk} [data-status]")).to_have_text("退款成功")
    page.screenshot(path=os.path.join(ARTIFACTS, "aftersale-merchant.png"), full_page=True)
    assert Order.objects.get(pk=order.pk).refunded_fen == 4590

    browser_login(page, buyer, f"/aftersales/{req.pk}/")
    expect(page.locator("[data-status]")).to_have_text("退款成功")
    page.goto(f"/orders/{order.pk}/review/new/")  # returned in full: the trade is closed, no review
    expect(page.get_by_text("确认收货后才能评价")).to_be_visible()

    kept = delivered_order(buyer, merchant, [(sku, 1)])
    page.goto(f"/orders/{kept.pk}/review/new/")
    page.select_option("select[name=rating]", "4")
    page.fill("textarea[name=text]", "质感不错，回购")
    page.click("text=提交评价")
    page.wait_for_url(f"**/orders/{kept.pk}/")
    assert kept.reviews.get().rating == 4
