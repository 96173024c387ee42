"""Points in the order pipeline: redeemed at checkout (the `points` stage, source `points`: 100 points = ¥1, at most
50 % of the goods), booked in the checkout transaction, refused when short or above the cap with nothing changed,
given back when the unpaid order is cancelled and pro rata on refunds; earned on completion (goods paid, shipping
excluded) and clawed back when a completed order is refunded."""

from __future__ import annotations

from typing import Any

import pytest

from quanzi.catalog.models import Sku
from quanzi.core.errors import DomainError
from quanzi.loyalty.points import selectors, services
from quanzi.loyalty.points.enums import PointsKind
from quanzi.loyalty.points.models import PointsEntry, PointsLot
from quanzi.loyalty.points.tests.helpers import complete, grant, pay, place
from quanzi.orders import services as order_services
from quanzi.orders.models import Order, OrderLineAdjustment
from quanzi.payments import services as payments

pytestmark = pytest.mark.django_db


def _consistent(user: Any) -> None:
    assert selectors.ledger_sum(user_id=user.pk) == selectors.lots_remaining_sum(user_id=user.pk)


def test_checkout_with_points_the_total_is_the_sum_of_the_lines(shop: Any, buyer: Any) -> None:
    grant(buyer, 10000)
    order = place(buyer, [(shop.cream, 1), (shop.soap, 1)], points=3000)
    lines = list(order.lines.all())
    assert order.payable_fen == 13000 + 1000 - 3000 == sum(ln.payable_fen for ln in lines)
    assert sum(ln.points_discount_fen for ln in lines) == 3000
    assert all(ln.goods_payable_fen == ln.list_fen - ln.points_discount_fen for ln in lines)
    rows = OrderLineAdjustment.objects.filter(order_line__order=order, source="points")
    assert sum(r.amount_fen for r in rows) == 3000 and {r.stage for r in rows} == {"points"}
    assert PointsEntry.objects.get(key=f"redeem:order:{order.pk}").points == -3000
    assert selectors.points_balance(user_id=buyer.pk) == 7000
    _consistent(buyer)


@pytest.mark.parametrize(("held", "wanted", "code"), [(500, 800, "points_insufficient"),
                                                      (10000, 6501, "points_over_cap")])
def test_more_than_held_or_above_the_cap_is_refused_and_nothing_changes(shop: Any, buyer: Any, held: int,
                                                                       wanted: int, code: str) -> None:
    grant(buyer, held)
    with pytest.raises(DomainError) as exc:  # the cap: 50 % of ¥130 of goods = 6500 points
        place(buyer, [(shop.cream, 1), (shop.soap, 1)], points=wanted)
    assert exc.value.code == code
    assert not Order.objects.filter(buyer=buyer).exists()
    assert Sku.objects.get(pk=shop.cream.pk).stock == 50
    assert selectors.points_balance(user_id=buyer.pk) == held and PointsEntry.objects.count() == 1
    order = place(buyer, [(shop.cream, 1), (shop.soap, 1)], points=min(held, 6500))  # the most allowed: fine
    assert order.payable_fen == 14000 - min(held, 6500)


def test_the_cap_is_measured_after_coupons_and_campaigns(shop: Any, buyer: Any) -> None:
    from quanzi.orders import pricing

    def coupon(ctx: pricing.PricingContext) -> list[pricing.Adjustment]:
        return [pricing.Adjustment(stage="coupon", amount_fen=3000, label="满减券", source="coupon:test")]

    grant(buyer, 10000)
    pricing.COUPON_ADJUSTERS.append(coupon)
    try:
        with pytest.raises(DomainError) as exc:  # goods ¥130 - ¥30 coupon = ¥100: at most 5000 points
            place(buyer, [(shop.cream, 1), (shop.soap, 1)], points=5001)
        assert exc.value.code == "points_over_cap"
        order = place(buyer, [(shop.cream, 1), (shop.soap, 1)], points=5000)
    finally:
        pricing.COUPON_ADJUSTERS.remove(coupon)
    assert order.payable_fen == 13000 - 3000 - 5000 + 1000


def test_points_spent_meanwhile_refuse_the_checkout(shop: Any, buyer: Any, monkeypatch: Any) -> None:
    from quanzi.loyalty.points import pricing

    grant(buyer, 1000)
    monkeypatch.setattr(pricing, "points_balance", lambda user_id: 5000)  # the quote saw more than is there
    with pytest.raises(DomainError) as exc:
        place(buyer, [(shop.cream, 1)], points=3000)
    assert exc.value.code == "points_insufficient"
    assert not Order.objects.filter(buyer=buyer).exists() and selectors.points_balance(user_id=buyer.pk) == 1000


def test_cancelling_the_unpaid_order_gives_the_points_back_once(shop: Any, buyer: Any,
                                                                 django_capture_on_commit_callbacks: Any) -> None:
    grant(buyer, 4000)
    order = place(buyer, [(shop.cream, 1)], points=2500)
    assert selectors.points_balance(user_id=buyer.pk) == 1500
    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_cancel(user=buyer, order_id=order.pk)
    assert selectors.points_balance(user_id=buyer.pk) == 4000
    from quanzi.orders.hooks import OrderMomentEvent

    services.on_order_cancelled(OrderMomentEvent(moment="cancelled", moment_id=0, order_id=order.pk,
                                                 buyer_id=buyer.pk, merchant_id=0, ref="", amount_fen=0,
                                                 at=order.created_at))  # a replay: nothing twice
    assert selectors.points_balance(user_id=buyer.pk) == 4000
    assert PointsEntry.objects.filter(kind=PointsKind.ORDER_RETURN).count() == 1
    _consistent(buyer)


