"""The KOL marketplace in a real browser at 390 px (Debian's Chromium through Playwright): a merchant filters the
directory down to a beauty KOL (HTMX re-renders the list in place), proposes a deal on a product at 25 %; the KOL
accepts on the deal page; a member taps the product card on the KOL's post, buys and pays (through the services);
the merchant's deal page shows the credited order and the KOL's commission at the deal's rate."""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

import pytest

from conftest import ARTIFACTS, browser_login, make_user
from quanzi.accounts.services import follow
from quanzi.catalog import services as catalog
from quanzi.catalog.tests import factories as f
from quanzi.communities.enums import Role
from quanzi.communities.models import Community
from quanzi.content import services as content
from quanzi.kolmarket import services
from quanzi.kolmarket.enums import DealStatus
from quanzi.kolmarket.models import Deal, DealCredit
from quanzi.orders.tests.helpers import place
from quanzi.payments import services as payments
from quanzi.payments.tests.helpers import pay_with_sandbox
from quanzi.referrals.distribution.models import CommissionEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_find_a_kol_propose_accept_buy_and_see_the_commission(browser_page: Any) -> None:
    from playwright.sync_api import expect

    merchant = f.approved_merchant()
    product, sku = f.product_with_sku(merchant, price_fen=12800, stock=20, title="山茶花修护面霜")
    beauty = f.community()
    kol = make_user("护肤小鹿")
    f.add_member(beauty, kol, Role.KOL)
    for i in range(3):
        follow(follower=make_user(f"粉丝{i}"), followee_id=kol.pk)
    services.profile_join(user=kol, bio="敏感肌护肤，空瓶测评")
    gym = f.community()
    Community.objects.filter(pk=gym.pk).update(vertical="fitness")
    coach = make_user("撸铁阿强")
    f.add_member(gym, coach, Role.KOL)
    for i in range(5):
        follow(follower=make_user(f"铁粉{i}"), followee_id=coach.pk)
    services.profile_join(user=coach, bio="增肌减脂训练")
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})

    # The merchant filters the directory to beauty KOLs (HTMX: the list is replaced in place).
    browser_login(page, merchant.user, "/kol-market/")
    expect(page.locator("#kol-count")).to_contain_text("2")
    page.evaluate("window.__sameDocument = true")
    page.select_option("#f-vertical", "beauty")
    expect(page.locator(f"#kol-{coach.pk}")).to_have_count(0)
    expect(page.locator(f"#kol-{kol.pk}")).to_be_visible()
    assert page.evaluate("window.__sameDocument === true")
    expect(page.locator(f"#kol-{kol.pk} .kol-followers")).to_have_text("3")
    page.screenshot(path=os.path.join(ARTIFACTS, "kolmarket-directory.png"), full_page=True)

    # ... and proposes a deal on the product at 25 %.
    page.click(f"#propose-{kol.pk}")
    page.wait_for_url(f"**/kol-market/kols/{kol.pk}/propose/")
    page.get_by_label("山茶花修护面霜").check()
    page.fill("input[name=rate]", "25")
    page.fill("input[name=fee]", "300")
    page.fill("input[name=posts]", "1")
    page.fill("textarea[name=message]", "新品面霜想请你种草，合作期一个月")
    page.screenshot(path=os.path.join(ARTIFACTS, "kolmarket-proposal.png"), full_page=True)
    page.click("#propose-submit")
    page.wait_for_url("**/kol-market/deals/*/")
    deal = Deal.objects.get()
    expect(page.locator("#deal-status")).to_have_text("待达人回复")

    # The KOL accepts on the deal page.
    browser_login(page, kol, "/kol-market/deals/?side=kol")
    page.click(f"#deal-{deal.pk} a")
    page.wait_for_url(f"**/kol-market/deals/{deal.pk}/")
    page.click("#deal-accept")
    expect(page.locator("#deal-status")).to_have_text("合作中")
    deal.refresh_from_db()
    assert deal.status == DealStatus.ACCEPTED and deal.commission_rate == Decimal("0.25")

    # The KOL posts about the product; a member taps its card, buys and pays.
    post = content.post_create(author=kol, community=beauty, title="换季修护空瓶记", body="敏感肌也能用的面霜")
    catalog.post_product_attach(user=kol, post_id=post.pk, product_id=product.pk)
    buyer = make_user("小红")
    # (the purchase goes through the services: the card tap is the touch the order's credit reads)
    catalog.product_card_click(user=buyer, post_id=post.pk, product_id=product.pk)
    order = place(buyer, [(sku.pk, 1)]).orders.get()
    assert pay_with_sandbox(payments.payment_create(user=buyer, order_id=order.pk, gateway="sandbox")).ok

    credit = DealCredit.objects.get(deal=deal)
    accrual = CommissionEntry.objects.get(order_line_id=credit.order_line_id, level=1, kind="accrue")
    assert accrual.rate == Decimal("0.25") and accrual.amount_fen == 3200  # 25 % of ¥128

    # The merchant's deal page shows the credited order and the commission under the deal.
    browser_login(page, merchant.user, f"/kol-market/deals/{deal.pk}/")
    expect(page.locator(".credited-row")).to_have_count(1)
    expect(page.locator(".credited-commission")).to_have_text("¥32.00")
    expect(page.locator("#deal-commission")).to_have_text("¥32.00")
    expect(page.locator("#deliverables-state")).to_contain_text("1/1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=os.path.join(ARTIFACTS, "kolmarket-deal.png"), full_page=True)
