"""The mall pages in a real browser at phone width (390 px, Debian's Chromium through Playwright): the mall page
(three communities, next calendar items, a joint campaign, a partner's offer), a tenant's calendar where the shop
signs up to a campaign without a reload (HTMX), and the joint campaign's page with the tenants' products and a
coupon claimed. Nothing is wider than the screen. Screenshots in test-artifacts/ (mall-*.png)."""

from __future__ import annotations

import datetime as dt
import io
import os
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from conftest import ARTIFACTS, browser_login, make_user
from quanzi.catalog import services as catalog_services
from quanzi.catalog.tests import factories as f
from quanzi.communities.services import community_join
from quanzi.growth.coupons.models import Coupon
from quanzi.malls import services
from quanzi.malls.enums import ItemKind
from quanzi.malls.models import CalendarSignup
from quanzi.malls.tests.helpers import open_mall, partner, shop_coupon, tenant, today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page: Any) -> None:
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 391)
        .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 8)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide


def _picture(color: str) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (240, 240), color).save(buf, "PNG")
    return SimpleUploadedFile("p.png", buf.getvalue(), content_type="image/png")


def test_mall_page_tenant_calendar_and_joint_campaign_at_phone_width(browser_page: Any) -> None:
    from playwright.sync_api import expect

    mall = open_mall(name="万象汇")
    shop = tenant(mall, f.approved_merchant(make_user("优选好物店长")))
    kitchen = tenant(mall)
    hotel = partner(mall)
    festival = services.calendar_item_create(actor=mall.owner, mall=mall, kind=ItemKind.FESTIVAL, title="冬至",
                                             starts_on=today(20), ends_on=today(20), description="美食街饺子宴")
    item = services.calendar_item_create(actor=mall.owner, mall=mall, kind=ItemKind.CAMPAIGN,
                                         title="双十二联合大促", starts_on=today(3), ends_on=today(5),
                                         signup_open=True, signup_deadline=today(2),
                                         description="全场满 300 减 50，报名后在活动页展示商品与店铺券")
    services.calendar_item_create(actor=mall.owner, mall=mall, kind=ItemKind.EVENT, title="中庭圣诞市集",
                                  starts_on=today(14), ends_on=today(17))
    services.notice_post(actor=mall.owner, mall=mall, title="双十二大促筹备会通知", body="周四下午三点五楼会议室")
    now = timezone.now()
    campaign = services.campaign_create(actor=mall.owner, mall=mall, title="双十二联合大促",
                                        intro="万象汇 × 入驻好店：满 300 减 50，叠加店铺券",
                                        starts_at=now - dt.timedelta(hours=2), ends_at=now + dt.timedelta(days=5),
                                        calendar_item_id=item.pk)
    products = []
    for merchant, title, color in ((shop, "山茶花修护面霜", "#e8b4a0"), (shop, "玻尿酸精华", "#a0c4e8"),
                                   (kitchen, "珐琅铸铁锅", "#d9534f")):
        product, _sku = f.product_with_sku(merchant, title=title, price_fen=12800)
        catalog_services.product_image_add(user=merchant.user, product_id=product.pk, image=_picture(color))
        products.append(product)
    coupon = shop_coupon(shop, name="优选好物满200减30")
    services.campaign_join(actor=shop.user, mall=mall, campaign_id=campaign.pk,
                           product_ids=[products[0].pk, products[1].pk], coupon_template_ids=[coupon.pk])
    services.campaign_join(actor=kitchen.user, mall=mall, campaign_id=campaign.pk, product_ids=[products[2].pk])
    hotel_coupon = shop_coupon(hotel.merchant, name="江畔酒店下午茶立减40")
    services.promo_offer(actor=hotel.merchant.user, mall=mall, template_id=hotel_coupon.pk)
    community_join(user=shop.user, community=mall.customer_community)

    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.set_default_timeout(60000)  # the shared test machine can be slow to serve the first pages

    # The mall page: three communities, the calendar's next items, the campaign, the partner's coupon.
    browser_login(page, shop.user, f"/malls/{mall.slug}/")
    expect(page.locator("#mall-communities .ml-community")).to_have_count(3)
    expect(page.locator("#mall-communities")).to_contain_text(mall.tenant_community.name)
    expect(page.locator("#mall-items")).to_contain_text("双十二联合大促")
    expect(page.locator("#mall-items")).to_contain_text(festival.title)
    expect(page.locator("#mall-campaigns")).to_contain_text("2 家商户参加")
    expect(page.locator("#mall-offers")).to_contain_text("江畔酒店下午茶立减40")
    expect(page.locator("#mall-partners")).to_contain_text(hotel.merchant.business_name)
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "mall-page.png"), full_page=True)

    # The member of the customer community claims the partner's coupon from the mall page.
    page.locator("#mall-offers .coupon", has_text="江畔酒店下午茶立减40").get_by_role("button", name="领取").click()
    page.wait_for_url(f"**/malls/{mall.slug}/")
    expect(page.locator(".messages")).to_contain_text("领取成功")
    assert Coupon.objects.filter(user=shop.user, template=hotel_coupon).count() == 1

    # The tenant's calendar: sign the shop up to the campaign without a reload.
    page.click("text=完整日历")
    page.wait_for_url(f"**/malls/{mall.slug}/calendar/")
    expect(page.locator("#mall-notices")).to_contain_text("双十二大促筹备会通知")
    marker = page.evaluate("window.__mallMarker = 1")
    page.click(f"[data-signup='{item.pk}']")
    expect(page.locator(f"[data-signed='{item.pk}']")).to_have_text("本店已报名")
    expect(page.locator(f"#item-{item.pk}")).to_contain_text("已有 1 家店铺报名")
    assert page.evaluate("window.__mallMarker") == 1 and marker == 1  # the same page: no reload
    assert CalendarSignup.objects.filter(item=item, merchant=shop).count() == 1
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "mall-calendar.png"), full_page=True)

    # The joint campaign: each tenant with its products and coupons; a visitor claims the shop coupon.
    page.goto(f"/malls/{mall.slug}/")
    page.click(f"[data-campaign='{campaign.pk}']")
    page.wait_for_url(f"**/malls/{mall.slug}/campaigns/{campaign.pk}/")
    entries = page.locator("#campaign-entries section")
    expect(entries).to_have_count(2)
    expect(entries.nth(0)).to_contain_text("山茶花修护面霜")
    expect(entries.nth(0)).to_contain_text("¥128.00")
    expect(entries.nth(1)).to_contain_text("珐琅铸铁锅")
    expect(page.locator("#campaign-hero")).to_contain_text("进行中")
    broken = page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0).length")
    assert broken == 0
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "mall-campaign.png"), full_page=True)
    entries.nth(0).locator(".coupon", has_text="优选好物满200减30").get_by_role("button", name="领取").click()
    page.wait_for_url(f"**/malls/{mall.slug}/campaigns/{campaign.pk}/")
    expect(page.locator(".messages")).to_contain_text("领取成功")
