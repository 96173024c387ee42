"""The ledger driven by real orders: placed and paid through the orders and payments services (sandbox),
shipped, received and completed by the orders job, refunded through payments. Transactions commit here
(transaction=True), so the order moments reach our hooks after commit, as in production. An unpaid order —
placed, then cancelled or expired — pays no commission."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from quanzi.catalog.tests import factories as f
from quanzi.orders import jobs, services
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import Order
from quanzi.orders.tests.helpers import place
from quanzi.payments import services as payments
from quanzi.payments.tests.helpers import pay_with_sandbox
from quanzi.referrals.distribution import selectors
from quanzi.referrals.distribution.enums import EntryKind
from quanzi.referrals.distribution.models import CommissionEntry
from quanzi.referrals.distribution.tests.helpers import chain

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shop():  # type: ignore[no-untyped-def]
    m = f.approved_merchant()
    _p, sku = f.product_with_sku(m, price_fen=10000, stock=20, title="面霜")
    return m, sku


def _paid(buyer, sku, quantity=1):  # type: ignore[no-untyped-def]
    order = place(buyer, [(sku.pk, quantity)]).orders.get()
    payment = payments.payment_create(user=buyer, order_id=order.pk, gateway="sandbox")
    assert pay_with_sandbox(payment).ok
    order.refresh_from_db()
    return order


def test_pay_complete_then_refund_after_completion(shop):
    m, sku = shop
    top, mid, buyer = chain(3)
    order = _paid(buyer, sku, 2)
    line = order.lines.get()
    accruals = {e.level: e for e in CommissionEntry.objects.filter(order_id=order.pk, kind=EntryKind.ACCRUE)}
    assert {lv: (e.promoter.user_id, e.amount_fen, e.base_fen) for lv, e in accruals.items()} == {
        1: (mid.pk, line.goods_payable_fen // 10, line.goods_payable_fen),
        2: (top.pk, line.goods_payable_fen // 20, line.goods_payable_fen)}
    assert selectors.promoter_get(user_id=mid.pk).pending_fen == 2000

    services.order_ship(user=m.user, order_id=order.pk, carrier="顺丰", tracking_no="SF1234567890")
    services.order_confirm_receipt(user=buyer, order_id=order.pk)
    Order.objects.filter(pk=order.pk).update(delivered_at=timezone.now() - dt.timedelta(days=30))
    jobs.settle_due_orders.call_local()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.COMPLETED
    p = selectors.promoter_get(user_id=mid.pk)
    assert (p.pending_fen, p.available_fen) == (0, 2000)

    # an operator refunds half of the line after completion: half the commission comes back from available
    payments.refund_create(order_id=order.pk, amount_fen=line.payable_fen // 2, refund_no="R-half",
                           lines={line.pk: line.payable_fen // 2}, kind="operator")
    p = selectors.promoter_get(user_id=mid.pk)
    assert (p.pending_fen, p.available_fen) == (0, 1000)
    assert selectors.promoter_get(user_id=top.pk).available_fen == 500


def test_full_refund_before_completion_nets_to_zero(shop):
    _m, sku = shop
    top, mid, buyer = chain(3)
    order = _paid(buyer, sku)
    line = order.lines.get()
    payments.refund_create(order_id=order.pk, amount_fen=line.payable_fen, refund_no="R-all",
                           lines={line.pk: line.payable_fen})
    assert selectors.order_commission(order_id=order.pk) == {1: 0, 2: 0}
    assert selectors.promoter_get(user_id=mid.pk).pending_fen == 0


def test_no_commission_on_an_unpaid_order(shop):
    _m, sku = shop
    _top, _mid, buyer = chain(3)
    cancelled = place(buyer, [(sku.pk, 1)]).orders.get()
    services.order_cancel(user=buyer, order_id=cancelled.pk)
    expired = place(buyer, [(sku.pk, 1)]).orders.get()
    Order.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    jobs.settle_due_orders.call_local()
    waiting = place(buyer, [(sku.pk, 1)]).orders.get()
    assert {o.status for o in Order.objects.filter(pk__in=[cancelled.pk, expired.pk, waiting.pk])} == {
        OrderStatus.CANCELLED, OrderStatus.PENDING_PAYMENT}
    assert not CommissionEntry.objects.exists()
