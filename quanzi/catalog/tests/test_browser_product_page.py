"""The product page in a real browser at 390 px: the gallery swipes (scroll-snap) with its counter, a SKU chip
chosen by tap and by keyboard drives the price and turns the gallery to its picture, the buy bar stays in view at
the bottom of a long page, and 立即购买 takes the chosen SKU and quantity to checkout and into the order. Then 加入
购物车 with another chip, and the cart shows the pictures. Screenshots: product-page.png (the top: gallery and
chips), product-sticky-bar.png (scrolled to the end, the bar still there), cart-pictures.png."""

from __future__ import annotations

import io
import os
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from conftest import ARTIFACTS, browser_login, make_user
from quanzi.aftersales import services as aftersales
from quanzi.aftersales.tests.helpers import delivered_order, line_of
from quanzi.catalog import services
from quanzi.catalog.tests import factories as f
from quanzi.content import services as content
from quanzi.orders.models import Order
from quanzi.orders.tests.helpers import address

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _picture(name: str, colour: str, accent: str) -> SimpleUploadedFile:
    """A 600 px product shot: a jar on a coloured ground, so the screenshots show real pictures."""
    img = Image.new("RGB", (600, 600), colour)
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((170, 200, 430, 500), radius=40, fill=accent)
    draw.rounded_rectangle((190, 150, 410, 215), radius=18, fill="#f5f5f5")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def _product() -> tuple[Any, Any, list[Any]]:
    m = f.approved_merchant()
    product, first = f.product_with_sku(m, price_fen=5900, stock=0, title="山茶花修护面霜",
                                        description="换季修护，质地清爽。\n" * 30)
    services.sku_update(user=m.user, sku_id=first.pk, spec={"规格": "30ml 旅行装"})
    low = services.sku_create(user=m.user, product_id=product.pk, spec={"规格": "50ml"}, price_fen=9900, stock=3)
    plenty = services.sku_create(user=m.user, product_id=product.pk, spec={"规格": "100ml 家庭装"},
                                 price_fen=16900, member_price_fen=15900, stock=80)
    pics = [services.product_image_add(user=m.user, product_id=product.pk, image=_picture(f"{i}.png", bg, fg))
            for i, (bg, fg) in enumerate((("#fde9e4", "#e2483d"), ("#e8f1fb", "#3d7be2"), ("#eef8ea", "#3aa35b")))]
    services.sku_set_image(user=m.user, sku_id=low.pk, image_id=pics[1].pk)
    services.sku_set_image(user=m.user, sku_id=plenty.pk, image_id=pics[2].pk)
    return m, product, [first, low, plenty]


def test_choose_a_chip_and_buy_from_the_sticky_bar(browser_page: Any) -> None:
    from playwright.sync_api import expect

    m, product, (gone, low, plenty) = _product()
    reviewer = make_user("小美")
    order = delivered_order(reviewer, m, [(plenty, 1)])
    aftersales.review_create(user=reviewer, order_line_id=line_of(order).pk, rating=5, text="很好用，不油腻",
                             photos=[_picture("r.png", "#fff4d6", "#b54708")])
    community = f.community()
    services.shelf_add(user=community.owner, community_id=community.pk, product_id=product.pk)
    post = content.post_create(author=community.owner, community=community, title="换季修护空瓶记",
                               body="用空了第三瓶。")
    services.post_product_attach(user=community.owner, post_id=post.pk, product_id=product.pk)

    buyer = make_user("小红")
    address(buyer)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, buyer, f"/shop/p/{product.pk}/")
    expect(page.locator("#pd-counter")).to_have_text("1 / 3")
    expect(page.locator("#pd-price")).to_have_text("¥99.00")  # the first chip in stock is chosen
    expect(page.locator(f"#sku-chip-{gone.pk} input")).to_be_disabled()
    expect(page.locator(f"#sku-chip-{low.pk}")).to_contain_text("仅剩 3 件")
    expect(page.locator("#pd-sold")).to_have_text("已售 1")
    expect(page.locator("#pd-rating")).to_contain_text("好评率 100%")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing overflows sideways

    # swipe the gallery: the counter follows
    page.locator("#pd-track").evaluate("t => t.scrollTo({left: t.clientWidth, behavior: 'instant'})")
    expect(page.locator("#pd-counter")).to_have_text("2 / 3")
    page.locator("#pd-track").evaluate("t => t.scrollTo({left: 0, behavior: 'instant'})")
    expect(page.locator("#pd-counter")).to_have_text("1 / 3")

    # keyboard: the chips are a radio group; the arrow moves to the next SKU that can be bought
    page.locator(f"#sku-chip-{low.pk} input").focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator(f"#sku-chip-{plenty.pk} input")).to_be_checked()
    expect(page.locator("#pd-price")).to_have_text("¥169.00")
    expect(page.locator("#pd-member")).to_contain_text("¥159.00")
    expect(page.locator("#pd-counter")).to_have_text("3 / 3")  # the chip's own picture
    # and by tap
    page.locator(f"#sku-chip-{low.pk}").click()
    expect(page.locator("#pd-price")).to_have_text("¥99.00")
    expect(page.locator("#pd-counter")).to_have_text("2 / 3")
    expect(page.locator("#pd-member")).to_be_hidden()
    page.locator(f"#sku-chip-{plenty.pk}").click()
    expect(page.locator("#pd-chosen")).to_have_text("100ml 家庭装")
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(400)
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, "product-page.png"))

    # tap a picture: it opens full size
    page.locator("#pd-track a.pd-slide").nth(2).click()
    expect(page.locator("#pd-preview")).to_be_visible()
    page.locator("#pd-preview img").click()
    expect(page.locator("#pd-preview")).to_be_hidden()

    # a long page: at its end the buy bar is still in view, above everything
    page.fill("#pd-qty", "2")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(300)
    bar = page.locator("#buy-bar")
    expect(bar).to_be_in_viewport()
    box = bar.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844 + 1 and box["y"] > 700
    expect(page.locator("#product-posts")).to_contain_text("换季修护空瓶记")
    page.screenshot(path=os.path.join(ARTIFACTS, "product-sticky-bar.png"))

    # 立即购买: straight to checkout with the chosen SKU and quantity, and into the order
    bar.get_by_role("button", name="立即购买").click()
    page.wait_for_url("**/checkout/**")
    assert f"sku_id={plenty.pk}" in page.url and "quantity=2" in page.url
    page.get_by_role("button", name="提交订单").click()  # to the address saved before
    page.wait_for_url("**/orders/*/")
    placed = Order.objects.get(buyer=buyer)
    assert [(ln.sku_id, ln.quantity) for ln in placed.lines.all()] == [(plenty.pk, 2)]

    # 加入购物车 with the other chip; the cart shows the pictures
    page.goto(f"/shop/p/{product.pk}/")
    page.locator(f"#sku-chip-{low.pk}").click()
    page.locator("#buy-bar").get_by_role("button", name="加入购物车").click()
    page.wait_for_url("**/cart/")
    thumb = page.locator("#cart-body .thumb img").first
    expect(thumb).to_be_visible()
    assert thumb.evaluate("img => img.complete && img.naturalWidth > 0")
    page.screenshot(path=os.path.join(ARTIFACTS, "cart-pictures.png"), full_page=True)
