"""The red-packet claim page in a real browser at phone width (390 px, Debian's Chromium through Playwright): a
member opens the packet and sees their amount, the claimers and the shares left; a second member takes the last
share; a third sees "all gone". Nothing is wider than the screen. Screenshots in test-artifacts/
(redpacket-*.png)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from conftest import ARTIFACTS, browser_login, make_user
from quanzi.catalog.tests import factories as f
from quanzi.growth.redpackets.selectors import balance_of
from quanzi.growth.redpackets.services import redpacket_create_and_fund
from quanzi.growth.redpackets.tests.helpers import community, grant, join

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page: Any) -> None:
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 391)
        .map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))
        .slice(0, 8)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide


def test_claim_a_red_packet_at_phone_width(browser_page: Any) -> None:
    from playwright.sync_api import expect

    funder = make_user("小美妈妈")
    grant(f.operator(), funder, 10000)
    group = community(funder)
    a, b, late = make_user("阿花"), make_user("小白"), make_user("迟到的")
    for u in (a, b, late):
        join(u, group)
    packet = redpacket_create_and_fund(funder=funder, community_id=group.pk, amount_fen=888, shares=2,
                                       greeting="周末愉快，一起剁手")
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    url = f"/redpackets/{packet.pk}/"

    browser_login(page, a, url)
    expect(page.locator("#redpacket")).to_have_attribute("data-state", "open")
    expect(page.locator("#rp-progress")).to_contain_text("剩 2 个")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "redpacket-open.png"), full_page=True)
    page.click("#claim")
    page.wait_for_url(f"**{url}")
    expect(page.locator("#redpacket")).to_have_attribute("data-state", "claimed")
    mine = balance_of(user_id=a.pk)
    expect(page.locator("#my-amount")).to_contain_text(f"¥{mine // 100}.{mine % 100:02d}")
    expect(page.locator("#rp-claims")).to_contain_text("阿花")

    browser_login(page, b, url)
    page.click("#claim")
    page.wait_for_url(f"**{url}")
    expect(page.locator("#rp-claims")).to_contain_text("手气最佳")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "redpacket-claimed.png"), full_page=True)
    assert balance_of(user_id=a.pk) + balance_of(user_id=b.pk) == 888

    browser_login(page, late, url)
    expect(page.locator("#redpacket")).to_have_attribute("data-state", "finished")
    expect(page.locator("#claim")).to_have_count(0)
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "redpacket-gone.png"), full_page=True)
