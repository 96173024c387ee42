"""The commerce loop in a real browser (Debian's Chromium, headless, through Playwright): a reader opens a KOL's
post in a community, taps the product card in its 帖子里的好物 section, adds to cart, checks out with a new
address, pays in the sandbox cashier; the merchant ships from the console (in place, HTMX); the buyer sees the
tracking, confirms receipt and reviews the order from the order page, and the review shows on the product page.
The order line carries the closed-loop credit to the post, the KOL and the community."""

from __future__ import annotations

import os
from typing import Any

import pytest

from conftest import ARTIFACTS, browser_login, make_user
from quanzi.catalog import services as catalog
from quanzi.catalog.tests import factories as f
from quanzi.communities.enums import Role
from quanzi.content import services as content
from quanzi.orders import services
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import Order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_a_post_card_to_a_paid_shipped_received_and_reviewed_order(browser_page: Any) -> None:
    from playwright.sync_api import expect

    community = f.community()
    kol = make_user("护肤达人")
    f.add_member(community, kol, Role.KOL)
    merchant = f.approved_merchant()
    services.shipping_template_set(user=merchant.user, mode="piece", first_units=1, first_fee_fen=800,
                                   additional_units=1, additional_fee_fen=0, free_threshold_fen=9900)
    product, _sku = f.product_with_sku(merchant, price_fen=4590, stock=5, title="山茶花修护面霜")
    post = content.post_create(author=kol, community=community, title="换季修护空瓶记",
                               body="用空了第三瓶，换季泛红全靠它。")
    catalog.post_product_attach(user=kol, post_id=post.pk, product_id=product.pk)
    buyer = make_user("小红")
    page = browser_page

    # The reader opens the KOL's post; its card leads to the product page (and logs the click).
    browser_login(page, buyer, f"/p/{post.pk}/")
    expect(page.get_by_text("用空了第三瓶，换季泛红全靠它。")).to_be_visible()
    cards = page.locator("#post-products")
    expect(cards.get_by_role("heading", name="帖子里的好物")).to_be_visible()
    expect(cards).to_contain_text("¥45.90")
    page.screenshot(path=os.path.join(ARTIFACTS, "orders-post-card.png"), full_page=True)
    cards.get_by_role("link", name="山茶花修护面霜").click()
    page.wait_for_url(f"**/shop/p/{product.pk}/")
    expect(page.get_by_text("山茶花修护面霜").first).to_be_visible()
    expect(page.get_by_text("换季修护空瓶记")).to_be_visible()
    page.fill("input[name=quantity]", "2")
    page.click("text=加入购物车")
    page.wait_for_url("**/cart/")
    expect(page.locator("#total")).to_have_text("¥99.80")  # 2 × ¥45.90 + ¥8 shipping (free only from ¥99)
    page.click("text=去结算")
    page.wait_for_url("**/checkout/")
    page.fill("input[name=ab_name]", "小红")
    page.fill("input[name=ab_phone]", "13912345678")
    page.fill("input[name=ab_province]", "浙江省")
    page.fill("input[name=ab_city]", "杭州市")
    page.fill("input[name=ab_district]", "西湖区")
    page.fill("input[name=ab_detail]", "文三路 100 号")
    page.click("text=提交订单")
    page.wait_for_url("**/orders/*/")
    order = Order.objects.get(buyer=buyer)
    expect(page.locator("#order-status")).to_have_text("待付款")

    # Pay in the sandbox cashier.
    page.click("text=去支付")
    page.wait_for_url("**/pay/sandbox/*/")
    page.click("text=确认支付")
    page.wait_for_selector("text=支付成功")
    page.click("text=查看订单")
    expect(page.locator("#order-status")).to_have_text("待发货")

    # The merchant ships from the console without leaving the page.
    browser_login(page, merchant.user, "/shop/merchant/")
    row = page.locator(f"#order-{order.pk}")
    row.locator("select[name=carrier]").select_option("sf")  # the carrier list (orders/carriers.py)
    row.locator("input[name=tracking_no]").fill("SF1234567890")
    page.evaluate("window.__sameDocument = true")
    row.get_by_role("button", name="发货").click()
    expect(page.locator(f"#order-{order.pk}")).to_contain_text("SF1234567890")
    assert page.evaluate("window.__sameDocument === true")

    # The buyer sees the tracking and confirms receipt.
    browser_login(page, buyer, f"/orders/{order.pk}/")
    expect(page.get_by_role("heading", name="物流 · 顺丰速运 SF1234567890")).to_be_visible()
    expect(page.get_by_text("商家已发货")).to_be_visible()
    page.click("text=确认收货")
    expect(page.locator("#order-status")).to_have_text("已签收")
    expect(page.locator("#aftersale-link")).to_have_attribute("href", f"/orders/{order.pk}/aftersale/new/")
    page.screenshot(path=os.path.join(ARTIFACTS, "orders-received.png"), full_page=True)

    # ... and reviews it from the order page; the review shows on the product page.
    page.click("#review-link")
    page.wait_for_url(f"**/orders/{order.pk}/review/new/")
    page.select_option("select[name=rating]", "5")
    page.fill("textarea[name=text]", "修护力很强，换季不再泛红")
    page.click("text=提交评价")
    page.wait_for_url(f"**/orders/{order.pk}/")
    expect(page.locator("#review-link")).to_have_count(0)  # every line reviewed
    page.get_by_role("link", name="山茶花修护面霜").click()
    page.wait_for_url(f"**/shop/p/{product.pk}/")
    reviews = page.locator("#product-reviews")
    expect(reviews).to_contain_text("修护力很强，换季不再泛红")
    expect(reviews.locator("#rating-average")).to_have_text("5.0")
    expect(reviews).to_contain_text("小红")
    reviews.scroll_into_view_if_needed()
    page.screenshot(path=os.path.join(ARTIFACTS, "orders-reviewed.png"), full_page=True)

    order.refresh_from_db()
    line = order.lines.get()
    assert order.status == OrderStatus.DELIVERED and order.paid_fen == order.payable_fen == 9980
    assert (line.post_id, line.kol_id, line.community_id) == (post.pk, kol.pk, community.pk)
    assert line.review.rating == 5 and line.review.text == "修护力很强，换季不再泛红"
