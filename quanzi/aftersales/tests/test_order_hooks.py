"""After-sales driving the order: a partial refund only before shipment returns those units' stock once, the
refunded amounts land on the order lines, and an order with a request still open is not shipped."""

import datetime as dt

import pytest

from quanzi.aftersales import services
from quanzi.aftersales.enums import AfterSaleStatus as S
from quanzi.aftersales.tests.helpers import delivered_order, line_of, paid_order, shop
from quanzi.catalog.models import Sku
from quanzi.catalog.tests import factories as f
from quanzi.core.errors import Conflict
from quanzi.orders import services as orders
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import Order, OrderLine

pytestmark = pytest.mark.django_db


def _stock(sku: Sku) -> int:
    return Sku.objects.get(pk=sku.pk).stock


def test_a_partial_refund_before_shipment_returns_those_units_once(member, django_capture_on_commit_callbacks):
    m, sku = shop(price_fen=2000, stock=5)
    order = paid_order(member, [(sku, 3)])
    line = line_of(order)
    assert _stock(sku) == 2
    req = services.aftersale_request_create(user=member, order_id=order.pk, kind="refund_only",
                                            reason="no_reason", lines=[(line.pk, 1)], amount_fen=2000)
    with pytest.raises(Conflict) as exc:  # the request is pending: the merchant handles it before shipping
        orders.order_ship(user=m.user, order_id=order.pk, carrier="顺丰", tracking_no="SF1234567890")
    assert exc.value.code == "order_refund_pending"
    with django_capture_on_commit_callbacks(execute=True):
        services.aftersale_approve(user=m.user, request_id=req.pk)
    req.refresh_from_db()
    order.refresh_from_db()
    line.refresh_from_db()
    assert req.status == S.REFUNDED
    assert order.status == OrderStatus.PARTIALLY_REFUNDED and order.refunded_fen == 2000
    assert _stock(sku) == 3  # the refunded unit is back on sale
    assert (line.cancelled_quantity, line.refunded_fen) == (1, 2000)
    services.aftersale_refund_sync(request_id=req.pk)  # the job again: nothing more
    assert _stock(sku) == 3 and OrderLine.objects.get(pk=line.pk).cancelled_quantity == 1
    # the merchant ships the two units left
    assert orders.order_ship(user=m.user, order_id=order.pk, carrier="顺丰",
                             tracking_no="SF1234567890").status == OrderStatus.SHIPPED
    assert _stock(sku) == 3


def test_partial_then_full_refund_before_shipment_returns_every_unit_exactly_once(
        member, django_capture_on_commit_callbacks):
    m = f.approved_merchant()
    _p1, a = f.product_with_sku(m, price_fen=1000, stock=10)
    _p2, b = f.product_with_sku(m, price_fen=3000, stock=10)
    order = paid_order(member, [(a, 2), (b, 1)])
    la, lb = line_of(order, a), line_of(order, b)
    first = services.aftersale_request_create(user=member, order_id=order.pk, kind="refund_only",
                                              reason="no_reason", lines=[(la.pk, 2)], amount_fen=2000)
    second = services.aftersale_request_create(user=member, order_id=order.pk, kind="refund_only",
                                               reason="no_reason", lines=[(lb.pk, 1)], amount_fen=3000)
    with django_capture_on_commit_callbacks(execute=True):
        services.aftersale_approve(user=m.user, request_id=first.pk)
    order.refresh_from_db()
    assert _stock(a) == 10 and _stock(b) == 9
    assert order.status == OrderStatus.REFUNDING  # the second request is still open: still not shippable
    with pytest.raises(Conflict):
        orders.order_ship(user=m.user, order_id=order.pk, carrier="顺丰", tracking_no="SF1234567890")
    with django_capture_on_commit_callbacks(execute=True):
        services.aftersale_approve(user=m.user, request_id=second.pk)
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED and order.refunded_fen == 5000
    assert (_stock(a), _stock(b)) == (10, 10)  # nothing returned twice
    assert (OrderLine.objects.get(pk=la.pk).refunded_fen, OrderLine.objects.get(pk=lb.pk).refunded_fen) \
        == (2000, 3000)


def test_a_return_books_its_amount_on_the_line_and_the_order_completes_with_a_time(
        member, django_capture_on_commit_callbacks):
    m, sku = shop(price_fen=1000)
    order = delivered_order(member, m, [(sku, 2)], days_ago=6)
    line = line_of(order)
    req = services.aftersale_request_create(user=member, order_id=order.pk, kind="refund_only", reason="damaged",
                                            lines=[(line.pk, 1)], amount_fen=600)
    # the return window closed while the request was open
    Order.objects.filter(pk=order.pk).update(delivered_at=order.delivered_at - dt.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        services.aftersale_approve(user=m.user, request_id=req.pk)
    order.refresh_from_db()
    assert OrderLine.objects.get(pk=line.pk).refunded_fen == 600 == order.refunded_fen
    assert OrderLine.objects.get(pk=line.pk).cancelled_quantity == 0  # shipped goods: no stock comes back here
    assert order.status == OrderStatus.COMPLETED and order.completed_at is not None
