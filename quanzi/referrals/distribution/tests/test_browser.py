"""The promoter centre and the withdrawal queue in a real browser at phone width (390 px, Debian's Chromium
through Playwright): a promoter sees pending / available / withdrawn, the clicks, invited members and orders,
the ECharts chart of the last 14 days, and asks to withdraw; an operator approves it in the queue and it is paid.
Nothing is wider than the screen. Screenshots in test-artifacts/ (promoter-centre.png, withdrawal-queue.png)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from conftest import ARTIFACTS, browser_login
from quanzi.catalog.tests import factories as f
from quanzi.referrals.distribution import selectors, services
from quanzi.referrals.distribution.tests.helpers import chain, line, order_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page: Any) -> None:
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 391)
        .map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))
        .slice(0, 8)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide


def test_promoter_centre_and_withdrawal_queue_at_phone_width(browser_page: Any) -> None:
    from playwright.sync_api import expect

    operator = f.operator()
    _top, promoter, buyer = chain(3)
    oid = order_id()
    services.commission_accrue(order_id=oid, buyer_id=buyer.pk, lines=[line(39900), line(12800)])
    services.commission_release(order_id=oid)
    services.commission_accrue(order_id=order_id(), buyer_id=buyer.pk, lines=[line(25600)])
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})

    browser_login(page, promoter, "/promoter/")
    expect(page.locator("#available")).to_have_text("¥52.70")
    expect(page.locator("#pending")).to_have_text("¥25.60")
    expect(page.locator("#invited")).to_have_text("1")
    expect(page.locator("#orders")).to_have_text("2")
    expect(page.locator("#commission-chart")).to_have_attribute("data-ready", "1")
    expect(page.locator("#commission-chart svg")).to_have_count(1)
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "promoter-centre.png"), full_page=True)
    page.fill("input[name=amount]", "50")
    page.click("#withdraw")
    page.wait_for_url("**/promoter/")
    expect(page.locator("#available")).to_have_text("¥2.70")
    expect(page.locator("#in-flight")).to_have_text("¥50.00")

    browser_login(page, operator, "/ops/withdrawals/")
    w = selectors.withdrawal_queue().get()
    card = page.locator(f"[data-withdrawal='{w.pk}']")
    expect(card).to_contain_text("¥49.00")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "withdrawal-queue.png"), full_page=True)
    page.click(f"[data-approve='{w.pk}']")
    page.wait_for_url("**/ops/withdrawals/**")
    expect(page.locator("#queue")).to_contain_text("没有待处理的提现")
    w.refresh_from_db()
    assert w.status == "paid"
