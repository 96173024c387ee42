"""The points ledger: lots with their expiry (the end of the year after, Asia/Shanghai, across a year boundary with
a frozen clock), spends taking the lot that expires first, grants once per key (the "points" reward), and the
points mall (coupons granted at once, goods waiting for shipping, stock and per-member limits, refusals that change
nothing, cancellation giving back exactly what was drawn)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from conftest import make_user
from quanzi.core.errors import DomainError
from quanzi.core.models import Event
from quanzi.growth.coupons.models import Coupon
from quanzi.loyalty import rewards
from quanzi.loyalty.points import selectors, services
from quanzi.loyalty.points.enums import PointsKind, RedemptionStatus
from quanzi.loyalty.points.models import (
    MallItem,
    MallMemberCount,
    MallRedemption,
    PointsDraw,
    PointsEntry,
    PointsLot,
)
from quanzi.loyalty.points.tests.helpers import Clock, coupon_template, grant, local, mall_item
from quanzi.orders.tests.helpers import address

pytestmark = pytest.mark.django_db


def _consistent(user: Any) -> None:
    assert selectors.ledger_sum(user_id=user.pk) == selectors.lots_remaining_sum(user_id=user.pk)


# --- lots and expiry -----------------------------------------------------------------------------------------------


def test_a_lot_expires_at_the_end_of_the_next_year_in_shanghai_time(buyer: Any, monkeypatch: Any) -> None:
    clock = Clock(monkeypatch, local(2025, 3, 1, 10, 0))
    grant(buyer, 500, key="spring")
    lot = PointsLot.objects.get(user=buyer)
    assert lot.expires_at == local(2026, 12, 31, 23, 59, 59)
    # 2026-01-01 00:10 in Shanghai is still 2025 in UTC: the local year counts, so this lot lives until end-2027
    clock.set(local(2026, 1, 1, 0, 10))
    assert clock.at.astimezone(dt.UTC).year == 2025
    grant(buyer, 300, key="new-year")
    assert PointsLot.objects.get(entry__key="grant:new-year").expires_at == local(2027, 12, 31, 23, 59, 59)


def test_points_expire_across_the_year_boundary_with_a_frozen_clock(buyer: Any, monkeypatch: Any) -> None:
    clock = Clock(monkeypatch, local(2025, 12, 31, 23, 30))  # the last half hour of 2025
    grant(buyer, 500, key="old")
    clock.set(local(2026, 1, 1, 0, 30))  # half an hour into 2026
    grant(buyer, 200, key="new")
    clock.set(local(2026, 11, 30, 9, 0))  # 31 days before the end of the year: nothing expiring soon yet
    assert selectors.points_balance(user_id=buyer.pk) == 700 and selectors.expiring_soon(user_id=buyer.pk) == []
    clock.set(local(2026, 12, 5, 9, 0))
    soon = selectors.expiring_soon(user_id=buyer.pk)
    assert [(e.points, e.expires_at) for e in soon] == [(500, local(2026, 12, 31, 23, 59, 59))]

    clock.set(local(2026, 12, 31, 23, 59, 59))  # the last second of the 2025 lot
    assert selectors.points_balance(user_id=buyer.pk) == 700
    assert services.points_expire_due() == 0

    clock.set(local(2027, 1, 1, 0, 0, 0))  # one second later: read as expired before any job runs
    assert selectors.points_balance(user_id=buyer.pk) == 200
    assert services.points_expire_due() == 500
    assert services.points_expire_due() == 0  # the job run twice writes one row
    expired = PointsEntry.objects.get(user=buyer, kind=PointsKind.EXPIRE)
    assert expired.points == -500 and expired.key == f"expire:lot:{expired.draws.get().lot_id}"
    assert selectors.points_balance(user_id=buyer.pk) == 200 == selectors.ledger_sum(user_id=buyer.pk)
    _consistent(buyer)

    clock.set(local(2028, 1, 1, 0, 0, 1))  # and the 2026 lot at the end of 2027
    assert services.points_expire_due() == 200
    assert selectors.points_balance(user_id=buyer.pk) == 0 == selectors.ledger_sum(user_id=buyer.pk)
    assert Event.objects.filter(name="points.expire").count() == 2


def test_spends_take_the_lot_expiring_first_and_record_each_draw(buyer: Any, monkeypatch: Any) -> None:
    clock = Clock(monkeypatch, local(2025, 6, 1, 12, 0))
    grant(buyer, 100, key="a")
    clock.set(local(2026, 6, 1, 12, 0))
    grant(buyer, 100, key="b")
    item = mall_item(kind="goods", cost_points=150, stock=5)
    r = services.mall_redeem(user=buyer, item_id=item.pk, address_id=address(buyer).pk)
    draws = {d.lot.entry.key: d.points for d in PointsDraw.objects.filter(entry=r.entry).select_related("lot__entry")}
    assert draws == {"grant:a": 100, "grant:b": 50}
    assert selectors.points_balance(user_id=buyer.pk) == 50
    _consistent(buyer)


# --- grants --------------------------------------------------------------------------------------------------------


def test_a_grant_pays_once_per_key_and_is_the_points_reward(buyer: Any) -> None:
    services.points_grant(user_id=buyer.pk, amount=30, key="task:first_post:1", reason="首次发帖")
    services.points_grant(user_id=buyer.pk, amount=30, key="task:first_post:1", reason="首次发帖")
    rewards.reward_grant(user_id=buyer.pk, reward=rewards.Reward("points", 20), key="checkin:7:1:2026-11-30",
                         reason="连续签到 7 天")
    rewards.reward_grant(user_id=buyer.pk, reward=rewards.Reward("points", 20), key="checkin:7:1:2026-11-30",
                         reason="连续签到 7 天")
    assert selectors.points_balance(user_id=buyer.pk) == 50
    assert list(PointsEntry.objects.filter(user=buyer).values_list("reason", flat=True).order_by("id")) == [
        "首次发帖", "连续签到 7 天"]
    long_key = "x" * 300  # a caller's long key still pays once (hashed)
    services.points_grant(user_id=buyer.pk, amount=5, key=long_key, reason="")
    services.points_grant(user_id=buyer.pk, amount=5, key=long_key, reason="")
    assert selectors.points_balance(user_id=buyer.pk) == 55


@pytest.mark.parametrize("amount", [0, -5, 100_001, True])
def test_a_bad_grant_is_refused_and_writes_nothing(buyer: Any, amount: Any) -> None:
    with pytest.raises(DomainError) as exc:
        services.points_grant(user_id=buyer.pk, amount=amount, key="k", reason="")
    assert exc.value.code == "invalid_grant" and not PointsEntry.objects.exists()


def test_only_operators_grant_by_hand(buyer: Any, operator: Any) -> None:
    with pytest.raises(DomainError) as exc:
        services.points_grant_by_operator(operator=buyer, user_id=buyer.pk, amount=10, reason="")
    assert exc.value.code == "not_operator"
    entry = services.points_grant_by_operator(operator=operator, user_id=buyer.pk, amount=10, reason="补偿")
    assert entry.points == 10 and entry.kind == PointsKind.GRANT


# --- the mall ------------------------------------------------------------------------------------------------------


def test_a_coupon_item_grants_the_coupon_and_spends_the_points(buyer: Any, operator: Any) -> None:
    grant(buyer, 1000)
    t = coupon_template(operator)
    item = mall_item(title="满100减20券", kind="coupon", coupon_template=t, cost_points=300)
    r = services.mall_redeem(user=buyer, item_id=item.pk, request_key="k1")
    assert r.status == RedemptionStatus.DONE and r.points == 300
    assert Coupon.objects.filter(user=buyer, template=t).count() == 1
    assert selectors.points_balance(user_id=buyer.pk) == 700
    again = services.mall_redeem(user=buyer, item_id=item.pk, request_key="k1")  # a retry: the same redemption
    assert again.pk == r.pk and selectors.points_balance(user_id=buyer.pk) == 700
    assert Coupon.objects.filter(user=buyer, template=t).count() == 1
    assert MallItem.objects.get(pk=item.pk).redeemed_count == 1
    _consistent(buyer)


def test_goods_need_an_address_of_the_member_and_wait_for_shipping(buyer: Any, operator: Any) -> None:
    grant(buyer, 1000)
    item = mall_item(cost_points=200)
    with pytest.raises(DomainError) as exc:
        services.mall_redeem(user=buyer, item_id=item.pk)
    assert exc.value.code == "address_required"
    stranger_address = address(make_user())
    with pytest.raises(DomainError) as exc:
        services.mall_redeem(user=buyer, item_id=item.pk, address_id=stranger_address.pk)
    assert exc.value.code == "address_not_found"
    assert selectors.points_balance(user_id=buyer.pk) == 1000 and not MallRedemption.objects.exists()
    r = services.mall_redeem(user=buyer, item_id=item.pk, address_id=address(buyer).pk)
    assert r.status == RedemptionStatus.PENDING and "文三路" in r.ship_address and r.ship_name == "小红"
    with pytest.raises(DomainError) as exc:
        services.mall_redemption_ship(operator=operator, redemption_id=r.pk, carrier="", tracking_no="")
    assert exc.value.code == "invalid_tracking"
    shipped = services.mall_redemption_ship(operator=operator, redemption_id=r.pk, carrier="顺丰",
                                            tracking_no="SF100")
    assert shipped.status == RedemptionStatus.SHIPPED and shipped.status_changes.count() == 1
    from quanzi.accounts.models import Notification

    assert Notification.objects.filter(recipient=buyer, kind="points").exists()
    with pytest.raises(DomainError) as exc:
        services.mall_redemption_cancel(operator=operator, redemption_id=r.pk)
    assert exc.value.code == "illegal_transition"


@pytest.mark.parametrize("case", ["insufficient", "sold_out", "limit", "inactive"])
def test_a_refused_redemption_changes_nothing(buyer: Any, case: str) -> None:
    grant(buyer, 250)
    item = mall_item(cost_points=100, stock=1 if case == "sold_out" else 10, per_member_limit=1,
                     is_active=case != "inactive")
    addr = address(buyer).pk
    if case in ("sold_out", "limit"):
        other = make_user()
        grant(other, 500)
        services.mall_redeem(user=buyer if case == "limit" else other, item_id=item.pk,
                             address_id=addr if case == "limit" else address(other).pk)
    if case == "insufficient":
        item.cost_points = 300
        item.save()
    before = (selectors.points_balance(user_id=buyer.pk), MallItem.objects.get(pk=item.pk).redeemed_count,
              list(MallMemberCount.objects.filter(user=buyer).values_list("count", flat=True)),
              PointsEntry.objects.count())
    with pytest.raises(DomainError) as exc:
        services.mall_redeem(user=buyer, item_id=item.pk, address_id=addr)
    assert exc.value.code == {"insufficient": "points_insufficient", "sold_out": "item_sold_out",
                              "limit": "item_limit_reached", "inactive": "item_not_found"}[case]
    after = (selectors.points_balance(user_id=buyer.pk), MallItem.objects.get(pk=item.pk).redeemed_count,
             list(MallMemberCount.objects.filter(user=buyer).values_list("count", flat=True)),
             PointsEntry.objects.count())
    assert after == before


def test_cancelling_redeemed_goods_gives_back_stock_limit_and_the_same_lots(buyer: Any, operator: Any,
                                                                            monkeypatch: Any) -> None:
    clock = Clock(monkeypatch, local(2025, 5, 1, 9, 0))
    grant(buyer, 60, key="old")
    clock.set(local(2026, 5, 1, 9, 0))
    grant(buyer, 100, key="new")
    item = mall_item(cost_points=100, per_member_limit=1)
    r = services.mall_redeem(user=buyer, item_id=item.pk, address_id=address(buyer).pk)
    services.mall_redemption_cancel(operator=operator, redemption_id=r.pk, reason="缺货")
    assert MallItem.objects.get(pk=item.pk).redeemed_count == 0
    assert MallMemberCount.objects.get(item=item, user=buyer).count == 0
    assert selectors.points_balance(user_id=buyer.pk) == 160
    back = PointsEntry.objects.get(kind=PointsKind.MALL_RETURN)
    # the restored lots keep the dates of the lots drawn: 60 still expire at the end of 2026, 40 at the end of 2027
    assert sorted((lot.amount, lot.expires_at) for lot in back.lots.all()) == [
        (40, local(2027, 12, 31, 23, 59, 59)), (60, local(2026, 12, 31, 23, 59, 59))]
    services.mall_redeem(user=buyer, item_id=item.pk, address_id=address(buyer).pk)  # the limit is free again
    _consistent(buyer)
