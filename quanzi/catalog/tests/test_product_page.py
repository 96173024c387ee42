"""The product page built to buy from: SKU chips as a radio group (sold out chips off, 仅剩 N 件 at low stock, the
chosen one drives the price and the buy bar), the gallery, a SKU's own picture, the units sold (orders' figure
through `catalog.hooks.product_fact`), the rating line with its 好评率, the buyers' photos, the shop's own list, and
a number of queries that does not grow with SKUs, pictures, reviews, communities or posts."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import make_user
from quanzi.aftersales import services as aftersales
from quanzi.aftersales.tests.helpers import delivered_order, line_of, paid_order, png
from quanzi.catalog import selectors, services
from quanzi.catalog.errors import ErrorCode
from quanzi.catalog.models import Sku
from quanzi.catalog.tests import factories as f
from quanzi.core.errors import DomainError
from quanzi.orders.tests.helpers import place

pytestmark = pytest.mark.django_db


def _chip(html: str, sku: Sku) -> str:
    m = re.search(rf'<label class="chip[^"]*" id="sku-chip-{sku.pk}">(.*?)</label>', html, re.S)
    assert m, f"no chip for SKU {sku.pk}"
    return m.group(0)


def _product_with_specs(stocks: list[int]):  # type: ignore[no-untyped-def]
    m = f.approved_merchant()
    product, first = f.product_with_sku(m, price_fen=5900, stock=stocks[0], title="山茶花面霜")
    skus = [first]
    for i, stock in enumerate(stocks[1:], start=1):
        skus.append(services.sku_create(user=m.user, product_id=product.pk, spec={"规格": f"{50 + i * 50}ml"},
                                        price_fen=5900 + i * 1000, stock=stock))
    return m, product, skus


def test_chips_are_a_radio_group_with_price_and_stock():
    _m, product, (gone, low, plenty) = _product_with_specs([0, 3, 50])
    html = Client().get(f"/shop/p/{product.pk}/").content.decode()
    sold_out = _chip(html, gone)
    assert 'class="chip off"' in sold_out and "disabled" in sold_out and "已售罄" in sold_out
    assert "¥59.00" in sold_out  # a sold-out chip still tells its price
    few = _chip(html, low)
    assert 'type="radio" name="sku_id"' in few and "仅剩 3 件" in few and "disabled" not in few
    assert " checked" in few  # the first SKU that can be bought is chosen
    many = _chip(html, plenty)
    assert "仅剩" not in many and " checked" not in many and "¥79.00" in many
    # the chosen SKU's price is the page's price; the buy bar's two buttons submit the same radio group
    assert '<strong class="pd-price" id="pd-price">¥69.00</strong>' in html
    assert 'id="buy-bar"' in html and 'formaction="/checkout/"' in html
    assert re.search(r'<button class="btn buybar-cart" type="submit">', html)


def test_a_sku_asked_for_is_chosen_but_not_a_sold_out_one():
    _m, product, (gone, low, plenty) = _product_with_specs([0, 3, 50])
    html = Client().get(f"/shop/p/{product.pk}/?sku={plenty.pk}").content.decode()
    assert " checked" in _chip(html, plenty) and " checked" not in _chip(html, low)
    html = Client().get(f"/shop/p/{product.pk}/?sku={gone.pk}").content.decode()
    assert " checked" in _chip(html, low)


def test_all_sold_out_turns_the_buy_buttons_off():
    _m, product, _skus = _product_with_specs([0, 0])
    html = Client().get(f"/shop/p/{product.pk}/").content.decode()
    assert " checked" not in html
    assert re.search(r'<button class="btn buybar-cart" type="submit" disabled>', html)
    assert re.search(r'<button class="btn primary buybar-buy"[^>]* disabled>', html)


def test_the_gallery_and_a_skus_own_picture():
    m, product, (a, b) = _product_with_specs([5, 5])
    pics = [services.product_image_add(user=m.user, product_id=product.pk, image=png(f"{i}.png")) for i in range(3)]
    services.sku_set_image(user=m.user, sku_id=b.pk, image_id=pics[2].pk)
    html = Client().get(f"/shop/p/{product.pk}/").content.decode()
    assert html.count('class="pd-slide"') == 3 and 'id="pd-counter"' in html and len(re.findall(r'class="pd-dot( on)?"', html)) == 3
    assert 'data-slide="2"' in _chip(html, b) and pics[2].image.url in _chip(html, b)
    assert "data-slide" not in _chip(html, a)
    # a picture of another product is refused and changes nothing; None clears it
    other, _sku = f.product_with_sku(m)
    foreign = services.product_image_add(user=m.user, product_id=other.pk, image=png())
    with pytest.raises(DomainError) as exc:
        services.sku_set_image(user=m.user, sku_id=a.pk, image_id=foreign.pk)
    assert exc.value.code == ErrorCode.IMAGE_NOT_FOUND
    a.refresh_from_db()
    assert a.image_id is None
    assert services.sku_set_image(user=m.user, sku_id=b.pk, image_id=None).image_id is None
    # another merchant may not touch the SKU
    with pytest.raises(DomainError):
        services.sku_set_image(user=f.approved_merchant().user, sku_id=b.pk, image_id=pics[0].pk)


def test_units_sold_count_paid_orders_only_and_are_cached():
    from django.core.cache import cache

    m, product, (sku,) = _product_with_specs([20])
    buyer = make_user("小红")
    paid_order(buyer, [(sku, 2)])
    place(buyer, [(sku.pk, 5)])  # placed, never paid
    html = Client().get(f"/shop/p/{product.pk}/").content.decode()
    assert '<span class="muted pd-sold" id="pd-sold">已售 2</span>' in html
    paid_order(buyer, [(sku, 1)])
    assert "已售 2<" in Client().get(f"/shop/p/{product.pk}/").content.decode()  # cached for a few minutes
    cache.clear()
    assert "已售 3<" in Client().get(f"/shop/p/{product.pk}/").content.decode()


def test_rating_line_good_share_and_buyers_photos():
    m, product, (sku,) = _product_with_specs([20])
    html = Client().get(f"/shop/p/{product.pk}/").content.decode()
    assert '<p class="muted small" id="pd-rating">暂无评价</p>' in html and 'id="review-photos"' not in html
    for rating, photos in ((5, [png()]), (4, []), (2, [png("b.png")])):
        buyer = make_user()
        order = delivered_order(buyer, m, [(sku, 1)])
        aftersales.review_create(user=buyer, order_line_id=line_of(order).pk, rating=rating, text="好用",
                                 photos=photos)
    html = Client().get(f"/shop/p/{product.pk}/").content.decode()
    assert 'id="pd-rating"' in html and "<strong>3.7</strong>" in html and "好评率 66%" in html  # 2 of 3, floored
    assert "3 条评价" in html
    assert len(re.findall(r'<div class="review-photos".*?</div>', html, re.S)) == 1
    assert re.search(r'id="review-photos".*?(<img.*?){2}</div>', html, re.S)


def test_the_shop_button_lists_the_merchants_products():
    m, product, _skus = _product_with_specs([5])
    elsewhere, _sku = f.product_with_sku(f.approved_merchant(), title="别家的面膜")
    html = Client().get(f"/shop/p/{product.pk}/").content.decode()
    assert f'href="/shop/?merchant={m.pk}"' in html
    listing = Client().get(f"/shop/?merchant={m.pk}").content.decode()
    assert "山茶花面霜" in listing and "别家的面膜" not in listing and m.business_name in listing
    assert "别家的面膜" in Client().get("/shop/?merchant=999999").content.decode()  # no such shop: everything


def test_panels_still_show_and_chat_is_in_the_bar(member):
    _m, product, _skus = _product_with_specs([5])
    c = Client()
    c.force_login(member)
    html = c.get(f"/shop/p/{product.pk}/").content.decode()
    assert 'id="chat-product-panel"' in html and 'form="chat-product-panel"' in html


def _count(path: str) -> int:
    from django.core.cache import cache

    cache.clear()  # the units sold are cached: count the page as its first reader after a while sees it
    client = Client()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def _fill(product, m, skus, n: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        image = services.product_image_add(user=m.user, product_id=product.pk, image=png(f"{i}.png"))
        sku = services.sku_create(user=m.user, product_id=product.pk, spec={"色": f"色{i}"}, price_fen=1000 + i,
                                  stock=i)
        services.sku_set_image(user=m.user, sku_id=sku.pk, image_id=image.pk)
        buyer = make_user()
        order = delivered_order(buyer, m, [(skus[0], 1)])
        aftersales.review_create(user=buyer, order_line_id=line_of(order).pk, rating=1 + i % 5, text=f"评价{i}",
                                 photos=[png("r.png")])
        c = f.community()
        services.shelf_add(user=c.owner, community_id=c.pk, product_id=product.pk)
        post = f.post(c, c.owner, title=f"种草{i}")
        services.post_product_attach(user=c.owner, post_id=post.pk, product_id=product.pk)


def test_the_page_runs_a_bounded_number_of_queries():
    m, product, skus = _product_with_specs([50])
    _fill(product, m, skus, 1)
    few = _count(f"/shop/p/{product.pk}/")
    _fill(product, m, skus, 5)
    assert len(selectors.attach_available_stock(list(selectors.product_skus(product=product)))) == 7
    assert _count(f"/shop/p/{product.pk}/") == few
    assert few <= 30, few
