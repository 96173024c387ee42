"""Lotteries under concurrency, on PostgreSQL (skipped on SQLite, which serialises writers anyway): one member
entering 50 times at once gets one number; 50 members at once get 50 distinct numbers 1..50; ten draws at once
draw once (one winner set, one audit row, one event, prizes granted once; the others get
`already_drawn`); refunds racing the draw are either
left out of the hashed entry list or change nothing — the published data always verifies."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest

from quanzi.accounts.models import User
from quanzi.communities import services as community_services
from quanzi.core.models import Event
from quanzi.core.testing import race
from quanzi.loyalty.lotteries import selectors, services, verify
from quanzi.loyalty.lotteries.enums import EntryStatus, LotteryStatus
from quanzi.loyalty.lotteries.models import Lottery, LotteryEntry, LotteryStatusChange, LotteryWinner
from quanzi.loyalty.lotteries.tests.helpers import close, community, lottery
from quanzi.orders.hooks import OrderMomentEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _members(c: Any, n: int, prefix: str) -> list[User]:
    users = [User.objects.create(phone=f"{prefix}{i:07d}", nickname=f"会员{i}") for i in range(n)]
    for u in users:
        community_services.community_join(user=u, community=c)
    return users


@pytest.fixture
def world() -> Any:
    owner = User.objects.create(phone="13600000001", nickname="群主")
    c = community(owner)
    return type("World", (), {"owner": owner, "community": c})


def test_one_member_entering_fifty_times_at_once_gets_one_number(world: Any) -> None:
    lot = lottery(world.owner, world.community)
    (member,) = _members(world.community, 1, "1381")
    outcomes = race([lambda: services.lottery_enter(user=User.objects.get(pk=member.pk), lottery_id=lot.pk)
                     for _ in range(50)])
    assert outcomes.count("ok") == 1 and set(outcomes) == {"ok", "already_entered"}, outcomes
    assert LotteryEntry.objects.filter(lottery=lot, user=member).count() == 1
    lot.refresh_from_db()
    assert lot.numbers_issued == 1  # the refused ones rolled their counter step back


def test_fifty_members_at_once_get_fifty_distinct_numbers(world: Any) -> None:
    lot = lottery(world.owner, world.community)
    people = _members(world.community, 50, "1382")
    outcomes = race([lambda u=u: services.lottery_enter(user=u, lottery_id=lot.pk) for u in people])
    assert outcomes == ["ok"] * 50, outcomes
    assert sorted(LotteryEntry.objects.filter(lottery=lot).values_list("number", flat=True)) == list(range(1, 51))


def test_concurrent_draws_draw_once(world: Any, granted: list[Any]) -> None:
    lot = lottery(world.owner, world.community)
    for u in _members(world.community, 20, "1383"):
        services.lottery_enter(user=u, lottery_id=lot.pk)
    close(lot, due=True)
    outcomes = race([lambda: services.lottery_draw(lottery_id=lot.pk, actor=User.objects.get(pk=world.owner.pk))
                     for _ in range(10)])
    assert outcomes.count("ok") == 1 and set(outcomes) == {"ok", "already_drawn"}, outcomes
    # the job racing itself and a drawn lottery: quietly nothing
    assert race([lambda: services.lotteries_draw_due() for _ in range(3)]) == ["ok"] * 3
    assert LotteryWinner.objects.filter(lottery=lot).count() == 6
    assert LotteryStatusChange.objects.filter(lottery=lot, to_status=LotteryStatus.DRAWN).count() == 1
    assert Event.objects.filter(name="lottery.draw", object_id=lot.pk).count() == 1
    assert len(granted) == 5 and len({k for *_x, k in granted}) == 5  # the points prizes, once each
    lot.refresh_from_db()
    assert verify.verify(selectors.published_data(lottery=lot)).ok


def test_refunds_racing_the_draw_never_break_the_published_data(world: Any) -> None:
    lot = lottery(world.owner, world.community)
    people = _members(world.community, 12, "1384")
    entries = [services.lottery_enter(user=u, lottery_id=lot.pk) for u in people]
    # six of them came with orders (as a buyers' lottery's would), refunded in full while the draw runs
    for i, e in enumerate(entries[:6]):
        LotteryEntry.objects.filter(pk=e.pk).update(order_id=900_000 + i)
    close(lot, due=True)

    def refund(order_id: int) -> None:
        services.on_order_refunded(OrderMomentEvent(moment="refunded", moment_id=0, order_id=order_id,
                                                    buyer_id=0, merchant_id=0, ref="", amount_fen=100,
                                                    at=lot.created_at))

    # Patched once, around the whole race: a patch entered and left by each thread on its own interleaves
    # (one thread saves another's stand-in as "the original") and leaks the stand-in into later tests.
    order = type("O", (), {"paid_fen": 100, "refunded_fen": 100})
    with mock.patch("quanzi.loyalty.lotteries.services._order", return_value=order):
        outcomes = race([lambda: services.lottery_draw(lottery_id=lot.pk)]
                        + [lambda i=i: refund(900_000 + i) for i in range(6)])
    assert outcomes == ["ok"] * 7, outcomes
    lot = Lottery.objects.get(pk=lot.pk)
    data = selectors.published_data(lottery=lot)
    assert verify.verify(data).ok and lot.entries_at_draw == len(data["entries"])
    revoked = set(LotteryEntry.objects.filter(lottery=lot, status=EntryStatus.REVOKED).values_list("number",
                                                                                                    flat=True))
    assert set(data["revoked"]) == revoked and not revoked & {w["number"] for w in data["winners"]}
