"""Binding: the four policies, self-referral and cycles refused with nothing changed, the inviter chain, and the
IP/device flags (flags, not refusals)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import make_user
from quanzi.core.errors import DomainError
from quanzi.referrals.invites import selectors, services
from quanzi.referrals.invites.enums import BindPolicy, BindSource, EndReason, FlagKind
from quanzi.referrals.invites.models import Binding, InviteFlag
from quanzi.referrals.invites.tests.helpers import set_policy

pytestmark = pytest.mark.django_db


def _bind(invitee, inviter, *, source=BindSource.LINK, at_signup=False, **kw):  # type: ignore[no-untyped-def]
    return services.referral_bind(invitee=invitee, inviter_id=inviter.pk, source=source, at_signup=at_signup, **kw)


def _code(exc: pytest.ExceptionInfo[DomainError]) -> str:
    return str(exc.value.code)


def test_first_invite_wins_and_later_links_change_nothing() -> None:
    a, b, c = make_user("甲"), make_user("乙"), make_user("丙")
    first = _bind(c, a, at_signup=True)
    assert first is not None and selectors.inviter_of(user_id=c.pk) == a.pk
    assert _bind(c, b) is None  # a link opened later: quietly nothing
    with pytest.raises(DomainError) as exc:
        services.referral_bind_code(invitee=c, code=services.invite_code_ensure(user=b))
    assert _code(exc) == "invite_already_bound"
    assert list(Binding.objects.filter(invitee=c).values_list("inviter_id", flat=True)) == [a.pk]


def test_first_policy_never_binds_an_existing_member_later() -> None:
    a, old = make_user(), make_user()
    assert _bind(old, a) is None
    assert selectors.inviter_of(user_id=old.pk) is None


def test_permanent_lets_an_unbound_member_bind_once_then_never_moves() -> None:
    set_policy(BindPolicy.PERMANENT)
    a, b, old = make_user(), make_user(), make_user()
    assert _bind(old, a) is not None
    assert _bind(old, b) is None
    assert selectors.inviter_of(user_id=old.pk) == a.pk


def test_days_policy_lapses_and_the_next_invite_binds_again() -> None:
    set_policy(BindPolicy.DAYS, valid_days=30)
    a, b, c = make_user(), make_user(), make_user()
    binding = _bind(c, a, at_signup=True)
    assert binding is not None and binding.expires_at is not None
    assert binding.expires_at - binding.started_at == dt.timedelta(days=30)
    assert _bind(c, b) is None  # still in force
    Binding.objects.filter(pk=binding.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert selectors.inviter_of(user_id=c.pk) is None
    assert selectors.inviter_chain(user_id=c.pk, levels=3) == []
    again = _bind(c, b)
    assert again is not None and selectors.inviter_of(user_id=c.pk) == b.pk
    binding.refresh_from_db()
    assert binding.ended_reason == EndReason.EXPIRED and binding.ended_at is not None


def test_last_click_moves_the_binding() -> None:
    set_policy(BindPolicy.LAST_CLICK)
    a, b, c = make_user(), make_user(), make_user()
    _bind(c, a, at_signup=True)
    moved = _bind(c, b)
    assert moved is not None and selectors.inviter_of(user_id=c.pk) == b.pk
    old = Binding.objects.get(invitee=c, inviter=a)
    assert old.ended_reason == EndReason.MOVED
    assert Binding.objects.filter(invitee=c, ended_at__isnull=True).count() == 1


def test_self_referral_is_refused_and_nothing_changes() -> None:
    a = make_user()
    for call in (lambda: _bind(a, a, at_signup=True),
                 lambda: services.referral_bind_code(invitee=a, code=services.invite_code_ensure(user=a))):
        with pytest.raises(DomainError) as exc:
            call()
        assert _code(exc) == "invite_self"
    assert not Binding.objects.exists()


def test_unknown_code_is_refused() -> None:
    a = make_user()
    with pytest.raises(DomainError) as exc:
        services.referral_bind_code(invitee=a, code="NOPE2345", at_signup=True)
    assert _code(exc) == "invite_code_unknown" and exc.value.status == 404
    assert not Binding.objects.exists()


@pytest.mark.parametrize("policy", [BindPolicy.LAST_CLICK, BindPolicy.PERMANENT])
def test_cycles_are_refused(policy: str) -> None:
    set_policy(policy)
    a, b, c = make_user(), make_user(), make_user()
    _bind(b, a, at_signup=True)  # A invited B
    _bind(c, b, at_signup=True)  # B invited C
    for invitee, inviter in ((a, b), (a, c)):  # A→B→A, A→B→C→A
        with pytest.raises(DomainError) as exc:
            _bind(invitee, inviter)
        assert _code(exc) == "invite_cycle"
    assert selectors.inviter_of(user_id=a.pk) is None
    assert Binding.objects.count() == 2


def test_inviter_chain_walks_up_to_the_levels_asked() -> None:
    a, b, c, d = make_user(), make_user(), make_user(), make_user()
    _bind(b, a, at_signup=True)
    _bind(c, b, at_signup=True)
    _bind(d, c, at_signup=True)
    assert selectors.inviter_chain(user_id=d.pk, levels=2) == [c.pk, b.pk]
    assert selectors.inviter_chain(user_id=d.pk, levels=3) == [c.pk, b.pk, a.pk]
    assert selectors.inviter_chain(user_id=d.pk, levels=10) == [c.pk, b.pk, a.pk]
    assert selectors.inviter_chain(user_id=a.pk, levels=3) == []
    assert selectors.inviter_chain(user_id=d.pk, levels=0) == []


def test_many_accounts_from_one_ip_or_device_are_flagged_not_refused() -> None:
    set_policy(BindPolicy.FIRST, flag_threshold=3, flag_window_hours=24)
    inviter = make_user()
    made = [_bind(make_user(), inviter, at_signup=True, ip="10.0.0.9", device=f"dev{i % 2}") for i in range(4)]
    assert all(b is not None for b in made)  # every one bound
    ip_flags = InviteFlag.objects.filter(kind=FlagKind.IP).order_by("binding_id")
    assert [f.binding_id for f in ip_flags] == [made[2].pk, made[3].pk]  # the 3rd and 4th from one IP
    assert [f.count for f in ip_flags] == [3, 4]
    assert not InviteFlag.objects.filter(kind=FlagKind.DEVICE).exists()  # two per device: under the threshold
    other = _bind(make_user(), inviter, at_signup=True, ip="10.0.0.10", device="dev0")
    assert other is not None and InviteFlag.objects.filter(binding=other, kind=FlagKind.DEVICE, count=3).exists()


def test_bindings_outside_the_window_do_not_count() -> None:
    set_policy(BindPolicy.FIRST, flag_threshold=2, flag_window_hours=1)
    inviter = make_user()
    old = _bind(make_user(), inviter, at_signup=True, ip="10.1.1.1")
    assert old is not None
    Binding.objects.filter(pk=old.pk).update(started_at=timezone.now() - dt.timedelta(hours=2))
    fresh = _bind(make_user(), inviter, at_signup=True, ip="10.1.1.1")
    assert fresh is not None and not InviteFlag.objects.exists()
