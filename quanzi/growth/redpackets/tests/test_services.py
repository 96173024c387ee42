"""Red-packet and balance services: the split, funding from the balance, claiming (one per member, members only,
exact), expiry returning the rest once, bad input refused with nothing changed."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from conftest import make_user
from quanzi.core.errors import DomainError
from quanzi.growth.redpackets import rules, services
from quanzi.growth.redpackets.enums import BalanceKind, PacketStatus
from quanzi.growth.redpackets.models import BalanceEntry, RedPacket, RedPacketShare
from quanzi.growth.redpackets.selectors import balance_of, packet_view
from quanzi.growth.redpackets.tests.helpers import community, grant, join, members

pytestmark = pytest.mark.django_db


@given(amount=st.integers(1, 2_000_000), shares=st.integers(1, 200), seed=st.integers(0, 2**32))
def test_the_split_is_exact_and_every_share_is_at_least_a_fen(amount: int, shares: int, seed: int) -> None:
    if shares > amount:
        with pytest.raises(ValueError):
            rules.split_double_mean(amount, shares, random.Random(seed))
        return
    parts = rules.split_double_mean(amount, shares, random.Random(seed))
    assert len(parts) == shares and sum(parts) == amount and min(parts) >= 1


def test_the_split_is_fair_on_average() -> None:
    """Over many packets each position's mean share is close to amount / N (the double-mean method and the
    shuffle); a split that favoured early or late claimers would fail here."""
    rng = random.Random(7)
    n, amount, rounds = 5, 10000, 4000
    totals = [0] * n
    for _ in range(rounds):
        for i, p in enumerate(rules.split_double_mean(amount, n, rng)):
            totals[i] += p
    for t in totals:
        assert abs(t / rounds - amount / n) < amount / n * 0.05


def test_funding_takes_the_amount_from_the_balance_and_splits_it(rich_funder: Any, group: Any) -> None:
    p = services.redpacket_create_and_fund(funder=rich_funder, community_id=group.pk, amount_fen=888, shares=10,
                                           greeting="新年快乐")
    assert p.status == PacketStatus.OPEN and p.expires_at > timezone.now() + dt.timedelta(hours=23)
    shares = list(RedPacketShare.objects.filter(packet=p))
    assert len(shares) == 10 and sum(s.amount_fen for s in shares) == 888 and min(s.amount_fen for s in shares) >= 1
    assert balance_of(user_id=rich_funder.pk) == 10000 - 888
    assert BalanceEntry.objects.get(reference=f"redpacket-fund:{p.pk}").amount_fen == -888


@pytest.mark.parametrize(("amount", "shares", "code"), [
    (0, 1, "invalid_amount"), (-5, 1, "invalid_amount"), (5, 6, "shares_exceed_amount"), (100, 0, "invalid_shares"),
    (100, 10_000, "invalid_shares"), (20_000, 2, "balance_insufficient")])
def test_bad_funding_is_refused_and_changes_nothing(rich_funder: Any, group: Any, amount: int, shares: int,
                                                     code: str) -> None:
    with pytest.raises(DomainError) as exc:
        services.redpacket_create_and_fund(funder=rich_funder, community_id=group.pk, amount_fen=amount,
                                           shares=shares)
    assert exc.value.code == code
    assert RedPacket.objects.count() == 0 and balance_of(user_id=rich_funder.pk) == 10000


def test_only_someone_who_may_post_there_can_send(operator: Any, group: Any) -> None:
    outsider = make_user()
    grant(operator, outsider, 1000)
    with pytest.raises(DomainError) as exc:
        services.redpacket_create_and_fund(funder=outsider, community_id=group.pk, amount_fen=100, shares=2)
    assert exc.value.code == "post_not_allowed"
    with pytest.raises(DomainError) as exc:
        services.redpacket_create_and_fund(funder=outsider, community_id=999999, amount_fen=100, shares=2)
    assert exc.value.code == "community_not_found"
    assert balance_of(user_id=outsider.pk) == 1000


def test_claims_are_one_per_member_members_only_and_sum_exactly(rich_funder: Any, group: Any) -> None:
    p = services.redpacket_create_and_fund(funder=rich_funder, community_id=group.pk, amount_fen=100, shares=3)
    a, b, c, d = members(group, 4)
    got = [services.redpacket_claim(user=u, packet_id=p.pk).amount_fen for u in (a, b)]
    with pytest.raises(DomainError) as exc:
        services.redpacket_claim(user=a, packet_id=p.pk)
    assert exc.value.code == "already_claimed"
    outsider = make_user()
    with pytest.raises(DomainError) as exc:
        services.redpacket_claim(user=outsider, packet_id=p.pk)
    assert exc.value.code == "not_community_member"
    got.append(services.redpacket_claim(user=c, packet_id=p.pk).amount_fen)
    with pytest.raises(DomainError) as exc:
        services.redpacket_claim(user=d, packet_id=p.pk)
    assert exc.value.code == "packet_finished"
    p.refresh_from_db()
    assert sum(got) == 100 == p.claimed_fen and p.claimed_count == 3 and p.status == PacketStatus.FINISHED
    assert [balance_of(user_id=u.pk) for u in (a, b, c, d)] == [*got, 0]
    assert balance_of(user_id=outsider.pk) == 0
    view = packet_view(packet=p, user=d)
    assert view.state == "finished" and view.shares_left == 0 and view.best_share_id is not None
    with pytest.raises(DomainError) as exc:
        services.redpacket_claim(user=a, packet_id=424242)
    assert exc.value.code == "packet_not_found"


def test_expiry_returns_the_rest_to_the_funder_once(rich_funder: Any, group: Any) -> None:
    p = services.redpacket_create_and_fund(funder=rich_funder, community_id=group.pk, amount_fen=1000, shares=4)
    a, b = members(group, 2)
    first = services.redpacket_claim(user=a, packet_id=p.pk).amount_fen
    assert services.redpacket_expire(packet_id=p.pk) == 0  # not due yet: nothing happens
    RedPacket.objects.filter(pk=p.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert packet_view(packet=RedPacket.objects.get(pk=p.pk), user=b).state == "expired"  # read-time expiry
    with pytest.raises(DomainError) as exc:
        services.redpacket_claim(user=b, packet_id=p.pk)
    assert exc.value.code == "packet_expired"
    assert services.redpackets_expire_due() == 1
    assert services.redpackets_expire_due() == 0 and services.redpacket_expire(packet_id=p.pk) == 0
    p.refresh_from_db()
    assert p.status == PacketStatus.EXPIRED and p.returned_fen == 1000 - first
    assert balance_of(user_id=rich_funder.pk) == 10000 - 1000 + (1000 - first)
    assert BalanceEntry.objects.filter(user=rich_funder, kind=BalanceKind.PACKET_RETURN).count() == 1
    with pytest.raises(DomainError) as exc:
        services.redpacket_claim(user=b, packet_id=p.pk)
    assert exc.value.code == "packet_expired"


def test_an_operator_can_end_a_packet_early_and_only_an_operator(operator: Any, rich_funder: Any,
                                                                   group: Any) -> None:
    p = services.redpacket_create_and_fund(funder=rich_funder, community_id=group.pk, amount_fen=500, shares=5)
    with pytest.raises(DomainError) as exc:
        services.redpacket_expire(packet_id=p.pk, operator=rich_funder)
    assert exc.value.code == "not_operator"
    assert services.redpacket_expire(packet_id=p.pk, operator=operator) == 500
    assert balance_of(user_id=rich_funder.pk) == 10000


def test_grants_are_for_operators_and_happen_once_per_reference(operator: Any, funder: Any) -> None:
    services.balance_grant(operator=operator, user_id=funder.pk, amount_fen=300, reference="g-1")
    services.balance_grant(operator=operator, user_id=funder.pk, amount_fen=300, reference="g-1")
    assert balance_of(user_id=funder.pk) == 300
    with pytest.raises(DomainError) as exc:
        services.balance_grant(operator=funder, user_id=funder.pk, amount_fen=300, reference="g-2")
    assert exc.value.code == "not_operator"
    with pytest.raises(DomainError) as exc:
        services.balance_grant(operator=operator, user_id=funder.pk, amount_fen=0, reference="g-3")
    assert exc.value.code == "invalid_amount"


def test_a_packet_in_another_community_is_not_claimable_by_members_elsewhere(rich_funder: Any, group: Any) -> None:
    other = community(make_user())
    u = make_user()
    join(u, other)
    p = services.redpacket_create_and_fund(funder=rich_funder, community_id=group.pk, amount_fen=10, shares=1)
    with pytest.raises(DomainError) as exc:
        services.redpacket_claim(user=u, packet_id=p.pk)
    assert exc.value.code == "not_community_member"
