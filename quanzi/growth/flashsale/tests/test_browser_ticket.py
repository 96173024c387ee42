"""The queue ticket's page on a phone (390 px): while the worker has not placed the order it says 排队中 and asks
again every second; once the order is placed the page goes to it by itself; a failed ticket says why and leads
back to the sale. Screenshots: test-artifacts/flashsale-ticket-waiting.png, -failed.png."""

from __future__ import annotations

import os
from typing import Any

import pytest

from conftest import ARTIFACTS, browser_login
from quanzi.growth.flashsale import counters, services
from quanzi.growth.flashsale.enums import TicketStatus
from quanzi.growth.flashsale.models import FlashTicket
from quanzi.growth.flashsale.tests.helpers import buyer, shop
from quanzi.orders.models import Order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_ticket_page_waits_then_follows_the_order_or_says_why(browser_page: Any, redis_gate: Any) -> None:
    from playwright.sync_api import expect

    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    s = shop(title="午间场", product_title="山茶花修护面霜 50ml", allotment=5, image=True)
    member = buyer("小红")
    # a winner whose job has not run yet: the gate took the unit, the ticket waits in the queue
    gate_pass = counters.take(item_id=s.item.pk, user_id=member.pk, quantity=1, ip=None)
    ticket = FlashTicket.objects.create(user=member, item=s.item, sku_id=gate_pass.sku_id, quantity=1,
                                        address_id=member.addresses.first().pk, idempotency_key="browser-ticket-1")
    browser_login(page, member, f"/flashsale/tickets/{ticket.pk}/")
    expect(page.locator("#ticket")).to_contain_text("正在为你下单")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, "flashsale-ticket-waiting.png"), full_page=True)

    services.ticket_place(ticket_id=ticket.pk)  # the worker places it: the page's next poll follows it
    order = Order.objects.get(buyer=member)
    page.wait_for_url(f"**/orders/{order.pk}/", timeout=10_000)
    expect(page.locator("body")).to_contain_text("抢到了")

    failed = FlashTicket.objects.create(user=member, item=s.item, sku_id=s.sku.pk, quantity=1,
                                        idempotency_key="browser-ticket-2", status=TicketStatus.FAILED,
                                        error_code="address_missing", error_message="请选择收货地址")
    page.goto(f"/flashsale/tickets/{failed.pk}/")
    expect(page.locator("#ticket")).to_contain_text("请选择收货地址")
    expect(page.get_by_role("link", name="返回秒杀")).to_be_visible()
    page.screenshot(path=os.path.join(ARTIFACTS, "flashsale-ticket-failed.png"), full_page=True)
