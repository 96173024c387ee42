"""Level and paid-member benefits in the price waterfall, in the quote and in the placed order: member price for
银卡 and up, none for 普通会员; the level's free-shipping threshold; a paid member's member price, extra discount
and free shipping; every order's total is the sum of its lines."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from conftest import make_user
from quanzi.loyalty.membership.enums import PeriodStatus
from quanzi.loyalty.membership.models import BenefitUse, MembershipPeriod
from quanzi.loyalty.membership.pricing import LEVEL_SHIPPING_SOURCE, PLAN_SHIPPING_SOURCE, PLAN_SOURCE
from quanzi.loyalty.membership.tests.helpers import address_id, grow, plan, shop
from quanzi.orders import services as orders
from quanzi.orders.models import Order, OrderLineAdjustment
from quanzi.orders.selectors import quote_preview

pytestmark = pytest.mark.django_db


def _checkout(user, sku, quantity=1) -> Order:  # type: ignore[no-untyped-def]
    checkout = orders.order_place(user=user, address_id=address_id(user), idempotency_key=uuid.uuid4().hex,
                                  items=[(sku.pk, quantity)])
    order = checkout.orders.get()
    lines = list(order.lines.all())
    assert order.payable_fen == sum(ln.payable_fen for ln in lines) == checkout.total_fen
    assert all(ln.payable_fen == ln.list_fen - ln.member_discount_fen - ln.campaign_discount_fen
               - ln.coupon_discount_fen - ln.points_discount_fen + ln.shipping_fen for ln in lines)
    return order


def _paid_period(user, code="plus-yearly") -> MembershipPeriod:  # type: ignore[no-untyped-def]
    now = timezone.now()
    p = plan(code)
    return MembershipPeriod.objects.create(user=user, plan=p, key=f"test:{uuid.uuid4().hex}", starts_at=now,
                                           ends_at=now + timezone.timedelta(days=p.days), paid_fen=p.price_fen)


def test_member_price_by_level_in_quote_and_checkout() -> None:
    _m, sku = shop(price_fen=10000, member_price_fen=9000)
    plain, silver = make_user("普通"), make_user("银卡")
    grow(plain, 999)
    grow(silver, 1000)
    assert quote_preview(user=plain, items=[(sku.pk, 2)]).total_fen == 20000
    assert quote_preview(user=silver, items=[(sku.pk, 2)]).total_fen == 18000
    assert _checkout(plain, sku, 2).payable_fen == 20000
    order = _checkout(silver, sku, 2)
    assert order.payable_fen == 18000 and order.lines.get().member_discount_fen == 2000
    assert not BenefitUse.objects.exists()  # a level's member price is no paid benefit


def test_level_free_shipping_threshold() -> None:
    _m, sku = shop(price_fen=5000, member_price_fen=None, shipping_fee_fen=800)
    gold = make_user("金卡")
    grow(gold, 5000)  # free shipping from ¥49 of goods at one shop
    order = _checkout(gold, sku, 1)
    assert order.shipping_fen == 0 and order.payable_fen == 5000
    assert OrderLineAdjustment.objects.filter(order_line__order=order, source=LEVEL_SHIPPING_SOURCE,
                                              amount_fen=800).exists()
    _m2, cheap = shop(price_fen=4000, member_price_fen=None, shipping_fee_fen=800)
    assert _checkout(gold, cheap, 1).shipping_fen == 800  # ¥40 is under the threshold
    silver = make_user()
    grow(silver, 1000)  # 银卡: from ¥99
    assert _checkout(silver, sku, 1).shipping_fen == 800
    assert _checkout(silver, sku, 2).shipping_fen == 0


def test_paid_member_gets_member_price_extra_discount_and_free_shipping() -> None:
    _m, sku = shop(price_fen=10000, member_price_fen=9000, shipping_fee_fen=800)
    u = make_user("PLUS")
    assert _checkout(u, sku, 1).payable_fen == 10800
    period = _paid_period(u, "plus-yearly")  # 5 % extra, free shipping
    quote = quote_preview(user=u, items=[(sku.pk, 1)])
    assert quote.total_fen == 9000 - 450 and quote.shipping_fen == 0
    order = _checkout(u, sku, 1)
    line = order.lines.get()
    assert (line.member_discount_fen, line.campaign_discount_fen, order.shipping_fen) == (1000, 450, 0)
    assert order.payable_fen == 8550
    sources = dict(OrderLineAdjustment.objects.filter(order_line=line).values_list("source", "amount_fen"))
    assert sources == {"member": 1000, PLAN_SOURCE: 450, PLAN_SHIPPING_SOURCE: 800}
    use = BenefitUse.objects.get(order_id=order.pk)
    assert use.period == period and use.amount_fen == 1000 + 450 + 800


def test_benefits_stop_when_the_period_ends_or_is_refunded() -> None:
    _m, sku = shop(price_fen=10000, member_price_fen=9000)
    u = make_user()
    period = _paid_period(u, "plus-monthly")
    assert quote_preview(user=u, items=[(sku.pk, 1)]).total_fen == 9000
    MembershipPeriod.objects.filter(pk=period.pk).update(ends_at=timezone.now())
    assert quote_preview(user=u, items=[(sku.pk, 1)]).total_fen == 10000
    period = _paid_period(u, "plus-monthly")
    MembershipPeriod.objects.filter(pk=period.pk).update(status=PeriodStatus.REFUNDED)
    assert quote_preview(user=u, items=[(sku.pk, 1)]).total_fen == 10000
