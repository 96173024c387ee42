"""The invite pages in a real browser at phone width (390 px, Debian's Chromium through Playwright): my invite
page with its link, QR code and poster; the landing page of a product invite link, then signing up from it binds
the new member; a community's leaderboard. Nothing is wider than the screen. Screenshots in test-artifacts/
(invites-*.png)."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.utils import timezone

from conftest import ARTIFACTS, browser_login, make_user
from quanzi.accounts.models import User
from quanzi.catalog.tests import factories as f
from quanzi.communities import services as community_services
from quanzi.referrals.invites import selectors, services
from quanzi.referrals.invites.enums import BindSource
from quanzi.referrals.invites.models import InviteOutcome

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page: Any) -> None:
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 391)
        .map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))
        .slice(0, 8)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide


def test_invite_landing_signup_and_leaderboard_at_phone_width(browser_page: Any) -> None:
    from playwright.sync_api import expect

    inviter = make_user("小红")
    community = community_services.community_create(owner=inviter, name="护肤研究社", slug="skin-lab",
                                                    vertical="beauty", positioning="成分党的护肤交流")
    product, _sku = f.product_with_sku(f.approved_merchant(), price_fen=12800, title="云南古树普洱茶饼 357g")
    friend = make_user("阿花")
    binding = services.referral_bind(invitee=friend, inviter_id=inviter.pk, source=BindSource.LINK,
                                     community_id=community.pk, at_signup=True)
    assert binding is not None
    InviteOutcome.objects.create(invitee=friend, inviter=inviter, binding=binding, community_id=community.pk,
                                 order_id=424242, order_payable_fen=12800, paid_at=timezone.now())
    code = services.invite_code_ensure(user=inviter)

    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, inviter, "/invite/")
    expect(page.locator("#my-code")).to_have_text(code)
    expect(page.locator("#invite-qr svg")).to_be_visible()
    expect(page.locator("#my-invitees")).to_contain_text("阿花")
    expect(page.locator("#my-invitees")).to_contain_text("首单已付款")
    page.click("text=护肤研究社")
    page.wait_for_url("**/invite/?kind=community*")
    expect(page.locator("#target-title")).to_have_text("护肤研究社")
    poster = page.locator("#invite-poster img")
    poster.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('#invite-poster img').naturalWidth === 750")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "invites-page.png"), full_page=True)

    page.context.clear_cookies()
    page.goto(f"/i/{code}/p/{product.pk}/")
    expect(page.locator("#invite-landing")).to_contain_text("小红 邀请你加入圈子")
    expect(page.locator("#invite-target")).to_contain_text("¥128.00")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "invites-landing.png"), full_page=True)
    page.click("#signup-invited")
    expect(page.locator("input[name=invite_code]")).to_have_value(code)
    page.fill("input[name=login]", "13922223333")
    page.fill("input[name=nickname]", "新朋友")
    page.fill("input[name=password]", "pass-word-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"**/shop/p/{product.pk}/")
    assert selectors.inviter_of(user_id=User.objects.get(phone="13922223333").pk) == inviter.pk

    page.goto("/invite/top/skin-lab/")
    expect(page.locator("#leaderboard [data-rank='1']")).to_contain_text("小红")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "invites-leaderboard.png"), full_page=True)
