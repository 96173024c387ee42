"""The merchant console and the KOL centre in a real browser at 390 px, with screenshots in test-artifacts/:
a merchant creates a product with two SKUs and a picture and ships a batch of orders from a sheet; a KOL sees the
order their post led to on the KOL centre, with its chart."""

from __future__ import annotations

import csv
import io
import os
from typing import Any

import pytest
from PIL import Image

from conftest import ARTIFACTS, browser_login, make_user
from quanzi.catalog import services as catalog
from quanzi.catalog.models import Product
from quanzi.catalog.tests import factories as f
from quanzi.communities.enums import Role
from quanzi.orders import services as orders
from quanzi.orders.models import Order, Shipment
from quanzi.orders.tests.helpers import place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-1"  # conftest.make_user's


def _phone(page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})


def _fits(page: Any) -> None:
    """Nothing wider than the phone: no sideways scrolling of the page."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (480, 480), (226, 72, 61)).save(buf, "JPEG")
    return buf.getvalue()


def _paid(merchant: Any, title: str, price_fen: int) -> Order:
    _p, sku = f.product_with_sku(merchant, price_fen=price_fen, title=title)
    o = place(make_user("买家"), [(sku.pk, 1)]).orders.get()
    orders.order_mark_paid(order_id=o.pk, amount_fen=o.payable_fen, payment_ref=f"b{o.pk}")
    return o


def test_merchant_creates_a_product_with_two_skus_and_a_picture_and_ships_a_batch(browser_page: Any) -> None:
    from playwright.sync_api import expect

    page = browser_page
    _phone(page)
    merchant = f.approved_merchant()
    f.category("运动户外")
    first, second = _paid(merchant, "轻量跑步帽", 5900), _paid(merchant, "压缩运动袜", 3900)

    browser_login(page, merchant.user, "/shop/merchant/products/", password=PASSWORD)
    page.click("#product-new")
    page.wait_for_url("**/shop/merchant/products/new/")
    page.fill("input[name=title]", "速干跑步T恤")
    page.select_option("select[name=category]", label="运动户外")
    page.fill("textarea[name=description]", "轻薄透气，夏季长跑不闷汗。")
    page.set_input_files("input[name=images]", files=[{"name": "tee.jpg", "mimeType": "image/jpeg",
                                                       "buffer": _jpeg()}])
    page.fill("input[name=sku-0-spec]", "颜色:黑 尺码:M")
    page.fill("input[name=sku-0-price]", "129")
    page.fill("input[name=sku-0-stock]", "20")
    page.fill("input[name=sku-1-spec]", "颜色:白 尺码:L")
    page.fill("input[name=sku-1-price]", "139.90")
    page.fill("input[name=sku-1-stock]", "8")
    page.check("input[name=on_shelf]")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "merchant-product-new-390.png"), full_page=True)
    page.click("#product-save")
    product = None
    page.wait_for_url("**/shop/merchant/products/*/")
    product = Product.objects.get(merchant=merchant, title="速干跑步T恤")
    expect(page.locator("#shelf-state")).to_have_text("在售")
    expect(page.locator("#images img")).to_have_count(1)
    expect(page.locator("form[data-sku]")).to_have_count(2)
    assert sorted(product.skus.values_list("price_fen", flat=True)) == [12900, 13990]
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "merchant-product-edit-390.png"), full_page=True)

    # the buyer-facing page has the picture and both prices
    page.goto(f"/shop/p/{product.pk}/")
    expect(page.get_by_text("速干跑步T恤").first).to_be_visible()

    # the to-ship list offers the carrier list on each order
    page.goto("/shop/merchant/?tab=ship")
    expect(page.locator(f"#order-{first.pk} select[name=carrier] option[value=sf]")).to_have_text("顺丰速运")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "merchant-to-ship-390.png"), full_page=True)

    # batch shipping: a sheet with two good rows and one bad one -> preview -> ship the good ones
    buf = io.StringIO()
    csv.writer(buf).writerows([["订单号", "快递公司", "运单号"], [first.number, "顺丰", "SF1400000001"],
                               [second.number, "中通快递", "ZT7500000002"], ["Q-NOPE", "韵达", "YD0000000003"]])
    page.goto("/shop/merchant/ship/batch/")
    expect(page.locator("#sheet-upload")).to_contain_text("有 2 个订单待发货")
    page.set_input_files("#sheet-file", files=[{"name": "ship.csv", "mimeType": "text/csv",
                                                "buffer": buf.getvalue().encode("utf-8-sig")}])
    page.click("#sheet-upload-btn")
    expect(page.locator("#sheet-preview")).to_contain_text("找不到这个订单")
    expect(page.locator("#ship-confirm")).to_have_text("确认发货 2 单")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "merchant-batch-preview-390.png"), full_page=True)
    page.click("#ship-confirm")
    expect(page.locator("#ship-results")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("已发货 2 单")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "merchant-batch-shipped-390.png"), full_page=True)
    assert dict(Shipment.objects.filter(order__merchant=merchant).values_list("order_id", "carrier")) == {
        first.pk: "顺丰速运", second.pk: "中通快递"}

    # the overview draws its chart
    page.goto("/shop/merchant/overview/")
    expect(page.locator("#sales-chart[data-ready='1']")).to_have_count(1)
    expect(page.locator("#span-orders")).to_have_text("2")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "merchant-overview-390.png"), full_page=True)


def test_kol_sees_a_credited_order_on_the_kol_centre(browser_page: Any) -> None:
    from playwright.sync_api import expect

    page = browser_page
    _phone(page)
    community = f.community()
    kol = make_user("跑步达人阿杰")
    f.add_member(community, kol, Role.KOL)
    product, sku = f.product_with_sku(f.approved_merchant(), price_fen=12900, title="缓震跑鞋")
    post = f.post(community, kol, title="半马备赛装备清单")
    catalog.post_product_attach(user=kol, post_id=post.pk, product_id=product.pk)
    buyer = make_user("小满")
    f.add_member(community, buyer)

    # the reader taps the card in the post and buys: the order line is credited to the post
    browser_login(page, buyer, f"/p/{post.pk}/", password=PASSWORD)
    page.locator("#post-products").get_by_role("link", name="缓震跑鞋").click()
    page.wait_for_url(f"**/shop/p/{product.pk}/")
    o = place(buyer, [(sku.pk, 1)]).orders.get()
    orders.order_mark_paid(order_id=o.pk, amount_fen=o.payable_fen, payment_ref="kol-1")
    assert o.lines.get().post_id == post.pk

    browser_login(page, kol, f"/u/{kol.pk}/", password=PASSWORD)
    page.click("#kol-centre-shortcut")
    page.wait_for_url("**/kol/")
    expect(page.locator("#kol-orders")).to_have_text("1")
    expect(page.locator("#kol-clicks")).to_have_text("1")
    expect(page.locator("#kol-posts")).to_contain_text("半马备赛装备清单")
    expect(page.locator("#kol-posts .kol-row-orders")).to_have_text("1")
    expect(page.locator("#sales-chart[data-ready='1']")).to_have_count(1)
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "kol-centre-390.png"), full_page=True)
