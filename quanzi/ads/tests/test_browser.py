"""The ad pages in a real browser at phone width (390 px, Debian's Chromium through Playwright): a merchant makes
a campaign from the form and submits it, an operator approves it, members see it in the community feed labelled
广告 and one clicks through to the product and buys it; the campaign page shows the report (impressions, clicks,
CTR, credited order, spend, ROI); the operators' revenue mix draws its chart with every line. Nothing is wider
than the screen. Screenshots in test-artifacts/ (ads-*.png)."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from typing import Any

import pytest
from django.utils import timezone

from conftest import ARTIFACTS, browser_login, make_user
from quanzi.ads import services
from quanzi.ads.models import AdCampaign, AdConversion
from quanzi.ads.tests.helpers import campaign, pay, topped_up
from quanzi.catalog.tests import factories as f
from quanzi.loyalty.membership.tests.helpers import buy
from quanzi.orders import services as orders
from quanzi.orders.tests.helpers import address
from quanzi.settlements import services as settlements
from quanzi.settlements.periods import Period

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page: Any) -> None:
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 391)
        .map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))
        .slice(0, 8)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide


def _png(tmp_path: Any) -> str:
    from PIL import Image

    path = os.path.join(str(tmp_path), "banner.png")
    Image.new("RGB", (480, 320), (226, 72, 61)).save(path)
    return path


def test_a_merchant_runs_a_campaign_members_see_it_labelled_and_the_report_counts(browser_page: Any,
                                                                                  tmp_path: Any) -> None:
    from playwright.sync_api import expect

    merchant = topped_up(50_000)
    product, sku = f.product_with_sku(merchant, price_fen=12_800, stock=20, title="山茶花保湿面霜")
    group = f.community()
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})

    browser_login(page, merchant.user, "/ads/")
    expect(page.locator("#balance")).to_have_text("¥500.00")
    page.click("#new-campaign")
    page.fill("input[name=name]", "春季新品推广")
    page.select_option("select[name=placement]", "feed")
    page.select_option("select[name=billing]", "cpc")
    page.fill("input[name=price]", "0.80")
    page.fill("input[name=budget]", "200")
    page.fill("input[name=title]", "山茶花面霜 第二件半价")
    page.set_input_files("input[name=image]", _png(tmp_path))
    page.select_option("select[name=target]", f"product:{product.pk}")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "ads-campaign-form.png"), full_page=True)
    page.click("#save-campaign")
    ad = AdCampaign.objects.get()
    page.wait_for_url(f"**/ads/{ad.pk}/")
    page.click("#submit-campaign")
    expect(page.locator("#campaign-status")).to_have_attribute("data-status", "pending")
    services.campaign_review(operator=f.operator(), campaign_id=ad.pk, approve=True)

    # a member sees it in the community feed, labelled 广告, and clicks through to the product
    buyer = make_user("小雅")
    f.add_member(group, buyer)
    browser_login(page, buyer, f"/c/{group.slug}/")
    slot = page.locator(".ad-slot")
    expect(slot).to_be_visible()
    expect(slot.locator(".ad-label")).to_have_text("广告")
    expect(slot).to_contain_text("山茶花面霜 第二件半价")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "ads-feed-slot.png"), full_page=False)
    slot.locator("a.ad-link").click()
    page.wait_for_url(f"**/shop/p/{product.pk}/")
    checkout = orders.order_place(user=buyer, address_id=address(buyer).pk, idempotency_key=uuid.uuid4().hex,
                                  items=[(sku.pk, 1)])
    pay(buyer, checkout.orders.get().pk)
    assert AdConversion.objects.filter(campaign=ad).count() == 1
    for i in range(3):  # three more members see it, without clicking
        viewer = make_user(f"路过{i}")
        services.impression_record(campaign_id=ad.pk, user=viewer, placement="feed")

    browser_login(page, merchant.user, f"/ads/{ad.pk}/")
    expect(page.locator("#campaign-status")).to_have_attribute("data-status", "active")
    expect(page.locator("#r-impressions")).to_have_text("4")
    expect(page.locator("#r-clicks")).to_have_text("1")
    expect(page.locator("#r-ctr")).to_have_text("25.00%")
    expect(page.locator("#r-orders")).to_have_text("1")
    expect(page.locator("#r-spent")).to_have_text("¥0.80")
    expect(page.locator("#r-roi")).to_have_text("160.00")  # ¥128.00 credited / ¥0.80
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "ads-campaign-report.png"), full_page=True)


def test_the_revenue_mix_dashboard_shows_every_line(browser_page: Any) -> None:
    from playwright.sync_api import expect

    merchant = topped_up()
    product, sku = f.product_with_sku(merchant, price_fen=9_900, stock=10)
    ad = campaign(merchant, product=product, target_product_id=product.pk, billing="cpm", price_fen=20_000,
                  budget_fen=20_000, placement="home")
    for _ in range(30):
        services.impression_record(campaign_id=ad.pk, user=None, placement="home")
    buyer = make_user("买家")
    checkout = orders.order_place(user=buyer, address_id=address(buyer).pk, idempotency_key=uuid.uuid4().hex,
                                  items=[(sku.pk, 2)])
    pay(buyer, checkout.orders.get().pk)
    today = timezone.localdate()
    settlements.statements_generate(period=Period(today - dt.timedelta(days=1), today + dt.timedelta(days=1)))
    member_order = buy(make_user("会员"), "plus-monthly")
    orders.moments_dispatch_due(older_than_seconds=0, order_id=member_order.pk)

    operator = f.operator()
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, operator, "/ads/revenue/")
    expect(page.locator("#revenue-chart")).to_have_attribute("data-ready", "1")
    for key in ("commission", "membership", "ads"):
        row = page.locator(f"#line-{key}")
        assert int(row.get_attribute("data-window") or 0) > 0, key
        expect(row.locator(".ok-mark")).to_be_visible()
    expect(page.locator("#line-ads")).to_contain_text("¥6.00")  # 30 impressions at ¥200 per thousand
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "ads-revenue-mix.png"), full_page=True)
