"""The deal with real orders (transactions commit, so the order moments reach the hooks after commit, as in
production): a member clicks the product card on the KOL's post and pays; distribution pays the KOL the deal's
rate (not the settings' KOL rate) and the line is credited to the deal; a product outside the deal keeps the
settings' rate; when the order completes the platform's service fee on that commission is booked, once, and the
`service_fees` revenue line reconciles with its ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import make_user
from quanzi.ads import revenue
from quanzi.catalog import services as catalog
from quanzi.content import services as content
from quanzi.kolmarket import selectors, services
from quanzi.kolmarket.enums import EntryKind
from quanzi.kolmarket.models import DealCredit, DealEntry
from quanzi.kolmarket.tests.helpers import propose, world
from quanzi.orders import jobs
from quanzi.orders import services as orders
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import Order
from quanzi.orders.tests.helpers import place
from quanzi.payments import services as payments
from quanzi.payments.tests.helpers import pay_with_sandbox
from quanzi.referrals.distribution.enums import EntryKind as CommissionKind
from quanzi.referrals.distribution.models import CommissionEntry

pytestmark = pytest.mark.django_db(transaction=True)


def _buy_from_post(buyer, post, product, sku):  # type: ignore[no-untyped-def]
    catalog.product_card_click(user=buyer, post_id=post.pk, product_id=product.pk)
    order = place(buyer, [(sku.pk, 1)]).orders.get()
    payment = payments.payment_create(user=buyer, order_id=order.pk, gateway="sandbox")
    assert pay_with_sandbox(payment).ok
    order.refresh_from_db()
    return order


def test_orders_from_the_kols_post_earn_the_deal_rate_and_the_service_fee():
    w = world(price_fen=10000)
    deal = propose(w, commission_rate=Decimal("0.25"), fixed_fee_fen=0, posts_required=1)
    services.deal_accept(user=w.kol, deal_id=deal.pk)
    post = content.post_create(author=w.kol, community=w.community, title="空瓶记", body="第三瓶了")
    catalog.post_product_attach(user=w.kol, post_id=post.pk, product_id=w.product.pk)
    catalog.post_product_attach(user=w.kol, post_id=post.pk, product_id=w.other_product.pk)
    buyer = make_user("买家")

    order = _buy_from_post(buyer, post, w.product, w.sku)
    line = order.lines.get()
    assert line.kol_id == w.kol.pk
    accrual = CommissionEntry.objects.get(order_line_id=line.pk, kind=CommissionKind.ACCRUE, level=1)
    assert (accrual.promoter.user_id, accrual.rate, accrual.amount_fen) == (
        w.kol.pk, Decimal("0.25"), line.goods_payable_fen // 4)
    credit = DealCredit.objects.get()
    assert (credit.deal_id, credit.order_line_id) == (deal.pk, line.pk)

    other_sku = w.other_product.skus.get()
    other = _buy_from_post(buyer, post, w.other_product, other_sku)
    other_line = other.lines.get()
    settings_rate = CommissionEntry.objects.get(order_line_id=other_line.pk, kind=CommissionKind.ACCRUE, level=1)
    assert settings_rate.rate == Decimal("0.12")  # the platform's KOL rate: not a deal product
    assert DealCredit.objects.count() == 1

    page = selectors.deal_page(deal)
    assert [(c.order_id, c.commission_fen) for c in page.credited] == [(order.pk, accrual.amount_fen)]
    assert page.commission_fen == accrual.amount_fen

    # the order completes: the service fee on the (now final) commission is booked once
    orders.order_ship(user=w.merchant.user, order_id=order.pk, carrier="顺丰", tracking_no="SF1234567890")
    orders.order_confirm_receipt(user=buyer, order_id=order.pk)
    Order.objects.filter(pk=order.pk).update(delivered_at=timezone.now() - dt.timedelta(days=30))
    jobs.settle_due_orders.call_local()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.COMPLETED
    fee = DealEntry.objects.get(kind=EntryKind.COMMISSION_SERVICE)
    assert (fee.base_fen, fee.amount_fen) == (accrual.amount_fen, accrual.amount_fen * 5 // 100)
    services.on_order_completed(type("E", (), {"order_id": order.pk})())  # a replay books nothing more
    assert DealEntry.objects.filter(kind=EntryKind.COMMISSION_SERVICE).count() == 1

    mix = revenue.revenue_mix(days=7)
    line_fig = next(x for x in mix.lines if x.key == "service_fees")
    assert line_fig.window_fen == line_fig.ledger_fen == fee.amount_fen and line_fig.reconciles
