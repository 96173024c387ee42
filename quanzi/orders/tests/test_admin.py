import pytest
from django.test import Client

from quanzi.aftersales.tests.helpers import paid_order, shop
from quanzi.catalog.tests import factories as f
from quanzi.orders import services

pytestmark = pytest.mark.django_db


def test_operators_see_the_units_cancelled_before_shipment_on_the_order(member):
    _m, sku = shop(price_fen=1000)
    order = paid_order(member, [(sku, 2)])
    line = order.lines.get()
    services.order_record_refund(order_id=order.pk, amount_fen=1000, refund_ref="AS-77", lines={line.pk: 1000})
    services.order_lines_cancel_unshipped(order_id=order.pk, lines=[(line.pk, 1)], ref="AS-77")
    op = f.operator()
    op.is_superuser = True
    op.save(update_fields=["is_superuser"])
    c = Client()
    c.force_login(op)
    html = c.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    assert "发货前取消" in html and "AS-77" in html
