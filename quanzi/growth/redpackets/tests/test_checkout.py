"""The balance in the price waterfall: spent at checkout (the `points` stage, source `balance`), booked in the
checkout transaction, refused when short, given back when the unpaid order is cancelled and pro rata on refunds."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from conftest import make_user
from quanzi.catalog.models import Sku
from quanzi.catalog.tests import factories as f
from quanzi.core.errors import DomainError
from quanzi.growth.redpackets.enums import BalanceKind
from quanzi.growth.redpackets.models import BalanceEntry
from quanzi.growth.redpackets.selectors import balance_of
from quanzi.growth.redpackets.tests.helpers import grant
from quanzi.orders import services as order_services
from quanzi.orders.models import Order, OrderLineAdjustment
from quanzi.orders.tests.helpers import address
from quanzi.payments import services as payments
from quanzi.payments.tests.helpers import pay_with_sandbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db: None) -> Any:
    m = f.approved_merchant()
    _p, cream = f.product_with_sku(m, price_fen=10000, stock=20, title="面霜")
    _p, soap = f.product_with_sku(m, price_fen=3000, stock=20, title="香皂")
    order_services.shipping_template_set(user=m.user, mode="piece", first_units=1, first_fee_fen=1000,
                                         additional_units=1, additional_fee_fen=0, free_threshold_fen=None)
    return type("Shop", (), {"cream": cream, "soap": soap})


@pytest.fixture
def buyer(operator: Any) -> Any:
    u = make_user("买家")
    grant(operator, u, 5000)
    return u


def place(user: Any, items: list[tuple[Sku, int]], balance_fen: int | None = None) -> Any:
    options = {"balance_fen": balance_fen} if balance_fen is not None else {}
    return order_services.order_place(user=user, address_id=address(user).pk, idempotency_key=uuid.uuid4().hex,
                                      items=[(s.pk, q) for s, q in items], options=options)


def test_checkout_spends_the_balance_as_a_waterfall_step(shop: Any, buyer: Any) -> None:
    order = place(buyer, [(shop.cream, 1), (shop.soap, 1)], balance_fen=3000).orders.get()
    assert order.payable_fen == 13000 + 1000 - 3000
    lines = list(order.lines.all())
    assert sum(ln.points_discount_fen for ln in lines) == 3000
    rows = OrderLineAdjustment.objects.filter(order_line__order=order, source="balance")
    assert sum(r.amount_fen for r in rows) == 3000 and {r.stage for r in rows} == {"points"}
    assert balance_of(user_id=buyer.pk) == 2000
    assert BalanceEntry.objects.get(reference=f"order-spend:{order.pk}").amount_fen == -3000


def test_the_spend_is_capped_at_the_balance_and_at_the_goods(shop: Any, buyer: Any) -> None:
    order = place(buyer, [(shop.soap, 1)], balance_fen=99999).orders.get()
    assert order.payable_fen == 3000 + 1000 - 3000  # the goods are covered; shipping is still paid
    assert balance_of(user_id=buyer.pk) == 2000
    nobody = make_user()
    order = place(nobody, [(shop.soap, 1)], balance_fen=500).orders.get()
    assert order.payable_fen == 4000 and not BalanceEntry.objects.filter(user=nobody).exists()


def test_a_balance_spent_meanwhile_refuses_the_checkout_and_nothing_changes(shop: Any, buyer: Any,
                                                                              monkeypatch: Any) -> None:
    from quanzi.growth.redpackets import pricing

    # the quote saw ¥50 but the balance is gone by the time the checkout books it
    monkeypatch.setattr(pricing, "balance_of", lambda user_id: 5000)
    BalanceEntry.objects.create(user=buyer, amount_fen=-4000, kind=BalanceKind.CHECKOUT_SPEND, reference="elsewhere")
    with pytest.raises(DomainError) as exc:
        place(buyer, [(shop.cream, 1)], balance_fen=5000)
    assert exc.value.code == "balance_insufficient"
    assert Order.objects.filter(buyer=buyer).count() == 0 and balance_of(user_id=buyer.pk) == 1000
    assert Sku.objects.get(pk=shop.cream.pk).stock == 20


def test_cancelling_the_unpaid_order_gives_the_balance_back_once(shop: Any, buyer: Any,
                                                                  django_capture_on_commit_callbacks: Any) -> None:
    order = place(buyer, [(shop.cream, 1)], balance_fen=2500).orders.get()
    assert balance_of(user_id=buyer.pk) == 2500
    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_cancel(user=buyer, order_id=order.pk)
    assert balance_of(user_id=buyer.pk) == 5000
    from quanzi.growth.redpackets import services
    from quanzi.orders.hooks import OrderMomentEvent

    services.on_order_cancelled(OrderMomentEvent(moment="cancelled", moment_id=0, order_id=order.pk,
                                                 buyer_id=buyer.pk, merchant_id=0, ref="", amount_fen=0,
                                                 at=order.created_at))  # a replay: nothing twice
    assert balance_of(user_id=buyer.pk) == 5000


def test_refunds_give_back_the_balance_pro_rata_and_in_full_at_most(shop: Any, buyer: Any,
                                                                      django_capture_on_commit_callbacks: Any) -> None:
    order = place(buyer, [(shop.cream, 1)], balance_fen=5000).orders.get()
    assert order.payable_fen == 10000 + 1000 - 5000
    payment = payments.payment_create(user=buyer, order_id=order.pk, gateway="sandbox")
    with django_capture_on_commit_callbacks(execute=True):
        assert pay_with_sandbox(payment).ok
    line = order.lines.get()
    with django_capture_on_commit_callbacks(execute=True):
        payments.refund_create(order_id=order.pk, amount_fen=3000, refund_no="R-rp-1", lines={line.pk: 3000})
    back = balance_of(user_id=buyer.pk)
    assert 0 < back < 5000  # part of the balance, in proportion to what was refunded
    with django_capture_on_commit_callbacks(execute=True):
        payments.refund_create(order_id=order.pk, amount_fen=order.payable_fen - 3000, refund_no="R-rp-2",
                               lines={line.pk: order.payable_fen - 3000})
    assert balance_of(user_id=buyer.pk) == 5000  # refunded in full: every fen of balance back, no more
    assert BalanceEntry.objects.filter(user=buyer, kind=BalanceKind.REFUND_RETURN).count() == 2
