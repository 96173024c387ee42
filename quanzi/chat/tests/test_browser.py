"""Customer service in real browsers over real WebSockets, at 390 px (screenshots in test-artifacts/).

The server is daphne serving quanzi.asgi (HTTP and WebSockets, the in-memory channel layer) in a child process,
started the way channels' ChannelsLiveServerTestCase starts it, on the test database (the data the test writes
is committed: `transaction=True`). Two browser contexts: the buyer opens customer service from an order page
(联系商家), the merchant answers from its service queue, and the buyer's page shows the answer without reloading.
A third context without WebSocket support shows the fallback: the composer posts through HTMX and the page polls."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS
from quanzi.chat.models import Conversation, Message
from quanzi.chat.tests.conftest import make_shop
from quanzi.orders.tests.helpers import place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(asgi_server: str) -> Iterator[Any]:
    if os.environ.get("QUANZI_REQUIRE_BROWSER") != "1":
        try:
            import playwright  # noqa: F401
        except ImportError:
            pytest.skip("playwright is not installed")
        if not os.path.exists(CHROMIUM):
            pytest.skip(f"Debian chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the test's own ORM calls beside Playwright's loop
    os.makedirs(ARTIFACTS, exist_ok=True)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def new_page(browser: Any, base_url: str, user: Any, next_url: str, *, websockets: bool = True) -> Any:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", base_url=base_url)
    if not websockets:
        context.add_init_script("delete window.WebSocket;")  # an old WebView, or a proxy that drops upgrades
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"/login/?next={next_url}")
    page.fill("input[name=login]", user.phone)
    page.fill("input[name=password]", "pass-word-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"**{next_url}")
    return page


def fits_390(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_buyer_asks_from_an_order_and_sees_the_merchants_answer_without_reloading(browser: Any,
                                                                                 asgi_server: str) -> None:
    from playwright.sync_api import expect

    shop = make_shop("山茶油店主")
    from conftest import make_user

    buyer = make_user("买家小红")
    order = place(buyer, [(shop.sku.pk, 2)]).orders.get()

    buyer_page = new_page(browser, asgi_server, buyer, f"/orders/{order.pk}/")
    buyer_page.locator("#contact-merchant button").click()
    buyer_page.wait_for_url("**/chat/c/*/")
    conv = Conversation.objects.get(customer=buyer)
    assert conv.merchant_id == shop.merchant.pk
    expect(buyer_page.locator(f'[data-card="order-{order.number}"]')).to_be_visible()
    expect(buyer_page.locator("#chat-status[data-state=online]")).to_be_visible()  # the socket is up
    buyer_page.evaluate("window.__notReloaded = true")
    buyer_page.fill("#chat-composer textarea", "请问什么时候发货？")
    buyer_page.locator("#chat-composer button[type=submit]").click()
    expect(buyer_page.locator(".msg.mine", has_text="请问什么时候发货？")).to_be_visible()

    merchant_page = new_page(browser, asgi_server, shop.owner, "/chat/shop/")
    expect(merchant_page.locator("#chat-badge")).to_have_text("1")  # the top bar counts the waiting question
    queue_row = merchant_page.locator(f"#queue-{conv.pk}")
    expect(queue_row).to_contain_text("请问什么时候发货？")
    fits_390(merchant_page)
    merchant_page.screenshot(path=os.path.join(ARTIFACTS, "chat-shop-queue-390.png"), full_page=True)
    queue_row.locator("a.chat-row-main").click()
    merchant_page.wait_for_url(f"**/chat/c/{conv.pk}/")
    expect(merchant_page.locator(".msg:not(.mine)", has_text="请问什么时候发货？")).to_be_visible()
    expect(merchant_page.locator("#chat-status[data-state=online]")).to_be_visible()
    merchant_page.fill("#chat-composer textarea", "您好，今天下午发顺丰")
    merchant_page.locator("#chat-composer textarea").press("Enter")

    answer = buyer_page.locator(".msg:not(.mine)", has_text="您好，今天下午发顺丰")
    expect(answer).to_be_visible(timeout=5000)
    assert buyer_page.evaluate("window.__notReloaded === true")  # the same page: it came over the socket
    assert Message.objects.filter(conversation=conv, sender=shop.owner, body="您好，今天下午发顺丰").count() == 1
    conv.refresh_from_db()
    assert conv.assigned_to_id == shop.owner.pk  # answering took it from the unassigned queue
    fits_390(buyer_page)
    buyer_page.screenshot(path=os.path.join(ARTIFACTS, "chat-conversation-390.png"), full_page=True)
    merchant_page.screenshot(path=os.path.join(ARTIFACTS, "chat-conversation-merchant-390.png"), full_page=True)


def test_without_websockets_the_page_posts_with_htmx_and_polls(browser: Any, asgi_server: str) -> None:
    from playwright.sync_api import expect

    from conftest import make_user
    from quanzi.chat import services

    alice, bob = make_user("阿丽"), make_user("阿博")
    conv = services.direct_open(sender=alice, recipient_id=bob.pk)
    page = new_page(browser, asgi_server, alice, f"/chat/c/{conv.pk}/", websockets=False)
    expect(page.locator("#chat-status[data-state=offline]")).to_be_visible()
    page.evaluate("window.__notReloaded = true")
    page.fill("#chat-composer textarea", "没有 WebSocket 也能发")
    page.locator("#chat-composer button[type=submit]").click()
    expect(page.locator(".msg.mine", has_text="没有 WebSocket 也能发")).to_have_count(1)
    # from another thread: this one runs Playwright's event loop (the push after the commit needs a plain thread)
    writer = threading.Thread(target=services.message_send, kwargs={
        "sender": bob, "conversation_id": conv.pk, "body": "收到，轮询也能看到"})
    writer.start()
    writer.join()
    expect(page.locator(".msg:not(.mine)", has_text="收到，轮询也能看到")).to_be_visible(timeout=8000)
    page.fill("#chat-composer textarea", "")
    page.locator("#chat-composer button[type=submit]").click()
    expect(page.locator("#chat-error")).to_contain_text("消息不能为空")
    assert page.evaluate("window.__notReloaded === true")
    assert Message.objects.filter(conversation=conv).count() == 2
