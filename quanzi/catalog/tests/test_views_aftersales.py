"""Shop pages that lead into after-sales: the merchant console links the after-sales queue (with the number of
open requests), keeps orders with a pending request out of 待发货 and lists the partly refunded ones that still
ship; the product page shows its ratings and reviews."""

import pytest
from django.test import Client

from conftest import make_user
from quanzi.aftersales import services as aftersales
from quanzi.aftersales.tests.helpers import delivered_order, line_of, paid_order, shop

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_console_links_the_after_sales_queue_and_ships_only_what_may_ship(django_capture_on_commit_callbacks):
    m, sku = shop(price_fen=2000)
    buyer = make_user("买家")
    waiting = paid_order(buyer, [(sku, 1)])
    partly = paid_order(buyer, [(sku, 2)])
    html = _client(m.user).get("/shop/merchant/").content.decode()
    assert 'href="/shop/merchant/aftersales/"' in html and 'id="aftersales-open"' not in html
    assert 'href="/merchant/settlements/"' in html

    aftersales.aftersale_request_create(user=buyer, order_id=waiting.pk, kind="refund_only", reason="no_reason",
                                        lines=[(line_of(waiting).pk, 1)], amount_fen=2000)
    req = aftersales.aftersale_request_create(user=buyer, order_id=partly.pk, kind="refund_only",
                                              reason="no_reason", lines=[(line_of(partly).pk, 1)], amount_fen=2000)
    with django_capture_on_commit_callbacks(execute=True):
        aftersales.aftersale_approve(user=m.user, request_id=req.pk)
    html = _client(m.user).get("/shop/merchant/").content.decode()
    assert '<span class="tag" id="aftersales-open">1</span>' in html
    assert f'id="order-{waiting.pk}"' not in html  # 退款中: decided in the after-sales queue first
    assert f'id="order-{partly.pk}"' in html and "发货前已退 1 件" in html  # one unit left to ship
    queue = _client(m.user).get("/shop/merchant/aftersales/")
    assert queue.status_code == 200
    r = _client(m.user).post(f"/shop/merchant/orders/{partly.pk}/ship/",
                             {"carrier": "顺丰", "tracking_no": "SF12345678"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "SF12345678" in r.content.decode()
    r = _client(m.user).post(f"/shop/merchant/orders/{waiting.pk}/ship/",
                             {"carrier": "顺丰", "tracking_no": "SF12345679"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 400 and "退款申请" in r.content.decode()


def test_product_page_shows_ratings_and_reviews():
    m, sku = shop()
    buyer = make_user("小红")
    order = delivered_order(buyer, m, [(sku, 1)])
    html = Client().get(f"/shop/p/{sku.product_id}/").content.decode()
    assert 'id="product-reviews"' in html and "暂无评价" in html
    aftersales.review_create(user=buyer, order_line_id=line_of(order).pk, rating=4, text="质地清爽，不油腻")
    html = Client().get(f"/shop/p/{sku.product_id}/").content.decode()
    assert "质地清爽，不油腻" in html and '<span id="rating-average">4.0</span>' in html and "小红" in html
