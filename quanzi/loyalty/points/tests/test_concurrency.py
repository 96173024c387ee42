"""Points under concurrency, on PostgreSQL (skipped on SQLite, which serialises writers anyway): twenty
redemptions of the same points at once — in the mall and at checkout — never spend more than the member holds;
twenty members racing for the last units of a mall item never take more than its stock; the expiry job racing
spends never writes off points that were spent, nor spends points it wrote off. Transactions really commit here."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.utils import timezone

from quanzi.accounts.models import User
from quanzi.core.testing import race
from quanzi.loyalty.points import selectors, services
from quanzi.loyalty.points.enums import PointsKind
from quanzi.loyalty.points.models import MallItem, MallRedemption, PointsEntry, PointsLot
from quanzi.loyalty.points.tests.helpers import grant, mall_item
from quanzi.loyalty.points.tests.helpers import shop as make_shop
from quanzi.orders import services as order_services
from quanzi.orders.models import Order
from quanzi.orders.tests.helpers import address

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _consistent(user: Any) -> None:
    assert selectors.ledger_sum(user_id=user.pk) == selectors.lots_remaining_sum(user_id=user.pk)


def test_twenty_mall_redemptions_of_the_same_points_never_overspend() -> None:
    member = User.objects.create(phone="13600000001", nickname="抢兑的人")
    grant(member, 600)
    grant(member, 400)  # two lots: the draws cross a lot boundary under contention
    item = mall_item(cost_points=100, stock=100, per_member_limit=100)
    addr = address(member).pk
    outcomes = race([lambda: services.mall_redeem(user=member, item_id=item.pk, address_id=addr)
                     for _ in range(20)])
    assert outcomes.count("ok") == 10 and set(outcomes) == {"ok", "points_insufficient"}, outcomes
    assert selectors.points_balance(user_id=member.pk) == 0
    assert MallItem.objects.get(pk=item.pk).redeemed_count == 10 == MallRedemption.objects.count()
    assert PointsEntry.objects.filter(kind=PointsKind.MALL_REDEEM).count() == 10
    _consistent(member)


def test_twenty_checkouts_redeeming_the_same_points_never_overspend() -> None:
    shop = make_shop()
    member = User.objects.create(phone="13600000002", nickname="下单的人")
    grant(member, 1000)
    addr = address(member).pk

    def checkout() -> None:
        order_services.order_place(user=member, address_id=addr, idempotency_key=uuid.uuid4().hex,
                                   items=[(shop.cream.pk, 1)], options={"points": 300})

    outcomes = race([checkout for _ in range(20)])
    assert not [o for o in outcomes if o.startswith("crash")], outcomes
    ok = outcomes.count("ok")
    assert ok == 3 and set(outcomes) == {"ok", "points_insufficient"}, outcomes
    assert Order.objects.filter(buyer=member).count() == 3
    assert selectors.points_balance(user_id=member.pk) == 100
    assert all(o.payable_fen == 10000 + 1000 - 300 for o in Order.objects.filter(buyer=member))
    _consistent(member)


def test_twenty_members_racing_for_five_units_get_five() -> None:
    item = mall_item(cost_points=50, stock=5, per_member_limit=1)
    members = [User.objects.create(phone=f"1361{i:07d}", nickname=f"会员{i}") for i in range(20)]
    addrs = {}
    for m in members:
        grant(m, 100)
        addrs[m.pk] = address(m).pk
    outcomes = race([lambda m=m: services.mall_redeem(user=m, item_id=item.pk, address_id=addrs[m.pk])
                     for m in members])
    assert outcomes.count("ok") == 5 and set(outcomes) == {"ok", "item_sold_out"}, outcomes
    assert MallItem.objects.get(pk=item.pk).redeemed_count == 5
    assert sum(selectors.points_balance(user_id=m.pk) for m in members) == 20 * 100 - 5 * 50


def test_expiry_racing_spends_neither_writes_off_spent_points_nor_spends_written_off_ones() -> None:
    member = User.objects.create(phone="13600000003", nickname="快过期的人")
    grant(member, 500)
    grant(member, 500)
    first = PointsLot.objects.filter(user=member).order_by("id").first()
    assert first is not None
    item = mall_item(cost_points=100, stock=100, per_member_limit=100)
    addr = address(member).pk
    # the first lot's date passes as the race starts
    PointsLot.objects.filter(pk=first.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    outcomes = race([services.points_expire_due] + [
        lambda: services.mall_redeem(user=member, item_id=item.pk, address_id=addr) for _ in range(12)])
    assert not [o for o in outcomes if o.startswith("crash")], outcomes
    expired = -sum(PointsEntry.objects.filter(kind=PointsKind.EXPIRE).values_list("points", flat=True))
    spent = 100 * MallRedemption.objects.count()
    assert expired == 500 and spent == 500  # the expired lot was never drawn: spends took the live one only
    assert selectors.points_balance(user_id=member.pk) == 0
    _consistent(member)
