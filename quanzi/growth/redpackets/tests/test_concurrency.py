"""Red packets and the balance under concurrency, on PostgreSQL (skipped on SQLite, which serialises writers
anyway): a packet of 10 shares with 50 concurrent claimers gives exactly 10 claims summing exactly to its amount,
one per member; one member claiming many times at once gets one share; concurrent spends never take a balance
below zero; an expiry racing the claims returns exactly what nobody claimed. Transactions really commit here."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Sum
from django.utils import timezone

from quanzi.accounts.models import User
from quanzi.catalog.tests import factories as f
from quanzi.communities import services as community_services
from quanzi.core.testing import race
from quanzi.growth.redpackets import services
from quanzi.growth.redpackets.enums import BalanceKind, PacketStatus
from quanzi.growth.redpackets.models import BalanceEntry, RedPacket, RedPacketShare
from quanzi.growth.redpackets.selectors import balance_of
from quanzi.growth.redpackets.tests.helpers import community, grant

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _members(c: Any, n: int, prefix: str) -> list[User]:
    users = [User.objects.create(phone=f"{prefix}{i:07d}", nickname=f"会员{i}") for i in range(n)]
    for u in users:
        community_services.community_join(user=u, community=c)
    return users


@pytest.fixture
def world() -> Any:
    operator = f.operator()
    funder = User.objects.create(phone="13500000001", nickname="发红包的人")
    c = community(funder)
    grant(operator, funder, 100000)
    return type("World", (), {"operator": operator, "funder": funder, "community": c})


def test_ten_shares_fifty_claimers_exactly_ten_claims_summing_to_the_amount(world: Any) -> None:
    p = services.redpacket_create_and_fund(funder=world.funder, community_id=world.community.pk, amount_fen=1000,
                                           shares=10)
    claimers = _members(world.community, 50, "1371")
    outcomes = race([lambda u=u: services.redpacket_claim(user=u, packet_id=p.pk) for u in claimers])
    assert sorted(set(outcomes)) == ["ok", "packet_finished"], outcomes
    assert outcomes.count("ok") == 10
    p.refresh_from_db()
    claimed = RedPacketShare.objects.filter(packet=p, claimer__isnull=False)
    assert claimed.count() == 10 == p.claimed_count and p.status == PacketStatus.FINISHED
    assert claimed.aggregate(s=Sum("amount_fen"))["s"] == 1000 == p.claimed_fen
    assert len(set(claimed.values_list("claimer_id", flat=True))) == 10
    entries = BalanceEntry.objects.filter(packet=p, kind=BalanceKind.PACKET_CLAIM)
    assert entries.count() == 10 and entries.aggregate(s=Sum("amount_fen"))["s"] == 1000
    assert sum(balance_of(user_id=u.pk) for u in claimers) == 1000


def test_one_member_claiming_ten_times_at_once_gets_one_share(world: Any) -> None:
    p = services.redpacket_create_and_fund(funder=world.funder, community_id=world.community.pk, amount_fen=500,
                                           shares=5)
    (member,) = _members(world.community, 1, "1372")
    outcomes = race([lambda: services.redpacket_claim(user=member, packet_id=p.pk) for _ in range(10)])
    assert outcomes.count("ok") == 1 and set(outcomes) == {"ok", "already_claimed"}, outcomes
    assert RedPacketShare.objects.filter(packet=p, claimer=member).count() == 1
    p.refresh_from_db()
    assert p.claimed_count == 1 and balance_of(user_id=member.pk) == p.claimed_fen


def test_concurrent_spends_never_take_the_balance_below_zero(world: Any) -> None:
    (member,) = _members(world.community, 1, "1373")
    grant(world.operator, member, 5000)
    outcomes = race([lambda: services.redpacket_create_and_fund(funder=member, community_id=world.community.pk,
                                                                amount_fen=1000, shares=2) for _ in range(12)])
    assert outcomes.count("ok") == 5 and set(outcomes) == {"ok", "balance_insufficient"}, outcomes
    assert balance_of(user_id=member.pk) == 0
    assert RedPacket.objects.filter(funder=member).count() == 5


def test_expiry_racing_the_claims_returns_exactly_what_nobody_claimed(world: Any) -> None:
    p = services.redpacket_create_and_fund(funder=world.funder, community_id=world.community.pk, amount_fen=2000,
                                           shares=20)
    claimers = _members(world.community, 20, "1374")
    before = balance_of(user_id=world.funder.pk)

    def expire() -> None:
        RedPacket.objects.filter(pk=p.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
        services.redpacket_expire(packet_id=p.pk)

    outcomes = race([expire] + [lambda u=u: services.redpacket_claim(user=u, packet_id=p.pk) for u in claimers])
    assert not [o for o in outcomes if o.startswith("crash")], outcomes
    p.refresh_from_db()
    claimed = sum(balance_of(user_id=u.pk) for u in claimers)
    if p.status == PacketStatus.OPEN:  # every claim committed before the expiry looked: nothing left to return
        assert claimed == 2000
    else:
        assert p.returned_fen == 2000 - claimed
    assert balance_of(user_id=world.funder.pk) - before == 2000 - claimed
    assert claimed == p.claimed_fen
