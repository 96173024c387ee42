"""In a real browser at phone width (390 px, Debian's Chromium through Playwright) against the ASGI application
served by daphne (HTTP and WebSockets, as `make demo` serves it): the 通知设置 page, then a notice arriving live —
another member follows this one in a second browser context and the bell's badge and a toast appear on the first
member's open page without a reload. Screenshots in test-artifacts/ (notify-*.png)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(asgi_server: str) -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Debian chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    os.makedirs(ARTIFACTS, exist_ok=True)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def _page(browser: Any, base: str) -> Any:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", base_url=base)
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def _login(page: Any, user: Any, next_url: str) -> None:
    page.goto(f"/login/?next={next_url}")
    page.fill("input[name=login]", user.phone)
    page.fill("input[name=password]", "pass-word-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"**{next_url}")


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_settings_page_and_a_notice_arriving_live_at_phone_width(browser: Any, asgi_server: str) -> None:
    from playwright.sync_api import expect

    from quanzi.notify.models import Preference

    idol, fan = make_user("小美"), make_user("阿强")
    page = _page(browser, asgi_server)
    _login(page, idol, "/me/notifications/settings/")
    expect(page.locator("#notify-settings")).to_contain_text("订单、拼团与售后")
    expect(page.locator("input[value='trade:wechat']")).to_be_checked()
    page.check("input[value='trade:sms']")
    page.uncheck("input[value='live:wechat']")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "notify-settings.png"), full_page=True)
    page.click("#notify-save")
    expect(page.locator(".messages")).to_contain_text("通知设置已保存")
    expect(page.locator("input[value='trade:sms']")).to_be_checked()
    assert Preference.objects.filter(user=idol, group="trade", channel="sms", enabled=True).exists()
    assert Preference.objects.filter(user=idol, group="live", channel="wechat", enabled=False).exists()

    # the member's page is open, connected, no badge yet
    page.goto("/me/notifications/settings/")
    page.wait_for_selector("html[data-notify-live]", state="attached", timeout=60_000)  # a loaded CI machine
    expect(page.locator("#unread-badge")).to_have_count(0)
    marker = page.evaluate("window.__notifyMarker = Math.random()")

    other = _page(browser, asgi_server)
    _login(other, fan, f"/u/{idol.pk}/")
    other.click(f"#follow-{idol.pk} button")
    expect(other.locator(f"#follow-{idol.pk} button")).to_have_text("已关注")

    expect(page.locator("#unread-badge")).to_have_text("1", timeout=5000)
    expect(page.locator(".notify-toast")).to_contain_text("阿强 关注了你")
    assert page.evaluate("window.__notifyMarker") == marker  # the same page: no reload
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "notify-live.png"), full_page=False)
