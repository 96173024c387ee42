"""The flash-sale page on a phone (390 × 844, Debian's Chromium through Playwright): a live session with an item to
buy and one sold out, a session about to start whose countdown turns into the buy button by itself; the member
buys as soon as it opens and lands on the order page at the flash price with the short payment window. The page
never grows wider than the phone. Screenshots: test-artifacts/flashsale-page.png (and -bought.png)."""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any

import pytest

from conftest import ARTIFACTS, browser_login
from quanzi.growth.flashsale.models import FlashReservation
from quanzi.growth.flashsale.tests.helpers import buy, buyer, shop
from quanzi.orders.models import Order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_countdown_turns_into_the_buy_button_sold_out_is_clear_and_the_buy_lands_on_the_order(
        browser_page: Any) -> None:
    from playwright.sync_api import expect

    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    live = shop(title="午间场", product_title="山茶花修护面霜 50ml", allotment=20, price_fen=12900,
                flash_price_fen=5990, image=True)
    gone = shop(title="早鸟场", product_title="玻尿酸补水面膜 10 片", allotment=1, price_fen=9900,
                flash_price_fen=990, image=True, starts_in=dt.timedelta(minutes=-30))
    buy(buyer(), gone.item)
    soon = shop(title="今晚 20:00 场", product_title="氨基酸洗面奶", allotment=50, price_fen=6900,
                flash_price_fen=1990, image=True, starts_in=dt.timedelta(seconds=15), limit=2)
    member = buyer("小红")
    browser_login(page, member, "/flashsale/")

    live_item = page.locator(f"#item-{live.item.pk}")
    expect(live_item.get_by_role("button", name="立即抢购")).to_be_enabled()
    sold = page.locator(f"#item-{gone.item.pk}")
    expect(sold.get_by_role("button", name="已抢光")).to_be_disabled()
    expect(sold).to_contain_text("有人超时未付款时名额会回来")
    waiting = page.locator(f"#item-{soon.item.pk}").locator("button")
    expect(waiting).to_be_disabled()
    expect(page.locator(f"#session-{soon.session.pk} [data-countdown]")).to_have_text(re.compile(r"00:00:[0-5]\d"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, "flashsale-page.png"), full_page=True)

    # the countdown runs out: the same button becomes the buy button without a reload
    expect(waiting).to_be_enabled(timeout=25000)
    expect(waiting).to_have_text("立即抢购")
    # the page then reloads itself into the live state the server renders; buy there
    expect(page.locator(f"#session-{soon.session.pk} .tag")).to_have_text("抢购中", timeout=10000)
    page.locator(f"#item-{soon.item.pk}").get_by_role("button", name="立即抢购").click()
    page.wait_for_url("**/orders/*/")
    expect(page.get_by_text("抢到了！请在 5 分钟内完成支付").first).to_be_visible()
    order = Order.objects.get(buyer=member)
    assert order.payable_fen == 1990 and FlashReservation.objects.get(order=order).item_id == soon.item.pk
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=os.path.join(ARTIFACTS, "flashsale-bought.png"), full_page=True)
