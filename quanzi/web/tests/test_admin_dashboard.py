"""The operator's admin home: today's orders, takings and new members, and the queues waiting for the operator,
each linking to the filtered list; menu names told apart; money typed and shown in yuan; specs as text."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from django.test import Client

from conftest import ARTIFACTS, make_user
from quanzi.accounts.models import User
from quanzi.aftersales.tests.helpers import paid_order, shop
from quanzi.catalog import services as catalog
from quanzi.catalog.models import Sku
from quanzi.communities import services as communities
from quanzi.communities.tests.conftest import make_crew
from quanzi.content import services as content


def _operator() -> Client:
    op = User.objects.create_superuser(email="ops@example.com", password="ops-pass-123", nickname="运营小王")
    c = Client()
    c.force_login(op)
    return c


def _figure(html: str, label: str) -> tuple[str, str]:
    """(href, value) of the dashboard figure with this label."""
    m = re.search(r'<a class="qz-figure[^"]*" href="([^"]+)"[^>]*><span class="l">' + re.escape(label)
                  + r'</span><span class="v">([^<]+)</span>', html)
    assert m, f"no figure {label}"
    return m.group(1), m.group(2)


@pytest.mark.django_db
def test_dashboard_counts_today_and_the_queues_and_links_to_them():
    merchant, sku = shop(price_fen=12_800)
    paid_order(make_user("买家"), [(sku, 1)])
    crew = make_crew()
    post = content.post_create(author=crew.kol, community=crew.community, body="可疑的帖子")
    communities.report_create(reporter=crew.member, community=crew.community, target_type="post",
                              target_id=post.pk, reason="垃圾广告")
    ops = _operator()
    html = ops.get("/admin/").content.decode()
    assert "<strong>运营小王</strong>" in html  # the greeting has a name
    href, value = _figure(html, "今日订单")
    assert value == "1" and ops.get(href).status_code == 200
    assert _figure(html, "今日成交额")[1] == "¥128.00"
    assert int(_figure(html, "今日新注册")[1]) >= 6
    href, value = _figure(html, "待处理举报")
    assert value == "1" and href == "/admin/communities/report/?status__exact=open"
    assert "垃圾广告" in ops.get(href).content.decode()
    assert _figure(html, "待审核商家入驻")[1] == "0"
    assert 'class="qz-figure waiting"' in html  # a queue with work waiting stands out
    # two models called 结算单 are told apart in the menu
    assert "结算单（下单批次）" in html and "商家结算单" in html


@pytest.mark.django_db
def test_money_is_typed_in_yuan_and_specs_as_text():
    merchant, sku = shop(price_fen=12_800)
    ops = _operator()
    product = sku.product
    page = ops.get(f"/admin/catalog/product/{product.pk}/change/").content.decode()
    assert 'value="128.00"' in page and "价格（元）" in page
    form = {k: v for k, v in re.findall(r'<input[^>]+name="([^"]+)"[^>]+value="([^"]*)"', page)}
    assert form["skus-0-price_fen"] == "128.00"
    # the operator changes the price to ¥99.50 and the spec, both in their own words
    data: dict[str, Any] = {k: v for k, v in form.items() if not k.startswith("_")}
    data.update({"skus-0-price_fen": "99.5", "skus-0-spec": "颜色：红 / 尺码：M", "_save": "保存"})
    for name in re.findall(r'<select[^>]+name="([^"]+)"', page):
        chosen = re.search(r'<select[^>]+name="' + re.escape(name) + r'"[^>]*>.*?<option value="([^"]*)"[^>]*selected',
                           page, re.S)
        data[name] = chosen.group(1) if chosen else ""
    for name, text in re.findall(r'<textarea[^>]+name="([^"]+)"[^>]*>\s*(.*?)</textarea>', page, re.S):
        data.setdefault(name, text)
    data["skus-0-spec"] = "颜色：红 / 尺码：M"
    r = ops.post(f"/admin/catalog/product/{product.pk}/change/", data, follow=True)
    assert r.status_code == 200, r.content.decode()[:500]
    errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', r.content.decode(), re.S)
    assert not errors, errors
    sku = Sku.objects.get(pk=sku.pk)
    assert sku.price_fen == 9950 and sku.spec == {"颜色": "红", "尺码": "M"}
    # a wrong amount is refused in words, and nothing changes
    data["skus-0-price_fen"] = "12.345"
    bad = ops.post(f"/admin/catalog/product/{product.pk}/change/", data).content.decode()
    assert "请输入以元为单位的金额" in bad
    assert Sku.objects.get(pk=sku.pk).price_fen == 9950
    assert catalog  # the product came from the catalog services (shop helper)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_dashboard_screenshot(browser_page: Any) -> None:
    from playwright.sync_api import expect

    merchant, sku = shop(price_fen=4_590)
    paid_order(make_user("买家"), [(sku, 2)])
    User.objects.create_superuser(email="ops@example.com", password="ops-pass-123", nickname="运营小王")
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/admin/login/?next=/admin/")
    page.fill("input[name=username]", "ops@example.com")
    page.fill("input[name=password]", "ops-pass-123")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    expect(page.locator("#dashboard")).to_contain_text("¥91.80")
    expect(page.locator("#user-tools")).to_contain_text("运营小王")
    page.screenshot(path=os.path.join(ARTIFACTS, "admin-dashboard.png"), full_page=False)
