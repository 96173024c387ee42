"""Transactional notifications of an order's moments (orders.notices): the buyer is told once that the order was
paid, shipped (with carrier and tracking number) and delivered, the merchant once of the new paid order; each
links to the right page, and replaying a moment (a duplicate payment callback, a re-dispatch, the sweep) never
tells anyone twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from quanzi.accounts.enums import NotificationKind
from quanzi.accounts.models import Notification
from quanzi.catalog.tests import factories as f
from quanzi.orders import services
from quanzi.orders.models import Order, OrderMoment
from quanzi.orders.services.moments import moment_dispatch, moments_dispatch_due
from quanzi.orders.tests.helpers import place

pytestmark = pytest.mark.django_db


def _inbox(user, kind: str) -> list[Notification]:  # type: ignore[no-untyped-def]
    return list(Notification.objects.filter(recipient=user, kind=kind).order_by("pk"))


def _paid(buyer, sku, capture):  # type: ignore[no-untyped-def]
    """Paid as payments pays it: a verified payment recorded on the order (`order_mark_paid`)."""
    order = place(buyer, [(sku.pk, 2)]).orders.get()
    with capture(execute=True):
        assert services.order_mark_paid(order_id=order.pk, amount_fen=order.payable_fen,
                                        payment_ref=f"PAY-{order.pk}").accepted
    order.refresh_from_db()
    return order


def test_paid_shipped_delivered_each_once_to_the_buyer_and_new_order_to_the_merchant(
        member, django_capture_on_commit_callbacks):
    m = f.approved_merchant()
    _p, sku = f.product_with_sku(m, price_fen=1250, stock=10, title="跑步鞋")
    order = _paid(member, sku, django_capture_on_commit_callbacks)

    [paid] = _inbox(member, NotificationKind.ORDER)
    assert paid.message_id == "notify.order_paid" and paid.url == f"/orders/{order.pk}/"
    assert order.number in paid.display_text and "¥25.00" in paid.display_text
    [new] = _inbox(m.user, NotificationKind.SHOP)
    assert new.message_id == "notify.shop_new_order" and new.url == f"/shop/merchant/?tab=ship#order-{order.pk}"
    assert order.number in new.display_text
    assert not _inbox(member, NotificationKind.SHOP) and not _inbox(m.user, NotificationKind.ORDER)

    # the same payment again (a duplicate callback), a second dispatch of the moment and the sweep: nobody is
    # told twice
    with django_capture_on_commit_callbacks(execute=True):
        assert services.order_mark_paid(order_id=order.pk, amount_fen=order.payable_fen,
                                        payment_ref=f"PAY-{order.pk}").replay
    moment = OrderMoment.objects.get(order=order, kind="paid")
    OrderMoment.objects.filter(pk=moment.pk).update(done_at=None, created_at=timezone.now() - dt.timedelta(hours=1))
    assert moment_dispatch(moment_id=moment.pk)
    moments_dispatch_due(order_id=order.pk)
    assert len(_inbox(member, NotificationKind.ORDER)) == 1 and len(_inbox(m.user, NotificationKind.SHOP)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        services.order_ship(user=m.user, order_id=order.pk, carrier="顺丰速运", tracking_no="SF1234567890")
    shipped = _inbox(member, NotificationKind.ORDER)[-1]
    assert shipped.message_id == "notify.order_shipped" and shipped.url == f"/orders/{order.pk}/"
    assert "顺丰速运" in shipped.display_text and "SF1234567890" in shipped.display_text

    with django_capture_on_commit_callbacks(execute=True):
        services.order_confirm_receipt(user=member, order_id=order.pk)
        services.order_confirm_receipt(user=member, order_id=order.pk)  # confirmed already: nothing new
    delivered = _inbox(member, NotificationKind.ORDER)[-1]
    assert delivered.message_id == "notify.order_delivered" and delivered.url == f"/orders/{order.pk}/"
    for kind in ("shipped", "delivered"):
        moment = OrderMoment.objects.get(order=order, kind=kind)
        OrderMoment.objects.filter(pk=moment.pk).update(done_at=None)
        moment_dispatch(moment_id=moment.pk)
    assert [n.message_id for n in _inbox(member, NotificationKind.ORDER)] == \
        ["notify.order_paid", "notify.order_shipped", "notify.order_delivered"]
    assert len(_inbox(m.user, NotificationKind.SHOP)) == 1  # the merchant hears only of the new order


def test_auto_confirmed_delivery_notifies_once(
        member, django_capture_on_commit_callbacks):
    m = f.approved_merchant()
    _p, sku = f.product_with_sku(m, price_fen=1000, stock=10)
    order = _paid(member, sku, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.order_ship(user=m.user, order_id=order.pk, carrier="中通快递", tracking_no="ZT99887766")
    Order.objects.filter(pk=order.pk).update(shipped_at=timezone.now() - dt.timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        services.order_settle(order_id=order.pk)
        services.order_settle(order_id=order.pk)
    assert Order.objects.get(pk=order.pk).status == "completed"
    delivered = [n for n in _inbox(member, NotificationKind.ORDER) if n.message_id == "notify.order_delivered"]
    assert len(delivered) == 1
    # stored as the catalogue message and its parameters: each reader sees it in their own language
    assert delivered[0].params == {"n": order.number}


def test_an_unpaid_or_cancelled_order_tells_nobody(member, django_capture_on_commit_callbacks):
    m = f.approved_merchant()
    _p, sku = f.product_with_sku(m, price_fen=1000, stock=10)
    order = place(member, [(sku.pk, 1)]).orders.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.order_cancel(user=member, order_id=order.pk)
    assert not Notification.objects.filter(kind__in=[NotificationKind.ORDER, NotificationKind.SHOP]).exists()
