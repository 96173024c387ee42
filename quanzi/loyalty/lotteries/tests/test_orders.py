"""Buyers' lotteries through the real order pipeline: every paid order of the eligible product gives its buyer
one number (two orders, two numbers; an unpaid order none; a replayed moment nothing twice); a full refund before
the draw revokes the number, a partial one keeps it, a refund after the draw changes nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from conftest import make_user
from quanzi.accounts.models import Notification
from quanzi.catalog.tests import factories as f
from quanzi.loyalty.lotteries import selectors, services
from quanzi.loyalty.lotteries.enums import EntryStatus, LotteryStatus
from quanzi.loyalty.lotteries.models import LotteryEntry
from quanzi.loyalty.lotteries.tests.helpers import close, lottery
from quanzi.orders import services as order_services
from quanzi.orders.hooks import OrderMomentEvent
from quanzi.orders.tests.helpers import address
from quanzi.payments import services as payments
from quanzi.payments.tests.helpers import pay_with_sandbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db: None) -> Any:
    m = f.approved_merchant()
    cream, cream_sku = f.product_with_sku(m, price_fen=10000, stock=50, title="山茶花面霜")
    _soap, soap_sku = f.product_with_sku(m, price_fen=3000, stock=50, title="香皂")
    return type("Shop", (), {"cream": cream, "cream_sku": cream_sku, "soap_sku": soap_sku})


def _order(user: Any, sku: Any, qty: int = 1) -> Any:
    return order_services.order_place(user=user, address_id=address(user).pk, idempotency_key=uuid.uuid4().hex,
                                      items=[(sku.pk, qty)]).orders.get()


def _pay(user: Any, order: Any, capture: Any) -> None:
    payment = payments.payment_create(user=user, order_id=order.pk, gateway="sandbox")
    with capture(execute=True):
        assert pay_with_sandbox(payment).ok


def _refund(order: Any, fen: int, capture: Any) -> None:
    line = order.lines.get()
    with capture(execute=True):
        payments.refund_create(order_id=order.pk, amount_fen=fen, refund_no=f"R-{uuid.uuid4().hex[:10]}",
                               lines={line.pk: fen})


def test_one_number_per_paid_order_of_the_product(operator: Any, shop: Any,
                                                  django_capture_on_commit_callbacks: Any) -> None:
    lot = lottery(operator, None, eligibility="buyers", product_id=shop.cream.pk)
    buyer = make_user("买家")
    first, second = _order(buyer, shop.cream_sku, qty=3), _order(buyer, shop.cream_sku)
    unpaid, other = _order(buyer, shop.cream_sku), _order(buyer, shop.soap_sku)
    for o in (first, second, other):
        _pay(buyer, o, django_capture_on_commit_callbacks)
    mine = selectors.my_entries(lottery=lot, user=buyer)
    assert [(e.number, e.order_id, e.source) for e in mine] == [(1, first.pk, "order"), (2, second.pk, "order")]
    assert not LotteryEntry.objects.filter(order_id__in=[unpaid.pk, other.pk]).exists()
    assert Notification.objects.filter(recipient=buyer, kind="lottery").count() == 2
    replay = OrderMomentEvent(moment="paid", moment_id=0, order_id=first.pk, buyer_id=buyer.pk, merchant_id=0,
                              ref="", amount_fen=0, at=first.paid_at or first.created_at)
    services.on_order_paid(replay)
    assert LotteryEntry.objects.filter(lottery=lot).count() == 2


def test_a_payment_after_the_close_gives_no_number(operator: Any, shop: Any,
                                                    django_capture_on_commit_callbacks: Any) -> None:
    lot = lottery(operator, None, eligibility="buyers", product_id=shop.cream.pk)
    close(lot)
    buyer = make_user()
    _pay(buyer, _order(buyer, shop.cream_sku), django_capture_on_commit_callbacks)
    assert not LotteryEntry.objects.filter(lottery=lot).exists()


def test_a_full_refund_before_the_draw_revokes_the_number(operator: Any, shop: Any,
                                                          django_capture_on_commit_callbacks: Any) -> None:
    lot = lottery(operator, None, eligibility="buyers", product_id=shop.cream.pk)
    buyer, keeper = make_user("退款的"), make_user("部分退款的")
    refunded, partial = _order(buyer, shop.cream_sku), _order(keeper, shop.cream_sku)
    _pay(buyer, refunded, django_capture_on_commit_callbacks)
    _pay(keeper, partial, django_capture_on_commit_callbacks)
    refunded.refresh_from_db()
    partial.refresh_from_db()
    _refund(refunded, 4000, django_capture_on_commit_callbacks)
    assert LotteryEntry.objects.get(order_id=refunded.pk).status == EntryStatus.VALID  # partial so far
    _refund(refunded, refunded.payable_fen - 4000, django_capture_on_commit_callbacks)
    _refund(partial, 1000, django_capture_on_commit_callbacks)
    assert LotteryEntry.objects.get(order_id=refunded.pk).status == EntryStatus.REVOKED
    assert LotteryEntry.objects.get(order_id=partial.pk).status == EntryStatus.VALID
    close(lot)
    lot = services.lottery_draw(lottery_id=lot.pk, actor=operator)
    data = selectors.published_data(lottery=lot)
    assert data["entries"] == [2] and data["revoked"] == [1]
    assert [w["number"] for w in data["winners"]] == [2]


def test_a_refund_after_the_draw_changes_nothing(operator: Any, shop: Any,
                                                 django_capture_on_commit_callbacks: Any) -> None:
    lot = lottery(operator, None, eligibility="buyers", product_id=shop.cream.pk)
    buyer = make_user()
    order = _order(buyer, shop.cream_sku)
    _pay(buyer, order, django_capture_on_commit_callbacks)
    close(lot)
    services.lottery_draw(lottery_id=lot.pk, actor=operator)
    order.refresh_from_db()
    _refund(order, order.payable_fen, django_capture_on_commit_callbacks)
    lot.refresh_from_db()
    assert lot.status == LotteryStatus.DRAWN
    assert LotteryEntry.objects.get(order_id=order.pk).status == EntryStatus.VALID
