"""Sharing a post in a real browser at phone width (390 px): the share button opens the box with the link, a copy
button and the link's QR code, all inside the screen. Screenshot in test-artifacts/share-box.png."""

from __future__ import annotations

import os
from typing import Any

import pytest

from conftest import ARTIFACTS, browser_login, make_user
from quanzi.catalog.tests import factories as f
from quanzi.content.models import Share

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_shares_a_post_and_gets_its_link_and_qr_code(browser_page: Any) -> None:
    from playwright.sync_api import expect

    member = make_user("小跑")
    community = f.community(member)
    post = f.post(community, member, title="晨跑十公里")
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, member, f"/p/{post.pk}/")
    page.click(f"button[hx-post='/p/{post.pk}/share/']")
    box = page.locator(f"#share-{post.pk} .share-box")
    expect(box.locator("svg")).to_be_visible()
    share = Share.objects.get(post=post, sharer=member)
    expect(box.locator("input[data-share-url]")).to_have_value(f"{page.url.split('/p/')[0]}/s/{share.token}/")
    box.locator("button[data-copy-target]").click()
    expect(box.locator("button[data-copy-target]")).to_have_text("已复制")
    qr = box.locator("svg").bounding_box()
    assert qr is not None and qr["width"] >= 150 and qr["x"] + qr["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box.scroll_into_view_if_needed()
    page.screenshot(path=os.path.join(ARTIFACTS, "share-box.png"), full_page=True)
