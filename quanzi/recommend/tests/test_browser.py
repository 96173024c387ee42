"""为你推荐 in a real browser at phone width (390 px, Debian's Chromium through Playwright): the home feed loads
the block (HTMX) with a reason beside each item; 不感兴趣 removes an item in place; the settings page switches
personalisation off and the block becomes 热门推荐. Nothing is wider than the screen. Screenshots in
test-artifacts/ (recommend-*.png)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from conftest import ARTIFACTS, browser_login
from quanzi.recommend import services
from quanzi.recommend.tests.helpers import follow, shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page: Any) -> None:
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 391 && !e.closest('#for-you .row'))
        .map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))
        .slice(0, 8)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide


def test_home_feed_shows_for_you_with_reasons_at_phone_width(browser_page: Any) -> None:
    from playwright.sync_api import expect

    s = shop()
    follow(s.member, s.buyers[3])
    services.preference_set(user=s.buyers[3], share_purchases=True)
    services.model_train()

    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, s.member, "/")
    block = page.locator("#for-you")
    expect(block).to_contain_text("为你推荐")
    expect(block).to_have_attribute("data-kind", "personalised")
    reasons = block.locator(".rec-reason")
    expect(reasons.first).to_be_visible()
    labels = set(reasons.all_inner_texts())
    assert "好友买过" in labels, labels
    assert labels <= {"好友买过", "同社群热卖", "看过相似", "符合你的兴趣", "大家都在看"}, labels
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "recommend-home.png"))

    items = block.locator(".rec-item[data-kind=product]")
    before = items.count()
    first_id = items.first.get_attribute("data-id")
    items.first.locator("button", has_text="不感兴趣").click()
    expect(block.locator(f".rec-item[data-id='{first_id}'][data-kind=product]")).to_have_count(0)
    assert block.locator(".rec-item[data-kind=product]").count() == before - 1

    page.goto("/settings/recommend/")
    page.uncheck("input[name=personalised]")
    page.click("#recommend-settings button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("推荐设置已保存")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "recommend-settings.png"))
    page.goto("/")
    expect(page.locator("#for-you")).to_have_attribute("data-kind", "popular")
    expect(page.locator("#for-you")).to_contain_text("热门推荐")
    expect(page.locator("#for-you .rec-reason").first).to_have_text("大家都在看")
    page.screenshot(path=os.path.join(ARTIFACTS, "recommend-home-off.png"))
