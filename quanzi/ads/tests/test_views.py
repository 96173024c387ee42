"""The ad pages through the test client: the merchant's centre, a campaign made from the form, its page with the
report; the slot HTMX fills on the feed, labelled 广告, and the click that is billed and goes on to the product;
the review queue and the revenue mix for operators only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_user
from quanzi.ads.enums import CampaignStatus
from quanzi.ads.models import AdCampaign, AdEvent
from quanzi.ads.tests.helpers import campaign, topped_up
from quanzi.catalog.tests import factories as f

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_a_merchant_makes_a_campaign_from_the_form_and_submits_it() -> None:
    merchant = topped_up(20_000)
    product, _sku = f.product_with_sku(merchant)
    c = _client(merchant.user)
    page = c.get("/ads/")
    assert page.status_code == 200 and "¥200.00" in page.content.decode()
    local = timezone.localtime()
    form = {"name": "夏季防晒", "title": "防晒霜买一送一", "placement": "feed", "billing": "cpc", "price": "0.50",
            "budget": "100", "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (local + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"), "frequency_cap": "3",
            "target": f"product:{product.pk}", "image": f.png_upload()}
    r = c.post("/ads/new/", form)
    assert r.status_code == 302
    ad = AdCampaign.objects.get()
    assert (ad.budget_fen, ad.price_fen, ad.status) == (10_000, 50, CampaignStatus.DRAFT)
    r = c.post(f"/ads/{ad.pk}/submit/")
    ad.refresh_from_db()
    assert r.status_code == 302 and ad.status == CampaignStatus.PENDING
    body = c.get(f"/ads/{ad.pk}/").content.decode()
    assert "待审核" in body and "投放效果" in body
    bad = c.post("/ads/new/", {**form, "budget": "0", "image": f.png_upload()})
    assert bad.status_code == 400 and "预算须在" in bad.content.decode()


def test_another_merchants_campaign_page_is_refused() -> None:
    ad = campaign(topped_up())
    stranger = f.approved_merchant()
    r = _client(stranger.user).get(f"/ads/{ad.pk}/")
    assert r.status_code == 403 and "campaign_not_yours" in r.content.decode()
    r = _client(make_user("路人")).get("/ads/")
    assert r.status_code == 403


def test_the_feed_slot_shows_a_labelled_ad_and_the_click_goes_to_the_product() -> None:
    merchant = topped_up()
    group = f.community()
    product, _sku = f.product_with_sku(merchant)
    ad = campaign(merchant, product=product, target_product_id=product.pk, price_fen=20)
    member = make_user("刷信息流的")
    c = _client(member)
    feed = c.get(f"/c/{group.slug}/").content.decode()
    assert f'hx-get="/ads/slot/feed/?community={group.pk}"' in feed
    slot = c.get(f"/ads/slot/feed/?community={group.pk}", HTTP_HX_REQUEST="true").content.decode()
    assert "广告" in slot and ad.title in slot and 'rel="sponsored nofollow"' in slot
    token = AdEvent.objects.get(kind="impression").token
    r = c.get(f"/ads/c/{token}/")
    assert r.status_code == 302 and r["Location"] == f"/shop/p/{product.pk}/"
    c.get(f"/ads/c/{token}/")  # twice: billed once
    ad.refresh_from_db()
    assert ad.spent_fen == 20 and AdEvent.objects.filter(kind="click").count() == 1
    assert c.get("/ads/c/nonsense/")["Location"] == "/"


def test_home_search_and_product_pages_carry_their_slots() -> None:
    merchant = topped_up()
    product, _sku = f.product_with_sku(merchant)
    c = Client()
    assert 'hx-get="/ads/slot/home/"' in c.get("/").content.decode()
    assert 'hx-get="/ads/slot/search/"' in c.get("/search/?q=面霜").content.decode()
    assert f'hx-get="/ads/slot/product/?product={product.pk}"' in c.get(f"/shop/p/{product.pk}/").content.decode()
    assert c.get("/ads/slot/home/").content == b""  # no campaign: nothing at all


def test_review_queue_and_revenue_mix_are_for_operators() -> None:
    ad = campaign(topped_up(), approve=False)
    member = _client(make_user("会员"))
    assert member.get("/ads/revenue/").status_code == 302
    assert member.get("/ads/review/").status_code == 302
    operator = _client(f.operator())
    assert ad.title in operator.get("/ads/review/").content.decode()
    r = operator.post("/ads/review/", {"campaign": ad.pk, "decision": "approve"})
    ad.refresh_from_db()
    assert r.status_code == 302 and ad.status == CampaignStatus.ACTIVE
    body = operator.get("/ads/revenue/?days=7").content.decode()
    assert 'id="revenue-data"' in body and 'id="line-ads"' in body and 'id="line-commission"' in body
