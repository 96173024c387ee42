"""The privacy page in a real browser at phone width (390 px, Debian's Chromium through Playwright): a member
exports their data (JSON and Excel download), then deletes their account with an SMS code; after the grace
period their post shows "已注销用户" and their order stays in the merchant's order list without their name and
phone. Screenshots in test-artifacts/ (privacy-*.png)."""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any

import pytest

from conftest import ARTIFACTS, browser_login, make_user
from quanzi.aftersales.tests.helpers import delivered_order, shop
from quanzi.catalog.tests import factories as f
from quanzi.privacy import jobs, sms
from quanzi.privacy.models import DeletionRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_member_exports_data_then_deletes_account_at_phone_width(browser_page: Any) -> None:
    from playwright.sync_api import expect

    member = make_user("小美")
    phone = member.phone
    merchant, sku = shop(price_fen=8800)
    order = delivered_order(member, merchant, [(sku, 1)], days_ago=30)
    community = f.community(member)
    post = f.post(community, member, title="我的护肤心得")

    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, member, "/me/privacy/")
    expect(page.locator("#consents")).to_contain_text("个性化推荐")
    page.click("#export-start")
    page.wait_for_url("**/me/privacy/")
    expect(page.locator("#export-list")).to_contain_text("可下载")
    with page.expect_download() as download_info:
        page.click("#export-list a:has-text('JSON')")
    path = download_info.value.path()
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    assert data["sections"]["profile"][0]["phone"] == phone
    assert data["sections"]["orders"][0]["number"] == order.number
    with page.expect_download() as xlsx_info:
        page.click("#export-list a:has-text('Excel')")
    assert xlsx_info.value.suggested_filename.endswith(".xlsx")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "privacy-page.png"), full_page=True)

    page.click("#delete-code")
    page.wait_for_url("**/me/privacy/")
    code = next(m.params["code"] for m in reversed(sms.OUTBOX) if m.phone == phone)
    page.fill("#delete-form input[name=code]", code)
    page.screenshot(path=os.path.join(ARTIFACTS, "privacy-delete.png"), full_page=True)
    page.click("#delete-submit")
    page.wait_for_url("**/account-deleted/")
    expect(page.locator("#deleted")).to_contain_text("15 天冷静期")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "privacy-deleted.png"), full_page=True)

    request = DeletionRequest.objects.get(user_id=member.pk)
    assert jobs.deletions_run(now=request.effective_at + dt.timedelta(minutes=1)) == {"done": 1}

    page.goto(f"/p/{post.pk}/")
    expect(page.locator("body")).to_contain_text("已注销用户")
    expect(page.locator("body")).not_to_contain_text("小美")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "privacy-post.png"), full_page=True)

    browser_login(page, merchant.user, "/shop/merchant/?tab=orders")
    row = page.locator(f"#order-{order.pk}")
    expect(row).to_contain_text("已注销用户")
    expect(row).not_to_contain_text(phone)
    expect(row).not_to_contain_text("· ·")  # the erased phone leaves no empty part
    expect(page.locator("body")).not_to_contain_text("小红")  # the address book's receiver name
    expect(page.locator("body")).not_to_contain_text("文三路")
    page.screenshot(path=os.path.join(ARTIFACTS, "privacy-merchant-orders.png"), full_page=True)
