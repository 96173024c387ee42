"""A group-buy in a real browser (Debian's Chromium, headless, through Playwright) at phone width (390 px): a member
opens a group from the product page, pays at the sandbox cashier and shares the group's link; two friends open the
link, join and pay; the group succeeds and the merchant ships from the console. A group that expires short is
refunded, and its page says so. Screenshots in test-artifacts/ (groupbuy-*.png)."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

from conftest import ARTIFACTS, browser_login, make_user
from quanzi.growth.groupbuy import jobs
from quanzi.growth.groupbuy.enums import GroupStatus
from quanzi.growth.groupbuy.models import GroupBuyMember
from quanzi.growth.groupbuy.tests.helpers import campaign, expire, group_of, open_group, pay, shop
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import Order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _fits(page: Any) -> None:
    """Nothing wider than the phone's screen."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _checkout_and_pay(page: Any, name: str) -> None:
    """On the checkout page: a new address, submit, pay at the sandbox cashier, back to the order."""
    page.wait_for_url("**/checkout/**")
    page.fill("input[name=ab_name]", name)
    page.fill("input[name=ab_phone]", "13912345678")
    page.fill("input[name=ab_province]", "浙江省")
    page.fill("input[name=ab_city]", "杭州市")
    page.fill("input[name=ab_district]", "西湖区")
    page.fill("input[name=ab_detail]", "文三路 100 号")
    page.click("text=提交订单")
    page.wait_for_url("**/orders/*/")
    page.click("text=去支付")
    page.wait_for_url("**/pay/sandbox/*/")
    page.click("text=确认支付")
    page.wait_for_selector("text=支付成功")
    page.click("text=查看订单")
    page.wait_for_url("**/orders/*/")


def test_open_share_join_through_the_link_pay_succeed_ship_and_a_short_group_refunded(browser_page: Any) -> None:
    from playwright.sync_api import expect

    merchant, sku = shop(price_fen=12900)
    c = campaign(merchant, sku, size=3, group_price_fen=8900, leader_price_fen=7900)
    leader, friend_a, friend_b = make_user("团长小红"), make_user("好友小明"), make_user("好友小刚")
    page = browser_page
    page.set_viewport_size(PHONE)

    # The leader opens a group from the product page and pays the leader's price.
    browser_login(page, leader, f"/shop/p/{sku.product_id}/")
    panel = page.locator(f"#groupbuy-{c.pk}")
    expect(panel).to_contain_text("3 人拼团")
    expect(panel).to_contain_text("¥89.00")
    _fits(page)
    panel.get_by_role("link", name="发起拼团").click()
    expect(page.locator("#groupbuy-checkout")).to_contain_text("团长价 ¥79.00")
    expect(page.locator("#total")).to_have_text("¥79.00")
    _checkout_and_pay(page, "小红")
    expect(page.locator("#order-status")).to_have_text("待发货")
    expect(page.get_by_text("拼团中，还差 2 人成团，成团后发货")).to_be_visible()
    first = Order.objects.get(buyer=leader)
    group = group_of(first)

    # ... finds the group in "my group-buys" and mints the invitation link.
    page.goto("/groupbuy/mine/")
    page.locator(f'[data-group="{group.pk}"]').click()
    page.wait_for_url(f"**/groupbuy/g/{group.pk}/")
    expect(page.locator("#places-left")).to_contain_text("还差 2 人成团")
    page.click("#make-share")
    share_url = page.locator("#share-url").input_value()
    assert f"/groupbuy/g/{group.pk}/?t=" in share_url
    expect(page.locator("#countdown")).to_have_text(re.compile(r"^\d\d:\d\d:\d\d$"))
    expect(page.locator("#shared-by")).to_have_count(0)  # the leader's own link: no "invites you"
    _fits(page)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=os.path.join(ARTIFACTS, "groupbuy-group-open.png"), full_page=True)

    # The product page lists the open group to join.
    page.goto(f"/shop/p/{sku.product_id}/")
    expect(page.locator(f'#groupbuy-{c.pk} [data-group="{group.pk}"]')).to_contain_text("还差 2 人")
    _fits(page)
    page.locator(f"#groupbuy-{c.pk}").scroll_into_view_if_needed()
    page.screenshot(path=os.path.join(ARTIFACTS, "groupbuy-product-panel.png"))

    # Two friends open the link, join and pay.
    for friend, name in ((friend_a, "小明"), (friend_b, "小刚")):
        browser_login(page, friend, "/")
        page.goto(share_url)
        expect(page.locator("#shared-by")).to_have_text("团长小红 邀请你一起拼")
        page.click("#join-link")
        expect(page.locator("#groupbuy-checkout")).to_contain_text("团长小红 的 3 人团")
        expect(page.locator("#total")).to_have_text("¥89.00")
        _checkout_and_pay(page, name)

    group.refresh_from_db()
    assert (group.status, group.paid_count) == (GroupStatus.SUCCEEDED, 3)
    page.goto(f"/groupbuy/g/{group.pk}/")
    expect(page.locator("#group-status")).to_contain_text("已成团")
    expect(page.locator("#group-members .gb-member")).to_have_count(3)
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "groupbuy-group-succeeded.png"), full_page=True)
    order_b = Order.objects.get(buyer=friend_b)
    assert order_b.lines.get().sharer_id == leader.pk  # the closed-loop credit of the shared link

    # The merchant ships the leader's order from the console: the hold is gone.
    browser_login(page, merchant.user, "/shop/merchant/")
    row = page.locator(f"#order-{first.pk}")
    row.locator("select[name=carrier]").select_option("sf")  # the carrier list (orders/carriers.py)
    row.locator("input[name=tracking_no]").fill("SF1234567890")
    row.get_by_role("button", name="发货").click()
    expect(page.locator(f"#order-{first.pk}")).to_contain_text("SF1234567890")
    first.refresh_from_db()
    assert first.status == OrderStatus.SHIPPED

    # A group that expires short: its paid member is refunded once, and the page says so.
    lonely = make_user("孤单的团长")
    order = open_group(lonely, c)
    pay(lonely, order)
    short = group_of(order)
    expire(short)
    jobs.groupbuy_settle_due.call_local()
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED and order.refunded_fen == order.paid_fen
    assert GroupBuyMember.objects.get(order=order).refund_no == f"GB-{GroupBuyMember.objects.get(order=order).pk}"
    browser_login(page, lonely, f"/groupbuy/g/{short.pk}/")
    expect(page.locator("#group-status")).to_contain_text("未成团")
    expect(page.locator("#group-status")).to_contain_text("已付款的成员全额原路退款")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "groupbuy-group-failed.png"), full_page=True)
    page.goto(f"/orders/{order.pk}/")
    expect(page.locator("#order-status")).to_have_text("已退款")
