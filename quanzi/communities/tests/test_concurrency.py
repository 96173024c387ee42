"""Counters under concurrent requests: runs on SQLite (IMMEDIATE transactions) and on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections

from conftest import make_user
from quanzi.communities import services
from quanzi.communities.enums import MembershipStatus
from quanzi.communities.models import Community, Invitation, Membership
from quanzi.communities.tests.conftest import new_community
from quanzi.core.errors import DomainError

pytestmark = pytest.mark.django_db(transaction=True)


def _run_all(fns: list) -> list[str]:  # type: ignore[type-arg]
    results: list[str] = []
    barrier = threading.Barrier(len(fns))

    def worker(fn) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            fn()
            results.append("ok")
        except DomainError as exc:
            results.append(exc.code)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker, args=(fn,)) for fn in fns]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.postgres
def test_an_invitation_never_passes_max_uses_under_concurrency():
    owner = make_user()
    community = new_community(owner)
    inv = services.invitation_create(actor=owner, community=community, max_uses=3)
    users = [make_user() for _ in range(8)]
    results = _run_all([lambda u=u: services.invitation_redeem(user=u, code=inv.code) for u in users])
    inv.refresh_from_db()
    joined = Membership.objects.filter(invitation=inv, status=MembershipStatus.ACTIVE).count()
    assert results.count("ok") == 3 == inv.use_count == joined
    assert set(results) - {"ok"} <= {"invitation_used_up"}
    assert Community.objects.get(pk=community.pk).member_count == 4


@pytest.mark.postgres
def test_member_count_stays_right_when_joins_and_leaves_race():
    community = new_community()
    users = [make_user() for _ in range(6)]
    for u in users[:3]:
        services.community_join(user=u, community=community)
    fns = [lambda u=u: services.community_leave(user=u, community=community) for u in users[:3]]
    fns += [lambda u=u: services.community_join(user=u, community=community) for u in users[3:]]
    fns += [lambda u=u: services.community_join(user=u, community=community) for u in users[3:]]  # double taps
    results = _run_all(fns)
    assert set(results) == {"ok"}
    active = Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE).count()
    assert Community.objects.get(pk=community.pk).member_count == active == 4
    assert Invitation.objects.count() == 0
