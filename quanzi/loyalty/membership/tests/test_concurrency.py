"""Growth and paid membership under concurrency, on PostgreSQL (skipped on SQLite, which serialises writers
anyway): the same growth grant key 20 times at once pays once; 20 different grants of one member all count and the
cache agrees with the ledger; the free trial 20 times at once starts once; two plan payments of one member at once
stack one after the other. Transactions really commit here."""

from __future__ import annotations

import uuid

import pytest

from quanzi.accounts.models import User
from quanzi.core.testing import race
from quanzi.loyalty.membership import selectors, services
from quanzi.loyalty.membership.models import GrowthEntry, LevelChange, MembershipPeriod
from quanzi.loyalty.membership.tests.helpers import plan
from quanzi.orders.models import Order
from quanzi.payments import services as payments
from quanzi.payments.tests.helpers import pay_with_sandbox

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _user(phone: str) -> User:
    return User.objects.create(phone=phone, nickname="并发会员")


def test_the_same_growth_key_twenty_times_at_once_pays_once() -> None:
    u = _user("13600000001")
    outcomes = race([lambda: services.growth_grant(user_id=u.pk, amount=1500, key="task:first_order:1",
                                                   reason="首单") for _ in range(20)])
    assert outcomes == ["ok"] * 20, outcomes
    assert GrowthEntry.objects.filter(user=u).count() == 1
    assert selectors.growth_of(user_id=u.pk) == 1500 == selectors.growth_cached(user_id=u.pk)
    assert list(LevelChange.objects.filter(user=u).values_list("to_level__name", flat=True)) == ["银卡"]


def test_twenty_different_grants_at_once_all_count_and_the_level_moves_once() -> None:
    u = _user("13600000002")
    outcomes = race([lambda i=i: services.growth_grant(user_id=u.pk, amount=50, key=f"checkin:{u.pk}:{i}",
                                                       reason="打卡") for i in range(20)])
    assert outcomes == ["ok"] * 20, outcomes
    assert selectors.growth_of(user_id=u.pk) == 1000 == selectors.growth_cached(user_id=u.pk)
    assert list(LevelChange.objects.filter(user=u).order_by("id").values_list("to_level__name", flat=True)) \
        == ["普通会员", "银卡"]


def test_the_free_trial_twenty_times_at_once_starts_once() -> None:
    u = _user("13600000003")
    trial = plan("plus-trial")
    outcomes = race([lambda: services.trial_start(user=u, plan_id=trial.pk) for _ in range(20)])
    assert outcomes.count("ok") == 1 and set(outcomes) == {"ok", "trial_used"}, outcomes
    assert MembershipPeriod.objects.filter(user=u).count() == 1


def test_two_plan_payments_at_once_stack() -> None:
    u = _user("13600000004")
    orders = []
    for code in ("plus-monthly", "plus-yearly"):
        checkout = services.plan_buy(user=u, plan_id=plan(code).pk, idempotency_key=uuid.uuid4().hex)
        orders.append(checkout.orders.get())
    paid = [payments.payment_create(user=u, order_id=o.pk, gateway="sandbox") for o in orders]
    outcomes = race([lambda p=p: pay_with_sandbox(p) for p in paid])
    assert outcomes == ["ok", "ok"], outcomes
    assert all(o.status == "delivered" for o in Order.objects.filter(pk__in=[o.pk for o in orders]))
    first, second = MembershipPeriod.objects.filter(user=u).order_by("starts_at")
    assert second.starts_at == first.ends_at  # never two periods over the same days
