"""Coupons under concurrency, on PostgreSQL (skipped on SQLite, which serialises writers anyway): a quota of 50
with 200 concurrent claims gives exactly 50 coupons; per-member limits hold when one member claims many times at
once; one coupon in ten concurrent checkouts is used once; and the two orders of a checkout cancelled at once give
the coupon back once. Transactions really commit here (transaction=True)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection

from quanzi.accounts.models import User
from quanzi.catalog.models import Sku
from quanzi.core.testing import race, race_in_batches
from quanzi.growth.coupons import services
from quanzi.growth.coupons.enums import CouponStatus
from quanzi.growth.coupons.models import Coupon, CouponHolding, CouponStatusChange, CouponTemplate
from quanzi.growth.coupons.tests.helpers import claim, template
from quanzi.orders import services as order_services
from quanzi.orders.models import CheckoutSession, Order
from quanzi.orders.tests.helpers import address

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 50  # PostgreSQL allows 100 connections here: 200 claims go through 50 connections, 4 each, all at once


def _members(n: int, prefix: str = "1360") -> list[User]:
    return [User.objects.create(phone=f"{prefix}{i:07d}", nickname=f"会员{i}") for i in range(n)]




def test_a_quota_of_50_with_200_concurrent_claims_gives_exactly_50(operator: Any) -> None:
    assert connection.vendor == "postgresql"
    t = template(operator, total_quota=50, per_member_limit=1)
    members = _members(200)
    outcomes = race_in_batches([lambda m=m: services.coupon_claim(user=m, template_id=t.pk) for m in members], THREADS)
    assert outcomes.count("ok") == 50, outcomes
    assert set(outcomes) == {"ok", "coupon_exhausted"}
    t.refresh_from_db()
    assert t.claimed_count == 50 == Coupon.objects.filter(template=t).count()
    assert Coupon.objects.filter(template=t).values("user").distinct().count() == 50
    assert sum(CouponHolding.objects.filter(template=t).values_list("claimed_count", flat=True)) == 50


def test_per_member_limits_hold_when_each_member_claims_many_times_at_once(operator: Any) -> None:
    t = template(operator, total_quota=1000, per_member_limit=2)
    members = _members(20, prefix="1361")
    calls = [lambda m=m: services.coupon_claim(user=m, template_id=t.pk) for m in members for _i in range(5)]
    outcomes = race_in_batches(calls, THREADS)
    assert outcomes.count("ok") == 40 and outcomes.count("claim_limit_reached") == 60, outcomes
    counts = {m.pk: Coupon.objects.filter(template=t, user=m).count() for m in members}
    assert set(counts.values()) == {2}
    assert CouponTemplate.objects.get(pk=t.pk).claimed_count == 40
    # one member, twenty claims at once, a limit of 3
    solo_t = template(operator, per_member_limit=3)
    solo = _members(1, prefix="1362")[0]
    outcomes = race([lambda: services.coupon_claim(user=solo, template_id=solo_t.pk) for _i in range(20)])
    assert outcomes.count("ok") == 3 and Coupon.objects.filter(template=solo_t, user=solo).count() == 3, outcomes


def test_one_coupon_in_ten_concurrent_checkouts_is_used_once(operator: Any, shop: Any, member: User) -> None:
    c = claim(member, template(operator))
    addr = address(member).pk
    outcomes = race([
        lambda: order_services.order_place(user=member, address_id=addr, idempotency_key=uuid.uuid4().hex,
                                           items=[(shop.cream.pk, 1)], options={"coupon_ids": [c.pk]})
        for _i in range(10)])
    assert outcomes.count("ok") == 1 and set(outcomes) == {"ok", "coupon_used"}, outcomes
    assert CheckoutSession.objects.count() == 1 and Order.objects.count() == 1
    assert Sku.objects.get(pk=shop.cream.pk).stock == 19  # the refused ones took no stock
    assert Coupon.objects.get(pk=c.pk).status == CouponStatus.USED
    assert CouponTemplate.objects.get(pk=c.template_id).used_count == 1


def test_two_orders_of_one_checkout_cancelled_at_once_return_the_coupon_once(operator: Any, shop: Any,
                                                                             other_shop: Any, member: User) -> None:
    c = claim(member, template(operator, amount_fen=3000))
    session = order_services.order_place(user=member, address_id=address(member).pk,
                                         idempotency_key=uuid.uuid4().hex,
                                         items=[(shop.cream.pk, 1), (other_shop.tea.pk, 1)],
                                         options={"coupon_ids": [c.pk]})
    first, second = session.orders.order_by("id")
    outcomes = race([lambda o=o: order_services.order_cancel(user=member, order_id=o.pk) for o in (first, second)])
    assert outcomes == ["ok", "ok"]
    assert Coupon.objects.get(pk=c.pk).status == CouponStatus.UNUSED
    assert CouponStatusChange.objects.filter(coupon=c, to_status="unused").count() == 1
    assert CouponTemplate.objects.get(pk=c.template_id).used_count == 0
