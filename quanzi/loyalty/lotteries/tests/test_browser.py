"""The lottery pages in a real browser at phone width (390 px, Debian's Chromium through Playwright): a member
opens a running lottery (prizes, odds, countdown, rules, the seed's hash) and takes a number; the organiser's
create form; after the draw the winners and the verification data (seed, hashes, numbers, the steps). Nothing is
wider than the screen. Screenshots in test-artifacts/ (lottery-*.png)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from conftest import ARTIFACTS, browser_login, make_user
from quanzi.loyalty.lotteries import services
from quanzi.loyalty.lotteries.tests.helpers import close, community, join, lottery, members

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page: Any) -> None:
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 391)
        .map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))
        .slice(0, 8)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide


def test_enter_a_lottery_and_verify_its_draw_at_phone_width(browser_page: Any) -> None:
    from playwright.sync_api import expect

    owner = make_user("小美妈妈")
    group = community(owner)
    lot = lottery(owner, group, title="周年庆锦鲤抽奖", campaign="三周年社群活动",
                  rules_text="实物奖品开奖后 7 天内由群主联系寄送。")
    for m in members(group, 7, "老会员"):
        services.lottery_enter(user=m, lottery_id=lot.pk)
    me = make_user("阿花")
    join(me, group)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    url = f"/lotteries/{lot.pk}/"

    browser_login(page, me, url)
    expect(page.locator("#lottery")).to_have_attribute("data-state", "open")
    expect(page.locator("#lot-countdown")).to_contain_text("距截止还有")
    expect(page.locator("#seed-hash")).to_have_text(lot.seed_hash)
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "lottery-open.png"), full_page=True)
    page.click("#enter")
    page.wait_for_url(f"**{url}")
    expect(page.locator("#my-numbers")).to_contain_text("000008")
    expect(page.locator("#lot-odds")).to_contain_text("8 个有效号码")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "lottery-entered.png"), full_page=True)

    browser_login(page, owner, f"/lotteries/new/?community={group.pk}")
    expect(page.locator("#lottery-form")).to_be_visible()
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "lottery-new.png"), full_page=True)

    close(lot)
    page.goto(url)
    page.click("#draw")
    page.wait_for_url(f"**{url}")
    lot.refresh_from_db()
    expect(page.locator("#lottery")).to_have_attribute("data-state", "drawn")
    expect(page.locator("#seed")).to_have_text(lot.seed_hex)
    expect(page.locator("#lot-winners .lot-prize")).to_have_count(6)
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "lottery-drawn.png"), full_page=True)
