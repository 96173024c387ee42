"""The points pages in a real browser at phone width (390 px, Debian's Chromium through Playwright): "我的积分"
with points expiring soon and the ledger, the mall where a member redeems a coupon and goods, and the checkout
page's points panel. Nothing is wider than the screen. Screenshots in test-artifacts/ (points-*.png)."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from django.utils import timezone

from conftest import ARTIFACTS, browser_login, make_user
from quanzi.catalog.tests import factories as f
from quanzi.loyalty.points import services
from quanzi.loyalty.points.models import PointsLot
from quanzi.loyalty.points.tests.helpers import coupon_template, mall_item, shop
from quanzi.orders.tests.helpers import address

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page: Any) -> None:
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 391)
        .map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))
        .slice(0, 8)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide


def test_my_points_and_the_mall_at_phone_width(browser_page: Any) -> None:
    from playwright.sync_api import expect

    member = make_user("攒积分的小美")
    services.points_grant(user_id=member.pk, amount=800, key="old", reason="去年的购物积分")
    # last year's lot: it runs out within the month
    PointsLot.objects.filter(entry__key="grant:old").update(expires_at=timezone.now() + dt.timedelta(days=12))
    services.points_grant(user_id=member.pk, amount=200, key="checkin", reason="连续签到 7 天")
    address(member)
    t = coupon_template(f.operator())
    coupon = mall_item(title="满100减20优惠券", description="全场通用，领取后 7 天内有效", kind="coupon",
                       coupon_template=t, cost_points=300, sort_order=1)
    mall_item(title="圈子帆布袋", description="商家包邮寄出", cost_points=600, stock=3, sort_order=2)
    mall_item(title="保温杯", cost_points=5000, sort_order=3)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})

    browser_login(page, member, "/points/")
    expect(page.locator("#points-balance")).to_have_text("1000")
    expect(page.locator("#points-expiring")).to_contain_text("800")
    expect(page.locator("#points-ledger")).to_contain_text("连续签到 7 天")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "points-mine.png"), full_page=True)

    page.click("#mall-link")
    page.wait_for_url("**/points/mall/")
    page.click(f"#redeem-{coupon.pk}")
    page.wait_for_url("**/points/mall/")
    expect(page.locator(".messages")).to_contain_text("兑换成功")
    expect(page.locator("#my-points-link")).to_contain_text("700")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "points-mall.png"), full_page=True)

    page.goto("/points/")
    expect(page.locator("#my-redemptions")).to_contain_text("满100减20优惠券")
    expect(page.locator("#points-balance")).to_have_text("700")


def test_the_checkout_points_panel_at_phone_width(browser_page: Any) -> None:
    from playwright.sync_api import expect

    s = shop()
    member = make_user("下单的小白")
    services.points_grant(user_id=member.pk, amount=3000, key="p", reason="")
    address(member)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    url = f"/checkout/?sku_id={s.cream.pk}&quantity=1"
    browser_login(page, member, "/points/")
    page.goto(url)
    expect(page.locator("#checkout-points")).to_contain_text("3000")
    page.click("#points-max")
    expect(page.locator("#points-saving")).to_contain_text("30.00")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "points-checkout.png"), full_page=True)
