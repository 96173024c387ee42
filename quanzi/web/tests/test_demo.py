"""The demo data (`make demo`), built small through the real services: what a visitor would notice holds —
communities across verticals, posts of every kind, an open poll, an upcoming event, a month of check-ins —
and every counter agrees with the rows it counts."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count, F, Q
from django.test import override_settings
from django.utils import timezone

from quanzi.accounts.models import User
from quanzi.communities.enums import MembershipStatus
from quanzi.communities.models import Community, Membership
from quanzi.content.enums import CommentStatus, PostKind, PostStatus, ReactionKind
from quanzi.content.models import CheckIn, Comment, EventSignup, OfflineEvent, Poll, PollVote, Post, Reaction
from quanzi.core.timeutil import local_today
from quanzi.web.demo.build import DEMO_PASSWORD, DemoWorld, build

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoWorld]:
    """Built once for the module (the build takes seconds) inside a transaction that is rolled back at the
    end, so no other test sees the demo rows; its pictures go to a throw-away media folder."""
    media = tempfile.mkdtemp(prefix="quanzi-demo-media-")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        yield build(members=40, posts=60, orders=30, log=lambda _line: None)
        transaction.set_rollback(True)
    shutil.rmtree(media, ignore_errors=True)


def test_demo_has_communities_across_verticals(world: DemoWorld) -> None:
    communities = Community.objects.all()
    assert communities.count() >= 6
    assert len({c.vertical for c in communities}) >= 5
    assert {c.visibility for c in communities} >= {"public", "apply", "invite"}
    for c in communities:
        assert c.name and c.positioning and c.tags, c.slug
        assert c.member_count > 1, c.slug  # nobody lands in an empty community


def test_demo_logins_work(world: DemoWorld) -> None:
    assert {login.role for login in world.logins} == {"operator", "member", "owner", "kol", "merchant", "mall",
                                                      "mall partner"}
    for login in world.logins:
        user = User.objects.get(phone=login.login)
        assert user.nickname == login.nickname
        assert user.check_password(DEMO_PASSWORD), login.role
    assert User.objects.get(phone="13800000000").is_staff


def test_demo_has_posts_of_every_kind(world: DemoWorld) -> None:
    published = Post.objects.filter(status=PostStatus.PUBLISHED)
    kinds = set(published.values_list("kind", flat=True))
    assert kinds == set(PostKind.values)
    assert published.count() >= 50
    # The extras the demo promises: a scheduled post (content calendar) and a post held for review.
    assert Post.objects.filter(status=PostStatus.SCHEDULED, publish_at__gt=timezone.now()).exists()
    assert Post.objects.filter(status=PostStatus.HELD).exclude(status_reason="").exists()


def test_demo_has_an_open_poll_and_an_upcoming_event(world: DemoWorld) -> None:
    now = timezone.now()
    open_polls = Poll.objects.filter(closes_at__gt=now, post__status=PostStatus.PUBLISHED)
    assert open_polls.exists()
    assert any(p.options.count() >= 2 for p in open_polls)
    upcoming = OfflineEvent.objects.filter(starts_at__gt=now, post__status=PostStatus.PUBLISHED)
    assert upcoming.exists()
    assert upcoming.filter(Q(signup_deadline__isnull=True) | Q(signup_deadline__gt=now),
                           signup_count__lt=F("capacity")).exists()  # someone can still sign up


def test_demo_check_ins_spread_over_the_last_month(world: DemoWorld) -> None:
    today = local_today()
    days = set(CheckIn.objects.values_list("day", flat=True))
    assert len(days) >= 25
    assert max(days) <= today
    assert min(days) >= today - dt.timedelta(days=31)
    # Streaks are consistent with the rows: a streak > 1 always has yesterday's check-in before it.
    rows = {(c.community_id, c.user_id, c.day): c.streak for c in CheckIn.objects.all()}
    long_streaks = 0
    for (community_id, user_id, day), streak in rows.items():
        before = rows.get((community_id, user_id, day - dt.timedelta(days=1)))
        assert streak == (before + 1 if before is not None else 1), (community_id, user_id, day)
        long_streaks += streak >= 3
    assert long_streaks > 0


def test_demo_counters_equal_the_rows(world: DemoWorld) -> None:
    posts = Post.objects.annotate(
        likes=Count("reactions", filter=Q(reactions__kind=ReactionKind.LIKE), distinct=True),
        favourites=Count("reactions", filter=Q(reactions__kind=ReactionKind.FAVOURITE), distinct=True),
        counted_comments=Count("comments", filter=~Q(comments__status=CommentStatus.HELD), distinct=True),
    )
    for post in posts:
        assert post.like_count == post.likes, post.pk
        assert post.favourite_count == post.favourites, post.pk
        assert post.comment_count == post.counted_comments, post.pk
    assert Comment.objects.count() > 60 and Reaction.objects.filter(kind=ReactionKind.LIKE).count() > 100
    assert Comment.objects.filter(parent__isnull=False).exists()  # replies too
    assert Post.objects.filter(kind=PostKind.QUESTION, accepted_answer__isnull=False).exists()

    for poll in Poll.objects.all():
        assert poll.voter_count == PollVote.objects.filter(poll=poll).values("user").distinct().count(), poll.pk
        for option in poll.options.all():
            assert option.vote_count == option.votes.count(), option.pk
    for event in OfflineEvent.objects.all():
        assert event.signup_count == EventSignup.objects.filter(event=event).count(), event.pk
        assert event.signup_count <= event.capacity


def test_demo_member_and_post_counts_equal_the_rows(world: DemoWorld) -> None:
    for c in Community.objects.all():
        active = Membership.objects.filter(community=c, status=MembershipStatus.ACTIVE).count()
        assert c.member_count == active, c.slug
        assert c.post_count == Post.objects.filter(community=c, status=PostStatus.PUBLISHED).count(), c.slug
    # Some applications are left pending for the owners' review queue.
    assert Membership.objects.filter(status=MembershipStatus.PENDING).exists()
