"""Paid membership bought through the normal order and payment flow: the plan's virtual SKU, an order without an
address, a real sandbox payment starts the period; a renewal stacks after the current one; a refund ends the
benefits (full within 7 days when unused, pro rata or none after, by plan) and pulls later periods forward; the
trial once per member; the level's monthly coupons once per month."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from conftest import make_user
from quanzi.core.errors import DomainError
from quanzi.growth.coupons import services as coupons
from quanzi.growth.coupons.enums import ClaimMode, CouponKind
from quanzi.growth.coupons.models import Coupon
from quanzi.loyalty.membership import selectors, services
from quanzi.loyalty.membership.enums import PeriodStatus
from quanzi.loyalty.membership.models import GrowthEntry, MembershipPeriod
from quanzi.loyalty.membership.tests.helpers import buy, complete, grow, level, pay, place, plan, shop
from quanzi.orders.enums import OrderStatus
from quanzi.orders.selectors import quote_preview
from quanzi.payments.models import Refund

pytestmark = pytest.mark.django_db(transaction=True)


def _code(fn, **kw) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as e:
        fn(**kw)
    return str(e.value.code)


def test_buying_a_plan_through_a_sandbox_payment_starts_the_membership() -> None:
    _m, sku = shop(price_fen=10000, member_price_fen=9000)
    u = make_user("买会员")
    assert not selectors.is_paid_member(user_id=u.pk)
    checkout = services.plan_buy(user=u, plan_id=plan("plus-monthly").pk, idempotency_key=uuid.uuid4().hex)
    order = checkout.orders.get()
    assert order.is_virtual and order.payable_fen == 1500 and order.ship_address == ""
    assert not selectors.is_paid_member(user_id=u.pk)  # placed is not paid
    order = pay(u, order)
    assert order.status == OrderStatus.DELIVERED  # a virtual good is delivered on payment
    period = MembershipPeriod.objects.get(user=u)
    assert (period.order_id, period.paid_fen, period.status) == (order.pk, 1500, PeriodStatus.ACTIVE)
    assert period.ends_at - period.starts_at == dt.timedelta(days=30)
    assert selectors.is_paid_member(user_id=u.pk)
    assert quote_preview(user=u, items=[(sku.pk, 1)]).total_fen == 9000


def test_a_renewal_starts_where_the_current_period_ends() -> None:
    u = make_user()
    buy(u, "plus-monthly")
    buy(u, "plus-yearly")
    first, second = MembershipPeriod.objects.filter(user=u).order_by("starts_at")
    assert second.starts_at == first.ends_at
    assert second.ends_at - first.starts_at == dt.timedelta(days=30 + 365)
    assert selectors.paid_until(user_id=u.pk) == second.ends_at
    assert selectors.period_now(user_id=u.pk) == first  # the yearly one waits for its turn


def test_an_unused_plan_refunded_within_7_days_in_full_ends_the_benefits() -> None:
    _m, sku = shop(price_fen=10000, member_price_fen=9000)
    u = make_user()
    order = buy(u, "plus-monthly")
    period = MembershipPeriod.objects.get(user=u)
    quote = selectors.refund_quote(period=period)
    assert (quote.amount_fen, quote.rule) == (1500, "full")
    services.period_refund(user=u, period_id=period.pk)
    assert Refund.objects.get(refund_no=f"MB-{period.pk}").amount_fen == 1500
    period.refresh_from_db()
    assert period.status == PeriodStatus.REFUNDED and period.refunded_fen == 1500
    assert period.ends_at <= timezone.now()
    assert not selectors.is_paid_member(user_id=u.pk)
    assert quote_preview(user=u, items=[(sku.pk, 1)]).total_fen == 10000
    order.refresh_from_db()
    assert order.refunded_fen == 1500
    # asking again: nothing left to refund, nothing changes
    assert _code(services.period_refund, user=u, period_id=period.pk) == "refund_not_allowed"
    assert Refund.objects.filter(order_id=order.pk).count() == 1


def test_after_a_benefit_is_used_the_yearly_plan_refunds_pro_rata_and_the_monthly_none() -> None:
    merchant, sku = shop(price_fen=10000, member_price_fen=9000)
    u = make_user()
    buy(u, "plus-yearly")
    yearly = MembershipPeriod.objects.get(user=u)
    pay(u, place(u, sku, 1))  # used the member price
    quote = selectors.refund_quote(period=yearly)
    assert quote.benefit_used and quote.rule == "pro_rata"
    assert quote.amount_fen == 12800 * 364 // 365  # the day begun counts as used
    services.period_refund(user=u, period_id=yearly.pk)
    yearly.refresh_from_db()
    assert yearly.status == PeriodStatus.REFUNDED and yearly.refunded_fen == quote.amount_fen

    v = make_user()
    buy(v, "plus-monthly")
    monthly = MembershipPeriod.objects.get(user=v)
    pay(v, place(v, sku, 1))
    quote = selectors.refund_quote(period=monthly)
    assert quote.amount_fen == 0 and quote.rule == "none"
    assert _code(services.period_refund, user=v, period_id=monthly.pk) == "refund_not_allowed"
    # an order cancelled unpaid is no use
    w = make_user()
    buy(w, "plus-monthly")
    from quanzi.orders import services as orders

    unpaid = place(w, sku, 1)
    orders.order_cancel(user=w, order_id=unpaid.pk)
    assert selectors.refund_quote(period=MembershipPeriod.objects.get(user=w)).rule == "full"


def test_refunding_the_current_period_pulls_the_renewal_forward() -> None:
    u = make_user()
    buy(u, "plus-monthly")
    buy(u, "plus-yearly")
    first, second = MembershipPeriod.objects.filter(user=u).order_by("starts_at")
    services.period_refund(user=u, period_id=first.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == PeriodStatus.REFUNDED
    assert abs((second.starts_at - first.ends_at).total_seconds()) < 1
    assert second.starts_at <= timezone.now() + dt.timedelta(seconds=1)
    assert second.ends_at - second.starts_at == dt.timedelta(days=365)
    assert selectors.is_paid_member(user_id=u.pk)


def test_refunding_the_waiting_renewal_leaves_the_current_period() -> None:
    u = make_user()
    buy(u, "plus-monthly")
    buy(u, "plus-yearly")
    first, second = MembershipPeriod.objects.filter(user=u).order_by("starts_at")
    assert selectors.refund_quote(period=second).amount_fen == 12800
    services.period_refund(user=u, period_id=second.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == PeriodStatus.ACTIVE and second.status == PeriodStatus.REFUNDED
    assert second.ends_at == second.starts_at  # never started: dropped
    assert selectors.paid_until(user_id=u.pk) == first.ends_at


def test_the_trial_once_per_member_and_never_after_a_paid_period() -> None:
    trial = plan("plus-trial")
    u = make_user()
    period = services.trial_start(user=u, plan_id=trial.pk)
    assert period.ends_at - period.starts_at == dt.timedelta(days=7)
    assert selectors.is_paid_member(user_id=u.pk)
    assert _code(services.trial_start, user=u, plan_id=trial.pk) == "trial_used"
    payer = make_user()
    buy(payer, "plus-monthly")
    assert _code(services.trial_start, user=payer, plan_id=trial.pk) == "trial_used"
    assert _code(services.plan_buy, user=u, plan_id=trial.pk, idempotency_key=uuid.uuid4().hex) \
        == "plan_not_for_sale"
    assert _code(services.trial_start, user=u, plan_id=plan("plus-monthly").pk) == "plan_not_for_sale"
    assert selectors.refund_quote(period=period).amount_fen == 0


def test_a_plan_bought_earns_no_growth_when_its_order_completes() -> None:
    u = make_user()
    order = buy(u, "plus-yearly")
    services.on_order_completed(type("E", (), {"order_id": order.pk})())  # type: ignore[arg-type]
    assert not GrowthEntry.objects.filter(user=u).exists()


def test_monthly_coupons_of_the_level_once_per_member_and_month() -> None:
    from quanzi.catalog.tests import factories as f

    op = f.operator()
    now = timezone.now()
    template = coupons.template_create(actor=op, name="金卡月礼 满100减10", kind=CouponKind.AMOUNT_OFF,
                                       amount_fen=1000, threshold_fen=10000, total_quota=100, per_member_limit=24,
                                       claim_mode=ClaimMode.GRANT, claim_starts_at=now - dt.timedelta(days=1),
                                       claim_ends_at=now + dt.timedelta(days=60), valid_days=30)
    level("金卡").monthly_coupons.add(template)
    gold, silver = make_user(), make_user()
    grow(gold, 6000)
    grow(silver, 1500)
    services.level_monthly_coupons_grant(month="2026-11")
    services.level_monthly_coupons_grant(month="2026-11")
    assert Coupon.objects.filter(user=gold, template=template).count() == 1
    assert not Coupon.objects.filter(user=silver).exists()
    services.level_monthly_coupons_grant(month="2026-12")
    assert Coupon.objects.filter(user=gold, template=template).count() == 2


def test_growth_from_a_completed_order_with_member_price() -> None:
    merchant, sku = shop(price_fen=10000, member_price_fen=9000)
    u = make_user()
    grow(u, 1000)
    complete(merchant, u, pay(u, place(u, sku, 1)))
    assert selectors.growth_of(user_id=u.pk) == 1000 + 90
