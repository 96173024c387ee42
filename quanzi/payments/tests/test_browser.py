"""The sandbox cashier in a real browser: the buyer sees the amount, clicks 确认支付, and the page shows the
payment succeeded once the signed callback has been applied."""

from __future__ import annotations

import os

import pytest

from conftest import ARTIFACTS
from quanzi.orders.enums import OrderStatus
from quanzi.payments import services
from quanzi.payments.tests.helpers import merchant_sku, place_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sandbox_cashier_pays_the_order(browser_page, member):
    order = place_order(member, merchant_sku(price_fen=2590))
    payment = services.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    page = browser_page
    page.goto(f"/login/?next=/pay/sandbox/{payment.payment_no}/")
    page.fill("input[name=login]", member.phone)
    page.fill("input[name=password]", "pass-word-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"**/pay/sandbox/{payment.payment_no}/")
    amount = f"¥{order.payable_fen // 100}.{order.payable_fen % 100:02d}"
    assert amount in page.inner_text(".amount")
    page.click("text=确认支付")
    page.wait_for_selector("text=支付成功")
    page.screenshot(path=os.path.join(ARTIFACTS, "payments-sandbox-paid.png"), full_page=True)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
