"""Growth value and levels: the seeded table, thresholds and upgrades (announced once), the ledger and its cache,
growth from completed orders and its pro rata reversal on refund, the `growth` reward kind, bad input."""

from __future__ import annotations

import pytest

from conftest import make_user
from quanzi.accounts.models import Notification
from quanzi.core.errors import DomainError
from quanzi.loyalty import rewards
from quanzi.loyalty.membership import selectors, services
from quanzi.loyalty.membership.enums import GrowthKind
from quanzi.loyalty.membership.models import GrowthEntry, LevelChange, MemberAccount
from quanzi.loyalty.membership.tests.helpers import complete, grow, pay, place, refund, shop


def _code(fn, **kw) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as e:
        fn(**kw)
    return str(e.value.code)


def _cache_agrees(user) -> None:  # type: ignore[no-untyped-def]
    assert selectors.growth_of(user_id=user.pk) == selectors.growth_cached(user_id=user.pk)


@pytest.mark.django_db
def test_seeded_levels_and_thresholds() -> None:
    table = selectors.levels()
    assert [(lv.name, lv.threshold) for lv in table] == [("普通会员", 0), ("银卡", 1000), ("金卡", 5000),
                                                         ("钻石", 20000)]
    assert selectors.level_for(0, table).name == "普通会员"
    assert selectors.level_for(999, table).name == "普通会员"
    assert selectors.level_for(1000, table).name == "银卡"
    assert selectors.level_for(4999, table).name == "银卡"
    assert selectors.level_for(5000, table).name == "金卡"
    assert selectors.level_for(10**6, table).name == "钻石"
    assert [lv.member_price for lv in table] == [False, True, True, True]


@pytest.mark.django_db
def test_grants_move_the_level_up_and_tell_the_member_once() -> None:
    u = make_user("小美")
    grow(u, 999)
    assert selectors.member_level(user_id=u.pk).name == "普通会员"
    grow(u, 1)
    assert selectors.member_level(user_id=u.pk).name == "银卡"
    grow(u, 4500)
    grow(u, 10)  # same level: nothing new
    assert selectors.member_level(user_id=u.pk).name == "金卡"
    changes = list(LevelChange.objects.filter(user=u).order_by("id").values_list("to_level__name", flat=True))
    assert changes == ["普通会员", "银卡", "金卡"]
    told = list(Notification.objects.filter(recipient=u, kind="membership").values_list("message_id", flat=True))
    assert told == ["notify.level_up", "notify.level_up"]  # 银卡 and 金卡; the entry level is not news
    assert MemberAccount.objects.get(user=u).level.name == "金卡"
    _cache_agrees(u)


@pytest.mark.django_db
def test_the_same_key_pays_once_and_bad_input_changes_nothing() -> None:
    u = make_user()
    for _ in range(3):
        services.growth_grant(user_id=u.pk, amount=50, key="task:first_post:1", reason="first post")
    assert selectors.growth_of(user_id=u.pk) == 50
    assert _code(services.growth_grant, user_id=u.pk, amount=0, key="k1", reason="") == "invalid_growth"
    assert _code(services.growth_grant, user_id=u.pk, amount=-5, key="k2", reason="") == "invalid_growth"
    assert _code(services.growth_grant, user_id=u.pk, amount=True, key="k3", reason="") == "invalid_growth"
    assert _code(services.growth_grant, user_id=u.pk, amount=10**6, key="k4", reason="") == "invalid_growth"
    assert _code(services.growth_grant, user_id=u.pk, amount=5, key="", reason="") == "invalid_key"
    assert _code(services.growth_grant, user_id=u.pk, amount=5, key="x" * 101, reason="") == "invalid_key"
    assert _code(services.growth_grant, user_id=10**9, amount=5, key="k5", reason="") == "user_not_found"
    assert GrowthEntry.objects.filter(user=u).count() == 1
    _cache_agrees(u)


@pytest.mark.django_db
def test_growth_is_the_growth_reward_kind() -> None:
    u = make_user()
    rewards.reward_grant(user_id=u.pk, reward=rewards.Reward("growth", 30), key="checkin:1:2026-11-30", reason="")
    rewards.reward_grant(user_id=u.pk, reward=rewards.Reward("growth", 30), key="checkin:1:2026-11-30", reason="")
    assert selectors.growth_of(user_id=u.pk) == 30
    assert GrowthEntry.objects.get(user=u).kind == GrowthKind.ACTIVITY


@pytest.mark.django_db
def test_an_operator_adjusts_growth_never_below_zero() -> None:
    from quanzi.catalog.tests import factories as f

    op, u = f.operator(), make_user()
    grow(u, 100)
    services.growth_adjust(operator=op, user_id=u.pk, amount=-500, reference="fix-1", reason="纠正")
    assert selectors.growth_of(user_id=u.pk) == 0
    assert _code(services.growth_adjust, operator=u, user_id=u.pk, amount=5, reference="x") == "not_operator"
    _cache_agrees(u)


@pytest.mark.django_db(transaction=True)
def test_a_completed_order_earns_growth_per_yuan_of_goods_once_and_a_refund_takes_it_back_pro_rata() -> None:
    merchant, sku = shop(price_fen=12345, member_price_fen=None, shipping_fee_fen=800)
    buyer = make_user("买家")
    order = pay(buyer, place(buyer, sku, 2))  # goods 246.90 + shipping 8.00
    assert selectors.growth_of(user_id=buyer.pk) == 0  # paid is not enough: the after-sales window must close
    complete(merchant, buyer, order)
    assert selectors.growth_of(user_id=buyer.pk) == 246  # shipping earns nothing; whole yuan only
    assert GrowthEntry.objects.filter(key=f"order:{order.pk}").count() == 1
    # refunding half of the line after completion keeps the growth of what is still paid for
    order.refresh_from_db()
    line = order.lines.get()
    refund(order, line.payable_fen // 2)
    still_paid = min(line.goods_payable_fen, line.payable_fen - line.payable_fen // 2)
    assert selectors.growth_of(user_id=buyer.pk) == still_paid // 100 < 246
    # the rest: back to zero, never below
    refund(order, line.payable_fen - line.payable_fen // 2)
    assert selectors.growth_of(user_id=buyer.pk) == 0
    assert GrowthEntry.objects.filter(order_id=order.pk, kind=GrowthKind.REFUND).count() == 2
    _cache_agrees(buyer)


@pytest.mark.django_db(transaction=True)
def test_a_refund_before_completion_only_lowers_what_completion_grants() -> None:
    merchant, sku = shop(price_fen=50000, member_price_fen=None)
    buyer = make_user()
    order = pay(buyer, place(buyer, sku, 1))
    refund(order, 20000)
    assert not GrowthEntry.objects.filter(user=buyer).exists()
    complete(merchant, buyer, order)
    assert selectors.growth_of(user_id=buyer.pk) == 300
    assert not GrowthEntry.objects.filter(user=buyer, kind=GrowthKind.REFUND).exists()


@pytest.mark.django_db(transaction=True)
def test_reaching_a_level_by_spending() -> None:
    merchant, sku = shop(price_fen=100000, member_price_fen=None)
    buyer = make_user()
    complete(merchant, buyer, pay(buyer, place(buyer, sku, 1)))
    assert selectors.member_level(user_id=buyer.pk).name == "银卡"
