"""Lottery services: who may create one, the legal cap, entries only from eligibility (once, inside the window),
the draw once after the close (by hand or at the draw time by the job), rewards granted once by key, goods left
for the organiser, winners notified. Bad input gets its code and changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.utils import timezone

from conftest import make_user
from quanzi.accounts.models import Notification
from quanzi.content.models import CheckIn
from quanzi.core.errors import DomainError
from quanzi.core.timeutil import local_today
from quanzi.loyalty.lotteries import selectors, services, verify
from quanzi.loyalty.lotteries.enums import EntryStatus, Fulfilment, LotteryStatus
from quanzi.loyalty.lotteries.models import Lottery, LotteryEntry, LotteryWinner
from quanzi.loyalty.lotteries.services import PrizeSpec
from quanzi.loyalty.lotteries.tests.helpers import close, join, lottery, members, window

pytestmark = pytest.mark.django_db


def _code(fn: Any, **kw: Any) -> str:
    with pytest.raises(DomainError) as exc:
        fn(**kw)
    return exc.value.code


# --- creation ------------------------------------------------------------------------------------------------------


def test_the_owner_creates_a_lottery_whose_seed_is_committed_by_its_hash(owner: Any, group: Any) -> None:
    lot = lottery(owner, group)
    assert len(lot.seed_hex) == 64 and lot.seed_hash == hashlib.sha256(bytes.fromhex(lot.seed_hex)).hexdigest()
    assert lot.seed_public is None and lot.status == LotteryStatus.OPEN
    assert [p.tier for p in selectors.prizes_of(lot)] == [1, 2, 3]
    assert selectors.published_data(lottery=lot)["seed"] is None  # the hash only, before the draw
    assert Lottery.objects.exclude(pk=lot.pk).filter(seed_hex=lot.seed_hex).count() == 0


def test_an_admin_may_create_but_a_member_may_not(owner: Any, group: Any) -> None:
    from quanzi.communities import services as community_services

    admin, member = members(group, 2)
    community_services.role_set(actor=owner, community=group, user_id=admin.pk, role="admin")
    assert lottery(admin, group).created_by == admin
    assert _code(lottery, actor=member, c=group) == "not_organiser"
    assert _code(lottery, actor=make_user(), c=group) == "not_organiser"


def test_a_platform_campaign_lottery_is_for_operators_and_buyers_only(operator: Any, owner: Any) -> None:
    from quanzi.catalog.tests import factories as f

    product, _sku = f.product_with_sku(f.approved_merchant(), title="山茶花面霜")
    lot = lottery(operator, None, eligibility="buyers", product_id=product.pk, campaign="双十一")
    assert lot.community is None and lot.product == product
    assert _code(lottery, actor=operator, c=None) == "community_required"
    assert _code(lottery, actor=owner, c=None, eligibility="buyers", product_id=product.pk) == "not_organiser"


def test_a_virtual_product_cannot_carry_numbers(operator: Any) -> None:
    """A number bought with a virtual item is a paid lottery ticket."""
    from quanzi.catalog.models import Product
    from quanzi.catalog.tests import factories as f

    product, _sku = f.product_with_sku(f.approved_merchant(), title="抽奖券")
    Product.objects.filter(pk=product.pk).update(fulfilment="virtual")
    assert _code(lottery, actor=operator, c=None, eligibility="buyers", product_id=product.pk) == \
        "product_not_eligible"
    assert _code(lottery, actor=operator, c=None, eligibility="buyers", product_id=None) == "product_not_eligible"
    assert not Lottery.objects.exists()


def test_a_prize_above_fifty_thousand_yuan_is_refused(owner: Any, group: Any) -> None:
    over = [PrizeSpec(name="小汽车", count=1, kind="goods", value_fen=5_000_001)]
    assert _code(lottery, actor=owner, c=group, prizes=over) == "prize_above_cap"
    points = [PrizeSpec(name="积分大奖", count=1, kind="points", amount=5_000_001)]  # 100 points = ¥1
    assert _code(lottery, actor=owner, c=group, prizes=points) == "prize_above_cap"
    assert not Lottery.objects.exists()
    at_cap = lottery(owner, group, prizes=[PrizeSpec(name="金条", count=1, kind="goods", value_fen=5_000_000)])
    assert selectors.prizes_of(at_cap)[0].value_fen == 5_000_000


@pytest.mark.parametrize("kw, code", [
    ({"title": ""}, "invalid_title"),
    ({"prizes": []}, "invalid_prizes"),
    ({"prizes": [PrizeSpec(name="券", count=0, kind="goods", value_fen=100)]}, "invalid_prizes"),
    ({"prizes": [PrizeSpec(name="实物", count=1, kind="goods")]}, "invalid_prizes"),  # no value declared
    ({"prizes": [PrizeSpec(name="券", count=1, kind="coupon", amount=999999)]}, "invalid_prizes"),
    ({"prizes": [PrizeSpec(name="很多", count=1001, kind="points", amount=1)]}, "invalid_prizes"),
    ({"eligibility": "lottery_ticket"}, "invalid_prizes"),
    ({"eligibility": "checkin_streak", "min_streak": 0}, "invalid_times"),
])
def test_bad_input_is_refused_and_nothing_is_written(owner: Any, group: Any, kw: dict[str, Any], code: str) -> None:
    assert _code(lottery, actor=owner, c=group, **kw) == code
    assert not Lottery.objects.exists()


def test_bad_times_are_refused(owner: Any, group: Any) -> None:
    now = timezone.now()
    for w in (window(closes_at=now - dt.timedelta(minutes=1)),                       # closed already
              window(draw_at=now + dt.timedelta(days=1)),                            # draw before close
              window(draw_at=now + dt.timedelta(days=40)),                           # draw too late
              window(opens_at=now + dt.timedelta(days=3))):                          # opens after it closes
        assert _code(lottery, actor=owner, c=group, **w) == "invalid_times"
    assert _code(lottery, actor=owner, c=group, opens_at=None) == "invalid_times"
    assert not Lottery.objects.exists()


# --- entries -------------------------------------------------------------------------------------------------------


def test_a_member_takes_one_number_and_a_second_try_changes_nothing(owner: Any, group: Any) -> None:
    lot = lottery(owner, group)
    a, b = members(group, 2)
    assert services.lottery_enter(user=a, lottery_id=lot.pk).number == 1
    assert _code(services.lottery_enter, user=a, lottery_id=lot.pk) == "already_entered"
    assert services.lottery_enter(user=b, lottery_id=lot.pk).number == 2
    lot.refresh_from_db()
    assert lot.numbers_issued == 2 and LotteryEntry.objects.filter(lottery=lot).count() == 2


def test_entries_only_from_eligibility_and_inside_the_window(owner: Any, group: Any) -> None:
    outsider = make_user("路人")
    lot = lottery(owner, group)
    assert _code(services.lottery_enter, user=outsider, lottery_id=lot.pk) == "not_eligible"
    later = lottery(owner, group, **window(opens_at=timezone.now() + dt.timedelta(hours=1)))
    (member,) = members(group, 1)
    assert _code(services.lottery_enter, user=member, lottery_id=later.pk) == "entries_not_open"
    close(lot)
    assert _code(services.lottery_enter, user=member, lottery_id=lot.pk) == "entries_closed"
    assert not LotteryEntry.objects.exists()
    lot.refresh_from_db()
    assert lot.numbers_issued == 0


def test_a_check_in_streak_lottery_asks_for_the_streak(owner: Any, group: Any) -> None:
    lot = lottery(owner, group, eligibility="checkin_streak", min_streak=7)
    short, keen = members(group, 2)
    CheckIn.objects.create(community=group, user=short, day=local_today(), streak=3)
    CheckIn.objects.create(community=group, user=keen, day=local_today(), streak=7)
    assert _code(services.lottery_enter, user=short, lottery_id=lot.pk) == "streak_too_short"
    assert services.lottery_enter(user=keen, lottery_id=lot.pk).source == "streak"


def test_a_buyers_lottery_takes_no_entry_by_hand(operator: Any, group: Any) -> None:
    from quanzi.catalog.tests import factories as f

    product, _sku = f.product_with_sku(f.approved_merchant(), title="山茶花面霜")
    lot = lottery(operator, group, eligibility="buyers", product_id=product.pk)
    (member,) = members(group, 1)
    assert _code(services.lottery_enter, user=member, lottery_id=lot.pk) == "entry_by_purchase_only"


# --- the draw ------------------------------------------------------------------------------------------------------


def test_no_draw_before_the_close_and_nothing_changes(owner: Any, group: Any) -> None:
    lot = lottery(owner, group)
    members_ = members(group, 3)
    for m in members_:
        services.lottery_enter(user=m, lottery_id=lot.pk)
    assert _code(services.lottery_draw, lottery_id=lot.pk, actor=owner) == "draw_too_early"
    assert services.lottery_draw(lottery_id=lot.pk).status == LotteryStatus.OPEN  # the job: not due
    lot.refresh_from_db()
    assert lot.status == LotteryStatus.OPEN and not LotteryWinner.objects.exists() and lot.seed_public is None


def test_the_owner_draws_once_after_the_close(owner: Any, group: Any, granted: list[Any]) -> None:
    lot = lottery(owner, group)
    people = members(group, 10)
    for m in people:
        services.lottery_enter(user=m, lottery_id=lot.pk)
    close(lot)
    (member,) = people[:1]
    assert _code(services.lottery_draw, lottery_id=lot.pk, actor=member) == "not_organiser"
    lot = services.lottery_draw(lottery_id=lot.pk, actor=owner)
    assert lot.status == LotteryStatus.DRAWN and lot.seed_public == lot.seed_hex and lot.entries_at_draw == 10
    winners = selectors.winners_of(lottery=lot)
    assert [w.prize.tier for w in winners] == [1, 2, 2, 3, 3, 3]
    assert len({w.entry_id for w in winners}) == 6
    expected = verify.assign([(1, 1), (2, 2), (3, 3)], verify.draw(lot.seed_hex, list(range(1, 11)), 6))
    assert [(w.prize.tier, w.entry.number) for w in winners] == expected
    # the points prizes are granted once by key; the goods prize waits for the organiser
    assert sorted((k, a) for _u, k, a, _key in granted) == [("points", 100)] * 3 + [("points", 500)] * 2
    assert {key for *_x, key in granted} == {w.grant_key for w in winners[1:]}
    assert winners[0].fulfilment == Fulfilment.TO_SHIP
    assert all(LotteryWinner.objects.get(pk=w.pk).fulfilment == Fulfilment.GRANTED for w in winners[1:])
    won = Notification.objects.filter(kind="lottery", recipient_id__in=[w.user_id for w in winners])
    assert won.count() == 6
    assert _code(services.lottery_draw, lottery_id=lot.pk, actor=owner) == "already_drawn"
    services.lottery_grant_prizes(lottery_id=lot.pk)  # again: nothing twice
    assert len(granted) == 5 and LotteryWinner.objects.filter(lottery=lot).count() == 6


def test_the_job_draws_at_the_draw_time_only(owner: Any, group: Any) -> None:
    due, waiting = lottery(owner, group), lottery(owner, group)
    for m in members(group, 2):
        services.lottery_enter(user=m, lottery_id=due.pk)
    close(due, due=True)
    close(waiting)
    assert services.lotteries_draw_due() == 1
    due.refresh_from_db()
    waiting.refresh_from_db()
    assert due.status == LotteryStatus.DRAWN and waiting.status == LotteryStatus.OPEN
    assert LotteryWinner.objects.filter(lottery=due).count() == 2  # fewer entries than prizes: everyone wins
    assert services.lotteries_draw_due() == 0


def test_a_lottery_nobody_entered_draws_no_winner(owner: Any, group: Any) -> None:
    lot = lottery(owner, group)
    close(lot, due=True)
    services.lotteries_draw_due()
    lot.refresh_from_db()
    assert lot.status == LotteryStatus.DRAWN and lot.entries_at_draw == 0 and not LotteryWinner.objects.exists()
    assert verify.verify(selectors.published_data(lottery=lot)).ok


def test_a_granter_that_fails_leaves_the_prize_pending_for_the_job(owner: Any, group: Any, granted: list[Any],
                                                                    monkeypatch: Any) -> None:
    from quanzi.loyalty import rewards

    real = rewards.GRANTERS["points"]

    def down(**kw: Any) -> None:
        raise KeyError("points app is down")

    monkeypatch.setitem(rewards.GRANTERS, "points", down)
    lot = lottery(owner, group, prizes=[PrizeSpec(name="积分", count=1, kind="points", amount=10)])
    (m,) = members(group, 1)
    services.lottery_enter(user=m, lottery_id=lot.pk)
    close(lot)
    services.lottery_draw(lottery_id=lot.pk, actor=owner)
    assert LotteryWinner.objects.get(lottery=lot).fulfilment == Fulfilment.PENDING and not granted
    monkeypatch.setitem(rewards.GRANTERS, "points", real)
    services.lotteries_draw_due()
    assert LotteryWinner.objects.get(lottery=lot).fulfilment == Fulfilment.GRANTED and len(granted) == 1


def test_the_organiser_marks_a_goods_prize_shipped_once(owner: Any, group: Any) -> None:
    lot = lottery(owner, group, prizes=[PrizeSpec(name="吹风机", count=1, kind="goods", value_fen=100000)])
    (m,) = members(group, 1)
    services.lottery_enter(user=m, lottery_id=lot.pk)
    close(lot)
    services.lottery_draw(lottery_id=lot.pk, actor=owner)
    w = LotteryWinner.objects.get(lottery=lot)
    assert _code(services.lottery_prize_ship, actor=m, winner_id=w.pk) == "not_organiser"
    w = services.lottery_prize_ship(actor=owner, winner_id=w.pk, note="顺丰 SF123")
    assert w.fulfilment == Fulfilment.SHIPPED and w.note == "顺丰 SF123"
    assert _code(services.lottery_prize_ship, actor=owner, winner_id=w.pk) == "illegal_transition"


def test_an_operator_cancels_before_the_draw_and_then_nothing_moves(owner: Any, group: Any, operator: Any) -> None:
    lot = lottery(owner, group)
    (m,) = members(group, 1)
    assert _code(services.lottery_cancel, actor=owner, lottery_id=lot.pk) == "not_organiser"
    services.lottery_cancel(actor=operator, lottery_id=lot.pk)
    assert _code(services.lottery_enter, user=m, lottery_id=lot.pk) == "lottery_cancelled"
    close(lot, due=True)
    assert services.lotteries_draw_due() == 0
    lot.refresh_from_db()
    assert lot.status == LotteryStatus.CANCELLED and lot.seed_public is None


def test_invite_only_lotteries_are_hidden_from_outsiders(owner: Any) -> None:
    from quanzi.communities import services as community_services

    c = community_services.community_create(owner=owner, name="私密群", slug="secret-lot", vertical="beauty",
                                            visibility="invite")
    lot = lottery(owner, c)
    assert _code(services.lottery_enter, user=make_user(), lottery_id=lot.pk) == "lottery_not_found"
    assert not selectors.lottery_list(user=make_user()).filter(pk=lot.pk).exists()
    assert selectors.lottery_list(user=owner).filter(pk=lot.pk).exists()


def test_revoked_entries_are_left_out_of_the_draw(owner: Any, group: Any) -> None:
    lot = lottery(owner, group)
    people = members(group, 4)
    entries = [services.lottery_enter(user=m, lottery_id=lot.pk) for m in people]
    LotteryEntry.objects.filter(pk=entries[0].pk).update(status=EntryStatus.REVOKED)
    close(lot)
    lot = services.lottery_draw(lottery_id=lot.pk, actor=owner)
    data = selectors.published_data(lottery=lot)
    assert data["entries"] == [2, 3, 4] and data["revoked"] == [1]
    assert sorted(w["number"] for w in data["winners"]) == [2, 3, 4]  # 6 prizes, 3 valid numbers


def test_join_helper_is_membership(owner: Any, group: Any) -> None:
    u = make_user()
    join(u, group)
    assert selectors.lottery_view(lottery=lottery(owner, group), user=u).is_member