def test_refunds_give_back_points_pro_rata_and_in_full_at_most(shop: Any, buyer: Any,
                                                                django_capture_on_commit_callbacks: Any) -> None:
    grant(buyer, 5000)
    order = place(buyer, [(shop.cream, 1)], points=5000)
    assert order.payable_fen == 10000 + 1000 - 5000
    with django_capture_on_commit_callbacks(execute=True):
        pay(order)
    line = order.lines.get()
    with django_capture_on_commit_callbacks(execute=True):
        payments.refund_create(order_id=order.pk, amount_fen=3000, refund_no="R-pts-1", lines={line.pk: 3000})
    # points took 5000 of the line's 11000 (goods 10000 + shipping 1000 … of which points 5000): the moment's
    # `sources` says the points' share of ¥30 refunded, and that many points come back
    adj = OrderLineAdjustment.objects.get(order_line=line, source="points").amount_fen
    expected = adj * 3000 // line.payable_fen
    assert selectors.points_balance(user_id=buyer.pk) == expected
    with django_capture_on_commit_callbacks(execute=True):
        payments.refund_create(order_id=order.pk, amount_fen=order.payable_fen - 3000, refund_no="R-pts-2",
                               lines={line.pk: order.payable_fen - 3000})
    assert selectors.points_balance(user_id=buyer.pk) == 5000  # refunded in full: every point back, no more
    assert PointsEntry.objects.filter(user=buyer, kind=PointsKind.REFUND_RETURN).count() == 2
    _consistent(buyer)


def test_a_completed_order_earns_a_point_per_yuan_of_goods_paid_without_shipping(
        shop: Any, buyer: Any, django_capture_on_commit_callbacks: Any) -> None:
    grant(buyer, 2000)
    order = place(buyer, [(shop.cream, 1), (shop.soap, 2)], points=1550)  # goods ¥160 - ¥15.50 = ¥144.50
    with django_capture_on_commit_callbacks(execute=True):
        pay(order)
    with django_capture_on_commit_callbacks(execute=True):
        complete(order, shop.merchant)
    assert Order.objects.get(pk=order.pk).status == "completed"
    earned = PointsEntry.objects.get(key=f"earn:order:{order.pk}")
    assert earned.points == 144 and earned.reason == order.number  # ¥144.50 → 144 points; shipping earns none
    assert selectors.order_earned(order_id=order.pk) == 144
    lot = PointsLot.objects.get(entry=earned)
    assert lot.expires_at.year == earned.created_at.year + 1
    from quanzi.accounts.models import Notification

    assert Notification.objects.filter(recipient=buyer, kind="points", message_id="notify.points_earned").exists()
    _consistent(buyer)


def test_a_refund_before_completion_earns_only_what_was_kept(shop: Any, buyer: Any,
                                                            django_capture_on_commit_callbacks: Any) -> None:
    order = place(buyer, [(shop.cream, 1), (shop.soap, 1)])
    with django_capture_on_commit_callbacks(execute=True):
        pay(order)
    soap_line = order.lines.get(sku=shop.soap)
    with django_capture_on_commit_callbacks(execute=True):
        payments.refund_create(order_id=order.pk, amount_fen=soap_line.payable_fen, refund_no="R-pts-3",
                               lines={soap_line.pk: soap_line.payable_fen})
    assert not PointsEntry.objects.filter(kind=PointsKind.CLAWBACK).exists()  # nothing earned yet
    with django_capture_on_commit_callbacks(execute=True):
        complete(order, shop.merchant)
    assert selectors.order_earned(order_id=order.pk) == 100  # the cream only


def test_a_refund_after_completion_claws_back_what_the_order_no_longer_earns(
        shop: Any, buyer: Any, django_capture_on_commit_callbacks: Any) -> None:
    order = place(buyer, [(shop.cream, 1), (shop.soap, 1)])
    with django_capture_on_commit_callbacks(execute=True):
        pay(order)
    with django_capture_on_commit_callbacks(execute=True):
        complete(order, shop.merchant)
    assert selectors.points_balance(user_id=buyer.pk) == 130
    soap_line = order.lines.get(sku=shop.soap)
    with django_capture_on_commit_callbacks(execute=True):
        payments.refund_create(order_id=order.pk, amount_fen=soap_line.payable_fen, refund_no="R-pts-4",
                               lines={soap_line.pk: soap_line.payable_fen})
    assert selectors.points_balance(user_id=buyer.pk) == 100  # the soap's 30 points go
    # the member spends most of the rest; a full refund claws what is held and tries the rest on the next one
    from quanzi.loyalty.points.tests.helpers import mall_item
    from quanzi.orders.tests.helpers import address

    item = mall_item(cost_points=90)
    services.mall_redeem(user=buyer, item_id=item.pk, address_id=address(buyer).pk)
    cream_line = order.lines.get(sku=shop.cream)
    with django_capture_on_commit_callbacks(execute=True):
        payments.refund_create(order_id=order.pk, amount_fen=cream_line.payable_fen, refund_no="R-pts-5",
                               lines={cream_line.pk: cream_line.payable_fen})
    assert selectors.points_balance(user_id=buyer.pk) == 0  # never below zero
    clawed = -sum(PointsEntry.objects.filter(kind=PointsKind.CLAWBACK).values_list("points", flat=True))
    assert clawed == 30 + 10
    _consistent(buyer)
