"""我的画像 in a real browser at phone width (390 px): a member sees their tags with the reasons, switches one off,
and the segment built on that tag counts one member fewer (the owner's live count). Screenshots in
test-artifacts/personas-*.png."""

from __future__ import annotations

import os
from typing import Any

import pytest

from conftest import ARTIFACTS, browser_login, make_user
from quanzi.catalog.tests import factories as f
from quanzi.personas import services
from quanzi.personas.tests.helpers import browse_products, shop_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_switches_a_tag_off_and_leaves_the_segment(browser_page: Any) -> None:
    from playwright.sync_api import expect

    _m, product, _sku = shop_in("护肤")
    c = f.community()
    member, friend = make_user("小红"), make_user("小绿")
    for u in (member, friend):
        f.add_member(c, u)
        browse_products(u, product, 12)
        services.persona_refresh(user_id=u.pk)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})

    # The owner's builder: two members hold 偏好类目：护肤
    browser_login(page, c.owner, f"/segments/?community={c.pk}")
    page.get_by_label("偏好类目：护肤").check()
    expect(page.locator("#segment-count-value")).to_have_attribute("data-count", "2")

    # The member's page: the tag with its reason; switch it off
    browser_login(page, member, "/me/persona/")
    tag = page.locator(".persona-tag", has_text="偏好类目：护肤")
    expect(tag).to_contain_text("浏览 12 次")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=os.path.join(ARTIFACTS, "personas-me.png"), full_page=True)
    tag.get_by_role("button", name="关闭：偏好类目：护肤").click()
    expect(page.locator(".persona-tag.off", has_text="偏好类目：护肤")).to_contain_text("已关闭")
    page.screenshot(path=os.path.join(ARTIFACTS, "personas-me-off.png"), full_page=True)

    # Back in the builder: the count is one
    browser_login(page, c.owner, f"/segments/?community={c.pk}")
    page.get_by_label("偏好类目：护肤").check()
    expect(page.locator("#segment-count-value")).to_have_attribute("data-count", "1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=os.path.join(ARTIFACTS, "personas-segments.png"), full_page=True)
