"""Races on PostgreSQL: capacity and one-vote-per-user hold when requests arrive together."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from conftest import make_user
from quanzi.content import services
from quanzi.content.enums import PostKind
from quanzi.content.models import EventSignup, OfflineEvent, Poll, PollVote
from quanzi.content.tests.conftest import join, later, make_community
from quanzi.core.errors import DomainError

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(fns: list[Callable[[], object]]) -> tuple[int, list[str]]:
    barrier = threading.Barrier(len(fns))
    ok: list[int] = []
    codes: list[str] = []

    def run(fn: Callable[[], object]) -> None:
        try:
            barrier.wait()
            fn()
            ok.append(1)
        except DomainError as exc:
            codes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in fns]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(ok), codes


def test_event_capacity_is_never_exceeded():
    owner = make_user()
    community = make_community(owner)
    author = join(make_user(), community)
    post = services.post_create(author=author, community=community, kind=PostKind.EVENT, title="限 3 人",
                                event_starts_at=later(days=1), event_location="杭州", event_capacity=3)
    users = [join(make_user(), community) for _ in range(8)]
    ok, codes = _race([lambda u=u: services.event_signup(user=u, post=post) for u in users])
    assert ok == 3 and codes.count("event_full") == 5
    event = OfflineEvent.objects.get(post=post)
    assert event.signup_count == 3 == EventSignup.objects.filter(event=event).count()


def test_one_vote_per_user_even_in_parallel():
    owner = make_user()
    community = make_community(owner)
    voter = join(make_user(), community)
    post = services.post_create(author=join(make_user(), community), community=community, kind=PostKind.POLL,
                                title="二选一", poll_options=["甲", "乙"], poll_multiple=True,
                                poll_closes_at=later(days=1))
    a, b = post.poll.options.all()
    ok, codes = _race([lambda: services.poll_vote(user=voter, post=post, option_ids=[a.pk]),
                       lambda: services.poll_vote(user=voter, post=post, option_ids=[b.pk]),
                       lambda: services.poll_vote(user=voter, post=post, option_ids=[a.pk, b.pk])])
    assert ok == 1 and codes == ["already_voted", "already_voted"]
    assert Poll.objects.get(pk=post.poll.pk).voter_count == 1
    assert PollVote.objects.filter(user=voter).values("poll").distinct().count() == 1
