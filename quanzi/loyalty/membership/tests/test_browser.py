"""The membership pages in a real browser at phone width (390 px, Debian's Chromium through Playwright): a 银卡
member sees their level, growth value and progress to 金卡 with the ledger; on the plans page they buy 圈子PLUS
月卡, pay at the order page's sandbox cashier, and come back to see it running with its expiry and the refund
button. Nothing is wider than the screen. Screenshots in test-artifacts/ (membership-*.png)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from conftest import ARTIFACTS, browser_login, make_user
from quanzi.loyalty.membership import selectors
from quanzi.loyalty.membership.tests.helpers import grow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page: Any) -> None:
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 391)
        .map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))
        .slice(0, 8)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide


def test_my_level_and_buying_plus_at_phone_width(browser_page: Any) -> None:
    from playwright.sync_api import expect

    u = make_user("爱买的小鹿")
    grow(u, 1000)
    grow(u, 1680)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})

    browser_login(page, u, "/membership/")
    expect(page.locator("#level-name")).to_have_text("银卡")
    expect(page.locator("#growth")).to_have_text("2680")
    expect(page.locator("#to-next")).to_contain_text("2320")
    expect(page.locator("#ledger [data-entry]")).to_have_count(2)
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "membership-level.png"), full_page=True)

    page.goto("/membership/plans/")
    expect(page.locator("#plus-status")).to_have_attribute("data-active", "0")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "membership-plans.png"), full_page=True)
    page.click("#buy-plus-monthly")
    page.wait_for_url("**/orders/*/")
    page.click("text=去支付")
    page.wait_for_url("**/pay/sandbox/*/")
    page.click("text=确认支付")
    page.click("text=查看订单")
    page.wait_for_url("**/orders/*/")
    assert selectors.is_paid_member(user_id=u.pk)

    page.goto("/membership/plans/")
    expect(page.locator("#plus-status")).to_have_attribute("data-active", "1")
    expect(page.locator("#paid-until")).to_contain_text("有效期至")
    expect(page.locator("#periods [data-period]")).to_have_count(1)
    expect(page.locator("#periods button")).to_contain_text("¥15.00")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "membership-plus-active.png"), full_page=True)
    page.goto("/membership/")
    expect(page.locator("#plus-badge")).to_have_text("圈子PLUS 月卡")
    _fits(page)
