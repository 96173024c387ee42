"""Invites under concurrency, on PostgreSQL (skipped on SQLite, which serialises writers anyway): binds that would
close a cycle from both ends at once leave one binding; one member bound from 10 links at once gets one binding;
the first-order reward of an invitee, its moment handled 10 times at once, is granted once."""

from __future__ import annotations

import pytest

from quanzi.accounts.models import User
from quanzi.core.testing import race
from quanzi.referrals.invites import selectors, services
from quanzi.referrals.invites.enums import BindPolicy, BindSource
from quanzi.referrals.invites.models import Binding
from quanzi.referrals.invites.tests.helpers import set_policy

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _members(n: int, prefix: str = "1370") -> list[User]:
    return [User.objects.create(phone=f"{prefix}{i:07d}", nickname=f"会员{i}") for i in range(n)]


def test_a_ring_closed_from_every_side_at_once_stays_open() -> None:
    set_policy(BindPolicy.PERMANENT)
    a, b, c, d = _members(4)
    pairs = [(a, b), (b, c), (c, d), (d, a)]  # each binds invitee to inviter: together a ring
    outcomes = race([lambda i=i, j=j: services.referral_bind(invitee=i, inviter_id=j.pk, source=BindSource.LINK)
                     for i, j in pairs])
    assert outcomes.count("ok") == 3 and outcomes.count("invite_cycle") == 1, outcomes
    for m in (a, b, c, d):
        assert m.pk not in selectors.inviter_chain(user_id=m.pk, levels=10)


def test_two_members_binding_each_other_at_once() -> None:
    set_policy(BindPolicy.PERMANENT)
    a, b = _members(2, "1371")
    outcomes = race([lambda: services.referral_bind(invitee=a, inviter_id=b.pk, source=BindSource.LINK),
                     lambda: services.referral_bind(invitee=b, inviter_id=a.pk, source=BindSource.LINK)])
    assert sorted(outcomes) == ["invite_cycle", "ok"]
    assert Binding.objects.count() == 1


def test_one_member_bound_from_many_links_at_once_has_one_binding() -> None:
    set_policy(BindPolicy.LAST_CLICK)
    invitee, *inviters = _members(11, "1372")
    outcomes = race([lambda j=j: services.referral_bind(invitee=invitee, inviter_id=j.pk, source=BindSource.LINK)
                     for j in inviters])
    assert outcomes == ["ok"] * 10
    assert Binding.objects.filter(invitee=invitee, ended_at__isnull=True).count() == 1


def test_first_order_reward_granted_once_under_concurrency(shop: object) -> None:
    """The completed moment of the invitee's first order handled 10 times at once (a sweep racing the dispatch):
    the reward is paid once, the outcome moves once."""
    from quanzi.loyalty.points.selectors import points_balance
    from quanzi.orders.hooks import OrderMomentEvent
    from quanzi.referrals.invites.enums import OutcomeStatus
    from quanzi.referrals.invites.models import InviteOutcome, OutcomeStatusChange

    set_policy(BindPolicy.FIRST, inviter_reward_kind="points", inviter_reward_amount=200, invitee_reward_amount=0)
    inviter, invitee = _members(2, "1373")
    binding = services.referral_bind(invitee=invitee, inviter_id=inviter.pk, source=BindSource.LINK, at_signup=True)
    assert binding is not None
    from django.utils import timezone

    outcome = InviteOutcome.objects.create(invitee=invitee, inviter=inviter, binding=binding, order_id=987654,
                                           order_payable_fen=11000, paid_at=timezone.now())
    event = OrderMomentEvent(moment="completed", moment_id=1, order_id=987654, buyer_id=invitee.pk,
                             merchant_id=1, ref="", amount_fen=11000, at=timezone.now())

    def run() -> None:
        from django.db import transaction

        with transaction.atomic():  # as the moment dispatch runs a hook
            services.outcome_on_completed(event)

    assert race([run] * 10) == ["ok"] * 10
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.REWARDED
    assert OutcomeStatusChange.objects.filter(outcome=outcome).count() == 1
    assert points_balance(user_id=inviter.pk) == 200
