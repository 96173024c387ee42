"""The order page leads to after-sales and reviews: 申请售后 while after-sales is possible, 评价 once there is
something to review, and the order's after-sales requests with their status."""

import pytest
from django.test import Client

from conftest import make_user
from quanzi.aftersales import services as aftersales
from quanzi.aftersales.tests.helpers import delivered_order, line_of, paid_order, shop
from quanzi.orders.tests.helpers import place

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def _page(user, order) -> str:  # type: ignore[no-untyped-def]
    r = _client(user).get(f"/orders/{order.pk}/")
    assert r.status_code == 200
    return r.content.decode()


def test_unpaid_orders_offer_neither_after_sales_nor_review(member):
    _m, sku = shop()
    order = place(member, [(sku.pk, 1)]).orders.get()
    html = _page(member, order)
    assert "/aftersale/new/" not in html and "/review/new/" not in html


def test_a_paid_order_offers_after_sales_but_no_review_yet(member):
    _m, sku = shop()
    order = paid_order(member, [(sku, 1)])
    html = _page(member, order)
    assert f'href="/orders/{order.pk}/aftersale/new/"' in html and "申请售后" in html
    assert "/review/new/" not in html


def test_a_delivered_order_offers_review_and_lists_its_requests(member):
    m, sku = shop(price_fen=3000)
    order = delivered_order(member, m, [(sku, 2)])
    html = _page(member, order)
    assert f'href="/orders/{order.pk}/review/new/"' in html and f'href="/orders/{order.pk}/aftersale/new/"' in html
    assert 'id="order-aftersales"' not in html
    req = aftersales.aftersale_request_create(user=member, order_id=order.pk, kind="return_and_refund",
                                              reason="no_reason", lines=[(line_of(order).pk, 1)], amount_fen=3000)
    html = _page(member, order)
    assert req.number in html and f'href="/aftersales/{req.pk}/"' in html and "待商家处理" in html
    aftersales.aftersale_reject(user=m.user, request_id=req.pk, reason="商品已拆封使用")
    assert "商家已拒绝" in _page(member, order)
    aftersales.review_create(user=member, order_line_id=line_of(order).pk, rating=5, text="好用")
    assert "/review/new/" not in _page(member, order)  # every line reviewed


def test_another_buyers_order_page_stays_404(member):
    _m, sku = shop()
    order = paid_order(member, [(sku, 1)])
    assert _client(make_user()).get(f"/orders/{order.pk}/").status_code == 404
