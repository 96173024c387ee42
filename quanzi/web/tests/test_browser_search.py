"""Search in a real browser at 390 px (Debian's Chromium through Playwright): searching 跑步 from the header finds
the running posts (跑步 inside longer words, and 晨跑 after them), the running products and the community; the
tabs switch between kinds. Screenshots in test-artifacts/."""

from __future__ import annotations

import os
from typing import Any

import pytest

from conftest import ARTIFACTS, make_user
from quanzi.catalog.tests import factories as f
from quanzi.communities.services import community_create
from quanzi.content import services as content

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world() -> None:
    owner = make_user("林姐")
    run = community_create(owner=owner, name="每天跑五公里", slug="run-fit", vertical="fitness",
                           tags=["跑步", "打卡"], positioning="一起坚持跑步打卡，分享训练计划和装备心得")
    content.post_create(author=owner, community=run, kind="article", title="新手跑步入门：从三公里开始",
                        body="先跑走结合，每周三次，心率控制在有氧区间。")
    content.post_create(author=owner, community=run, body="今天晨跑遇到好多新朋友，欢迎大家打卡！")
    content.post_create(author=owner, community=run, body="减脂餐分享：鸡胸肉沙拉")
    m = f.approved_merchant()
    f.product_with_sku(m, title="防风跑步夹克", price_fen=19900)
    f.product_with_sku(m, title="缓震跑鞋 Pro", price_fen=59900)
    f.product_with_sku(m, title="保湿面霜", price_fen=9900)


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_search_running_finds_posts_and_products_and_the_tabs_switch(browser_page: Any) -> None:
    from playwright.sync_api import expect

    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    _world()
    page.goto("/")
    search = page.locator("header input[name=q]")
    search.fill("跑步")
    search.press("Enter")
    page.wait_for_url("**/search/?q=*")

    results = page.locator("main")
    expect(page.get_by_role("heading", name="帖子")).to_be_visible()
    expect(results.get_by_text("新手跑步入门：从三公里开始")).to_be_visible()
    expect(results.get_by_text("今天晨跑遇到好多新朋友")).to_be_visible()  # a partial match: 晨跑
    expect(results.get_by_text("防风跑步夹克")).to_be_visible()
    expect(results.get_by_text("缓震跑鞋 Pro")).to_be_visible()
    expect(results.get_by_text("每天跑五公里").first).to_be_visible()
    expect(results.get_by_text("鸡胸肉沙拉")).to_have_count(0)
    expect(results.get_by_text("保湿面霜")).to_have_count(0)
    expect(page.locator("nav.tabs a[aria-current=page]")).to_have_text("全部")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "search-all-390.png"), full_page=True)

    page.locator("nav.tabs").get_by_role("link", name="商品").click()
    page.wait_for_url("**tab=products*")
    expect(page.locator("nav.tabs a[aria-current=page]")).to_have_text("商品")
    expect(results.get_by_text("防风跑步夹克")).to_be_visible()
    expect(results.get_by_text("新手跑步入门：从三公里开始")).to_have_count(0)
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "search-products-390.png"), full_page=True)

    page.locator("nav.tabs").get_by_role("link", name="帖子").click()
    page.wait_for_url("**tab=posts*")
    expect(results.get_by_text("新手跑步入门：从三公里开始")).to_be_visible()
    expect(results.get_by_text("防风跑步夹克")).to_have_count(0)
    page.screenshot(path=os.path.join(ARTIFACTS, "search-posts-390.png"), full_page=True)

    page.locator("nav.tabs").get_by_role("link", name="圈子").click()
    page.wait_for_url("**tab=communities*")
    expect(results.get_by_text("每天跑五公里")).to_be_visible()
    expect(results.get_by_text("新手跑步入门：从三公里开始")).to_have_count(0)
    _fits(page)
