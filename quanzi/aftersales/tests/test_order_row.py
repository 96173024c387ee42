"""我 shows the order row: 待付款 / 待发货 / 待收货 / 待评价 / 售后 with their counts, on one's own page only."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from conftest import make_user
from quanzi.aftersales import services as aftersales
from quanzi.aftersales.tests.helpers import delivered_order, line_of, paid_order, shipped_order, shop
from quanzi.orders.tests.helpers import place

pytestmark = pytest.mark.django_db


def _row(user, page_of=None) -> dict[str, str]:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    html = c.get(f"/u/{(page_of or user).pk}/").content.decode()
    return dict(re.findall(r'data-cell="(\w+)"[^>]*><strong[^>]*>(\d+)</strong>', html))


def test_the_row_counts_each_kind_of_order():
    m, sku = shop(price_fen=2000)
    buyer = make_user("小红")
    assert _row(buyer) == {"pending_payment": "0", "to_ship": "0", "to_receive": "0", "to_review": "0",
                           "aftersales": "0"}
    place(buyer, [(sku.pk, 1)])
    paid_order(buyer, [(sku, 1)])
    waiting = paid_order(buyer, [(sku, 1)])
    shipped_order(buyer, m, [(sku, 1)])
    reviewed = delivered_order(buyer, m, [(sku, 1)])
    delivered_order(buyer, m, [(sku, 1)])
    aftersales.review_create(user=buyer, order_line_id=line_of(reviewed).pk, rating=5)
    aftersales.aftersale_request_create(user=buyer, order_id=waiting.pk, kind="refund_only", reason="no_reason",
                                        lines=[(line_of(waiting).pk, 1)], amount_fen=2000)
    # the order with a refund request reads 退款中, no longer 待发货
    assert _row(buyer) == {"pending_payment": "1", "to_ship": "1", "to_receive": "1", "to_review": "1",
                           "aftersales": "1"}


def test_someone_else_does_not_see_my_row():
    buyer, visitor = make_user("小红"), make_user("小明")
    assert _row(visitor, page_of=buyer) == {}
    assert Client().get(f"/u/{buyer.pk}/").status_code == 200 and 'id="my-order-row"' not in \
        Client().get(f"/u/{buyer.pk}/").content.decode()
