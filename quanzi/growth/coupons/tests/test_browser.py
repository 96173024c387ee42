"""Coupons in a real browser at phone width (390 px, Debian's Chromium through Playwright): a member claims a
platform coupon and a shop coupon in the coupon centre, sees them on the product page, buys: the checkout page
has already picked the best pair and explains it; the order is placed with both, and the order page shows the
waterfall per line (原价 → each coupon by name → 运费). Nothing is wider than the screen. Screenshots in
test-artifacts/ (coupons-*.png)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from conftest import ARTIFACTS, browser_login, make_user
from quanzi.catalog.tests import factories as f
from quanzi.growth.coupons.enums import CouponScope, CouponStatus
from quanzi.growth.coupons.models import Coupon
from quanzi.growth.coupons.tests.helpers import template
from quanzi.orders import services as order_services
from quanzi.orders.models import Order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page: Any) -> None:
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 391)
        .map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))
        .slice(0, 8)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide


def test_claim_in_the_coupon_centre_use_at_checkout_see_the_waterfall(browser_page: Any) -> None:
    from playwright.sync_api import expect

    operator = f.operator()
    merchant = f.approved_merchant()
    order_services.shipping_template_set(user=merchant.user, mode="piece", first_units=1, first_fee_fen=1000,
                                         additional_units=1, additional_fee_fen=0, free_threshold_fen=None)
    product, _sku = f.product_with_sku(merchant, price_fen=12800, stock=5, title="山茶花修护面霜")
    template(operator, name="新人满100减20", total_quota=100)
    template(merchant.user, name="店铺满120减15", amount_fen=1500, threshold_fen=12000, scope=CouponScope.MERCHANT)
    template(operator, name="满300减50", amount_fen=5000, threshold_fen=30000)
    buyer = make_user("小红")
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})

    # The coupon centre: three coupons to claim; the member takes the two that fit a ¥128 cream.
    browser_login(page, buyer, "/coupons/")
    centre = page.locator("#coupon-list")
    expect(centre).to_contain_text("新人满100减20")
    expect(centre).to_contain_text("满 ¥100 可用")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "coupons-centre.png"), full_page=True)
    for name in ("新人满100减20", "店铺满120减15"):
        centre.locator(".coupon", has_text=name).get_by_role("button", name="领取").click()
        page.wait_for_url("**/coupons/")
        expect(page.locator(".messages")).to_contain_text(f"领取成功：{name}")
    expect(centre.locator(".coupon", has_text="新人满100减20")).to_contain_text("已领取")
    assert Coupon.objects.filter(user=buyer).count() == 2

    # The product page shows the coupons that apply to it; buy now.
    page.goto(f"/shop/p/{product.pk}/")
    panel = page.locator("#product-coupons")
    expect(panel).to_contain_text("店铺满120减15")
    expect(panel).to_contain_text("已领取")
    _fits(page)
    panel.scroll_into_view_if_needed()
    page.screenshot(path=os.path.join(ARTIFACTS, "coupons-product.png"))
    page.get_by_role("button", name="立即购买").click()
    page.wait_for_url("**/checkout/**")

    # The checkout has picked the best pair and says why; the waterfall names each coupon.
    coupons = page.locator("#checkout-coupons")
    expect(coupons.locator("#coupon-advice")).to_contain_text("共省 ¥35.00")
    expect(page.locator("#total")).to_have_text("¥103.00")  # ¥128 − ¥15 − ¥20 + ¥10 shipping
    expect(coupons.locator("#coupons-unusable")).to_have_count(0)  # 满300减50 was not claimed
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "coupons-checkout.png"), full_page=True)
    # choosing no platform coupon re-prices the page; choosing it again brings the total back
    coupons.locator("fieldset[data-group=platform]").get_by_text("不使用").click()
    expect(page.locator("#total")).to_have_text("¥123.00")
    coupons.locator("fieldset[data-group=platform] .coupon", has_text="新人满100减20").click()
    expect(page.locator("#total")).to_have_text("¥103.00")
    page.fill("input[name=ab_name]", "小红")
    page.fill("input[name=ab_phone]", "13912345678")
    page.fill("input[name=ab_province]", "浙江省")
    page.fill("input[name=ab_city]", "杭州市")
    page.fill("input[name=ab_district]", "西湖区")
    page.fill("input[name=ab_detail]", "文三路 100 号")
    page.click("text=提交订单")
    page.wait_for_url("**/orders/*/")

    # The order page: the waterfall per line, each coupon by name.
    order = Order.objects.get(buyer=buyer)
    assert order.payable_fen == 10300
    waterfall = page.locator("#order-waterfall")
    expect(waterfall.locator("[data-stage=coupon]", has_text="店铺满120减15")).to_contain_text("-¥15.00")
    expect(waterfall.locator("[data-stage=coupon]", has_text="新人满100减20")).to_contain_text("-¥20.00")
    expect(waterfall).to_contain_text("¥128.00")
    expect(waterfall).to_contain_text("¥103.00")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "coupons-order.png"), full_page=True)
    assert set(Coupon.objects.filter(user=buyer).values_list("status", flat=True)) == {CouponStatus.USED}

    # The merchant's coupon desk counts the use.
    browser_login(page, merchant.user, "/coupons/merchant/")
    desk = page.locator("section.card", has_text="店铺满120减15")
    expect(desk).to_contain_text("已使用 1")
    expect(desk).to_contain_text("¥15.00")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "coupons-merchant.png"), full_page=True)

    # My coupons: both used; cancelling the unpaid order gives them back.
    browser_login(page, buyer, f"/orders/{order.pk}/")
    page.click("text=取消订单")
    expect(page.locator("#order-status")).to_have_text("已取消")
    page.goto("/coupons/mine/")
    expect(page.locator("#my-coupon-list .coupon")).to_have_count(2)
    expect(page.locator("#my-coupon-list")).to_contain_text("去使用")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "coupons-mine.png"), full_page=True)
