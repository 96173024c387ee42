"""Pictures in the cart and the order lists, and the order page's logistics as a timeline: the carrier's steps when
there are any, else the order's own status moments (not shown twice)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from conftest import make_user
from quanzi.aftersales.tests.helpers import paid_order, png, shipped_order
from quanzi.catalog import services as catalog
from quanzi.catalog.tests import factories as f
from quanzi.orders import services
from quanzi.orders.models import TrackingEvent

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def _shop():  # type: ignore[no-untyped-def]
    m = f.approved_merchant()
    product, sku = f.product_with_sku(m, price_fen=5000, stock=20, title="山茶花面霜")
    pic = catalog.product_image_add(user=m.user, product_id=product.pk, image=png())
    bare, bare_sku = f.product_with_sku(m, price_fen=3000, stock=20, title="无图面膜")
    return m, sku, pic, bare_sku


def test_cart_shows_each_items_picture_or_its_initial(member):
    _m, sku, pic, bare_sku = _shop()
    services.cart_add(user=member, sku_id=sku.pk, quantity=1)
    services.cart_add(user=member, sku_id=bare_sku.pk, quantity=1)
    html = _client(member).get("/cart/").content.decode()
    assert re.search(rf'<span class="avatar thumb"[^>]*><img src="{re.escape(pic.image.url)}"', html)
    assert re.search(r'<span class="avatar thumb"[^>]*>无</span>', html)


def test_a_skus_own_picture_wins_in_the_cart(member):
    m, sku, _pic, _bare = _shop()
    own = catalog.product_image_add(user=m.user, product_id=sku.product_id, image=png("own.png"))
    catalog.sku_set_image(user=m.user, sku_id=sku.pk, image_id=own.pk)
    services.cart_add(user=member, sku_id=sku.pk, quantity=1)
    html = _client(member).get("/cart/").content.decode()
    assert own.image.url in html


def test_order_list_and_order_page_show_pictures(member):
    _m, sku, pic, _bare = _shop()
    order = paid_order(member, [(sku, 1)])
    listing = _client(member).get("/orders/").content.decode()
    assert "山茶花面霜" in listing and pic.image.url in listing
    page = _client(member).get(f"/orders/{order.pk}/").content.decode()
    assert pic.image.url in page


def test_without_tracking_steps_the_status_moments_are_the_timeline(member):
    m, sku, _pic, _bare = _shop()
    order = shipped_order(member, m, [(sku, 1)])
    # shipping writes a first step itself; a shipment recorded with only a carrier and a number has none
    TrackingEvent.objects.filter(shipment__order=order).delete()
    html = _client(member).get(f"/orders/{order.pk}/").content.decode()
    logistics = re.search(r'<section class="card" id="order-logistics">.*?</section>', html, re.S).group(0)
    assert "顺丰 SF1234567890" in logistics and 'data-source="status"' in logistics
    steps = re.findall(r"<li[^>]*><span>(.*?)</span>", logistics)
    assert steps[0].startswith("已发货") and any(s.startswith("待发货") for s in steps)  # newest first
    assert 'id="order-history"' not in html  # the same moments are not listed twice


def test_tracking_steps_make_the_logistics_timeline(member):
    m, sku, _pic, _bare = _shop()
    order = shipped_order(member, m, [(sku, 1)])
    services.tracking_event_add(user=m.user, order_id=order.pk, description="已揽收", location="杭州")
    services.tracking_event_add(user=m.user, order_id=order.pk, description="派送中", location="上海")
    html = _client(member).get(f"/orders/{order.pk}/").content.decode()
    logistics = re.search(r'<section class="card" id="order-logistics">.*?</section>', html, re.S).group(0)
    assert 'data-source="tracking"' in logistics
    assert re.findall(r"<li[^>]*><span>(.*?)</span>", logistics) == ["[上海] 派送中", "[杭州] 已揽收",
                                                                          "商家已发货"]
    assert '<li class="now"><span>[上海] 派送中' in logistics
    assert 'id="order-history"' in html and 'data-source="status"' in html


def test_an_order_not_shipped_has_its_history_only(member):
    _m, sku, _pic, _bare = _shop()
    order = paid_order(member, [(sku, 1)])
    html = _client(member).get(f"/orders/{order.pk}/").content.decode()
    assert 'id="order-logistics"' not in html and 'id="order-history"' in html
    assert '<li class="now"><span>待发货' in html


def test_someone_elses_order_stays_hidden():
    _m, sku, _pic, _bare = _shop()
    order = paid_order(make_user("甲"), [(sku, 1)])
    assert _client(make_user("乙")).get(f"/orders/{order.pk}/").status_code == 404
