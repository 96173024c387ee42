"""/api/v1/malls and the mall pages: who may call what (mall A's operator on mall B: 403 `not_mall_operator`,
nothing changes), the mall page's content, the calendar's sign-up (HTMX fragment) and the campaign page."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import api_client, make_user
from quanzi.catalog.tests import factories as f
from quanzi.communities.services import community_join
from quanzi.malls import services
from quanzi.malls.enums import ItemKind
from quanzi.malls.models import (
    CalendarItem,
    CalendarSignup,
    CampaignEntry,
    JointCampaign,
    MallAction,
    MallTenant,
)
from quanzi.malls.tests.helpers import shop_coupon, today, world

pytestmark = pytest.mark.django_db


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_an_operator_of_mall_a_is_refused_on_mall_b_through_the_api() -> None:
    w = world()
    a_op = api_client(w.mall.owner)
    b = w.other_mall
    before = (CalendarItem.objects.count(), MallTenant.objects.filter(mall=b).count(),
              MallAction.objects.filter(mall=b).count(), JointCampaign.objects.count())
    calls = [
        (f"/api/v1/malls/{b.slug}/calendar", {"kind": "festival", "title": "圣诞", "starts_on": str(today(1)),
                                              "ends_on": str(today(2))}),
        (f"/api/v1/malls/{b.slug}/tenants", {"merchant_id": w.shop.pk}),
        (f"/api/v1/malls/{b.slug}/notices", {"title": "通知", "body": "内容"}),
        (f"/api/v1/malls/{b.slug}/campaigns", {"title": "大促", "starts_at": timezone.now().isoformat(),
                                               "ends_at": (timezone.now() + dt.timedelta(days=1)).isoformat()}),
    ]
    for url, body in calls:
        r = _post(a_op, url, body)
        assert r.status_code == 403, (url, r.content)
        assert r.json()["code"] == "not_mall_operator"
    assert (CalendarItem.objects.count(), MallTenant.objects.filter(mall=b).count(),
            MallAction.objects.filter(mall=b).count(), JointCampaign.objects.count()) == before
    # and on its own mall the same calls work
    r = _post(a_op, f"/api/v1/malls/{w.mall.slug}/calendar", calls[0][1])
    assert r.status_code == 201 and r.json()["title"] == "圣诞"


def test_only_staff_open_a_mall() -> None:
    owner = make_user()
    body = {"owner_id": owner.pk, "name": "来福士", "slug": "raffles", "address": "杭州市江干区"}
    r = _post(api_client(owner), "/api/v1/malls", body)
    assert r.status_code == 403 and r.json()["code"] == "mall_not_staff"
    r = _post(api_client(f.operator()), "/api/v1/malls", body)
    assert r.status_code == 201
    assert [c["kind"] for c in r.json()["communities"]] == ["customer", "tenant", "partner"]


def test_mall_page_calendar_signup_and_campaign_through_the_api() -> None:
    w = world()
    mall = w.mall
    item = services.calendar_item_create(actor=mall.owner, mall=mall, kind=ItemKind.CAMPAIGN, title="圣诞季",
                                         starts_on=today(5), ends_on=today(8), signup_open=True)
    r = Client().get(f"/api/v1/malls/{mall.slug}")
    assert r.status_code == 200
    assert [i["title"] for i in r.json()["items"]] == ["圣诞季"]
    # the calendar: visitors 401, a member who is no tenant 403, a tenant sees it and signs up
    assert Client().get(f"/api/v1/malls/{mall.slug}/calendar").status_code == 401
    r = api_client(make_user()).get(f"/api/v1/malls/{mall.slug}/calendar")
    assert r.status_code == 403 and r.json()["code"] == "not_mall_tenant"
    shop = api_client(w.shop.user)
    r = _post(shop, f"/api/v1/malls/{mall.slug}/calendar/{item.pk}/signups", {"note": "参加"})
    assert r.status_code == 201
    r = _post(shop, f"/api/v1/malls/{mall.slug}/calendar/{item.pk}/signups", {})
    assert r.status_code == 409 and r.json()["code"] == "mall_already_signed_up"
    assert shop.get(f"/api/v1/malls/{mall.slug}/calendar").json()[0]["signed_up"] is True
    # a joint campaign
    cream, _sku = f.product_with_sku(w.shop, title="山茶花面霜")
    coupon = shop_coupon(w.shop)
    r = _post(api_client(mall.owner), f"/api/v1/malls/{mall.slug}/campaigns", {
        "title": "双十二", "starts_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        "ends_at": (timezone.now() + dt.timedelta(days=2)).isoformat(), "calendar_item_id": item.pk})
    assert r.status_code == 201
    campaign_id = r.json()["id"]
    r = _post(shop, f"/api/v1/malls/{mall.slug}/campaigns/{campaign_id}/entries",
              {"product_ids": [cream.pk], "coupon_template_ids": [coupon.pk]})
    assert r.status_code == 200, r.content
    r = _post(shop, f"/api/v1/malls/{mall.slug}/campaigns/{campaign_id}/entries", {"product_ids": [True]})
    assert r.status_code == 422  # strict input: a boolean is no product id
    r = Client().get(f"/api/v1/malls/{mall.slug}/campaigns/{campaign_id}")
    entry = r.json()["entries"][0]
    assert entry["products"][0]["title"] == "山茶花面霜" and entry["coupons"][0]["template_id"] == coupon.pk
    assert CampaignEntry.objects.get().products.count() == 1
    # a cross-promotion coupon from the partner, on the mall page for its customers
    hotel_coupon = shop_coupon(w.hotel.merchant, name="酒店早餐券")
    r = _post(api_client(w.hotel.merchant.user), f"/api/v1/malls/{mall.slug}/promotions",
              {"template_id": hotel_coupon.pk})
    assert r.status_code == 201 and r.json()["direction"] == "to_mall"
    assert [o["name"] for o in Client().get(f"/api/v1/malls/{mall.slug}").json()["offers"]] == ["酒店早餐券"]


def test_pages() -> None:
    w = world()
    mall = w.mall
    item = services.calendar_item_create(actor=mall.owner, mall=mall, kind=ItemKind.CAMPAIGN, title="圣诞季",
                                         starts_on=today(5), ends_on=today(8), signup_open=True)
    r = Client().get(f"/malls/{mall.slug}/")
    assert r.status_code == 200
    html = r.content.decode()
    for text in ("万象城", mall.customer_community.name, mall.tenant_community.name, mall.partner_community.name,
                 "圣诞季"):
        assert text in html
    assert Client().get("/malls/nope/").status_code == 404
    # the calendar: login needed; a member who is no tenant gets 403
    assert Client().get(f"/malls/{mall.slug}/calendar/").status_code == 302
    stranger = Client()
    stranger.force_login(make_user())
    assert stranger.get(f"/malls/{mall.slug}/calendar/").status_code == 403
    tenant = Client()
    tenant.force_login(w.shop.user)
    r = tenant.get(f"/malls/{mall.slug}/calendar/")
    assert r.status_code == 200 and f'data-signup="{item.pk}"' in r.content.decode()
    r = tenant.post(f"/malls/{mall.slug}/calendar/{item.pk}/signup/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and f'data-signed="{item.pk}"' in r.content.decode()
    r = tenant.post(f"/malls/{mall.slug}/calendar/{item.pk}/signup/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "你的店铺已报名该活动" in r.content.decode()
    assert CalendarSignup.objects.count() == 1
    # the partner's page shows a tenant's coupon for its guests
    coupon = shop_coupon(w.shop2, name="住客满100减15")
    services.promo_offer(actor=w.shop2.user, mall=mall, template_id=coupon.pk, partner_id=w.hotel.pk)
    r = Client().get(f"/malls/{mall.slug}/partners/{w.hotel.pk}/")
    assert r.status_code == 200 and "住客满100减15" in r.content.decode()
    # a member of the customer community sees the joined tag
    member = make_user()
    community_join(user=member, community=mall.customer_community)
    c = Client()
    c.force_login(member)
    assert "已加入" in c.get(f"/malls/{mall.slug}/").content.decode()
