"""The pages this round added, at 390 px in a real browser, each with a screenshot in test-artifacts/:
the login lockout, the password change page, an order held from shipping (buyer and merchant) with the payment
methods offered, and the server-error page."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.test import RequestFactory

from conftest import ARTIFACTS, make_user
from quanzi.catalog.tests import factories as f
from quanzi.core.views import server_error
from quanzi.orders import services as orders
from quanzi.orders.tests.helpers import place
from quanzi.payments import services as payments

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-1"  # conftest.make_user's


def _phone(page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})


def _login(page: Any, login: str, password: str = PASSWORD) -> None:
    page.goto("/login/")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit]").first.click()


def _fits(page: Any) -> None:
    """Nothing wider than the phone: no sideways scrolling."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_lockout_and_password_change_pages(browser_page: Any) -> None:
    from playwright.sync_api import expect

    page = browser_page
    _phone(page)
    user = make_user("小林")
    for _i in range(5):
        _login(page, user.phone, "wrong-password-0")
    expect(page.locator(".errors")).to_contain_text("登录失败次数过多")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "login-locked-390.png"), full_page=True)

    other = make_user("小周")
    _login(page, other.phone)
    page.wait_for_url("**/")
    page.goto("/me/password/")
    page.fill("input[name=old_password]", PASSWORD)
    page.fill("input[name=new_password]", "aaaaaaaa")
    page.fill("input[name=new_password2]", "aaaaaaaa")
    page.locator("form button[type=submit]").click()
    expect(page.locator(".errors")).to_be_visible()
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "password-change-390.png"), full_page=True)
    page.fill("input[name=old_password]", PASSWORD)
    page.fill("input[name=new_password]", "morning-run-5k-2026")
    page.fill("input[name=new_password2]", "morning-run-5k-2026")
    page.locator("form button[type=submit]").click()
    expect(page.get_by_text("密码已修改")).to_be_visible()


def test_held_order_for_buyer_and_merchant(browser_page: Any) -> None:
    from playwright.sync_api import expect

    page = browser_page
    _phone(page)
    buyer = make_user("小满")
    m = f.approved_merchant()
    _p, sku = f.product_with_sku(m, price_fen=5900, stock=10, title="有机棉婴儿连体衣")
    unpaid = place(buyer, [(sku.pk, 1)]).orders.get()
    paid = place(buyer, [(sku.pk, 2)]).orders.get()
    payments.sandbox_pay_now(user=buyer, order_id=paid.pk)
    orders.order_hold_add(order_id=paid.pk, source="groupbuy:7", reason="拼团还差 1 人，成团后发货")

    _login(page, buyer.phone)
    page.wait_for_url("**/")
    page.goto(f"/orders/{unpaid.pk}/")
    expect(page.locator("button[data-gateway=sandbox]")).to_be_visible()
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "order-pay-390.png"), full_page=True)
    page.goto(f"/orders/{paid.pk}/")
    expect(page.locator(".hold")).to_contain_text("拼团还差 1 人")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "order-held-buyer-390.png"), full_page=True)

    page.context.clear_cookies()
    _login(page, m.user.phone)
    page.wait_for_url("**/")
    page.goto("/shop/merchant/?tab=ship")
    row = page.locator(f"#order-{paid.pk}")
    expect(row.locator(".hold")).to_contain_text("拼团还差 1 人")
    expect(row.locator("input[name=tracking_no]")).to_have_count(0)
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "merchant-held-order-390.png"), full_page=True)


def test_server_error_page(browser_page: Any) -> None:
    from playwright.sync_api import expect

    page = browser_page
    _phone(page)
    request = RequestFactory().get("/")
    request.request_id = "3f9a2c7e1b5d4a60"  # type: ignore[attr-defined]
    page.set_content(server_error(request).content.decode())
    expect(page.locator("#request-id")).to_have_text("3f9a2c7e1b5d4a60")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "server-error-390.png"), full_page=True)
