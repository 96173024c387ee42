"""Paid content in a real browser at phone width (390 px, Debian's Chromium through Playwright): a member opens a
paid post and sees the free preview with the buy box, buys it, pays at the order page's sandbox cashier, and comes
back to read the rest; then the course page with its outline (trial lessons marked) and the buy box. Nothing is
wider than the screen. Screenshots in test-artifacts/ (paid-post-locked.png, paid-post-unlocked.png,
course-page.png)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from conftest import ARTIFACTS, browser_login
from quanzi.paidcontent import selectors
from quanzi.paidcontent.tests.helpers import course, paid_post, world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page: Any) -> None:
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 391)
        .map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))
        .slice(0, 8)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide


def test_member_reads_preview_pays_reads_rest_and_sees_a_course(browser_page: Any) -> None:
    from playwright.sync_api import expect

    w = world()
    paid = paid_post(w)
    c = course(w)
    reader = w["reader"]
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.set_default_timeout(60_000)  # the shared test machine can be slow; the flow is the same

    browser_login(page, reader, f"/p/{paid.post_id}/")
    expect(page.locator("#paid-panel")).to_have_attribute("data-unlocked", "0")
    expect(page.locator("#paid-price")).to_have_text("¥9.90")
    expect(page.locator("body")).not_to_contain_text("氨基酸")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "paid-post-locked.png"), full_page=True)

    page.click("#buy-now")
    page.wait_for_url("**/orders/*/")
    page.click("text=去支付")
    page.wait_for_url("**/pay/sandbox/*/")
    page.click("text=确认支付")
    page.click("text=查看订单")
    page.wait_for_url("**/orders/*/")
    assert selectors.check_access(reader, paid).allowed

    page.goto(f"/p/{paid.post_id}/")
    expect(page.locator("#paid-panel")).to_have_attribute("data-unlocked", "1")
    expect(page.locator("#paid-body")).to_contain_text("氨基酸洁面")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "paid-post-unlocked.png"), full_page=True)

    page.goto(f"/paid/courses/{c.pk}/")
    expect(page.locator("#outline [data-lesson]")).to_have_count(2)
    expect(page.locator("#outline .pc-trial")).to_have_count(1)
    expect(page.locator("#paid-price")).to_have_text("¥49.00")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "course-page.png"), full_page=True)
