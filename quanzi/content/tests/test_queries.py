"""The community page and the home feed run a constant number of SQL queries, whatever the number of posts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import make_user
from quanzi.accounts.services import follow
from quanzi.content import services
from quanzi.content.enums import PostKind
from quanzi.content.tests.conftest import join, later, make_community, png

pytestmark = pytest.mark.django_db


def _mixed_posts(n: int, community, authors, reader) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        author = authors[i % len(authors)]
        kind = i % 4
        if kind == 0:
            post = services.post_create(author=author, community=community, body=f"笔记 {i}",
                                        images=[png(), png("b.png")])
        elif kind == 1:
            post = services.post_create(author=author, community=community, kind=PostKind.POLL, title=f"投票 {i}",
                                        poll_options=["甲", "乙", "丙"], poll_closes_at=later(days=1))
            services.poll_vote(user=reader, post=post, option_ids=[post.poll.options.first().pk])
        elif kind == 2:
            post = services.post_create(author=author, community=community, kind=PostKind.EVENT, title=f"活动 {i}",
                                        event_starts_at=later(days=2), event_location="上海", event_capacity=10)
            services.event_signup(user=reader, post=post)
        else:
            post = services.post_create(author=author, community=community, kind=PostKind.QUESTION,
                                        title=f"问题 {i}", images=[png()])
        services.reaction_toggle(user=reader, post=post, kind="like")
        services.comment_create(author=reader, post=post, body="来了")


def _count(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def setup(owner):  # type: ignore[no-untyped-def]
    def build(n: int):  # type: ignore[no-untyped-def]
        community = make_community(owner)
        other = make_community(owner)
        authors = [join(make_user(), community) for _ in range(3)]
        far = join(make_user(), other)
        reader = join(join(make_user(), community), other)
        _mixed_posts(n, community, authors, reader)
        _mixed_posts(max(1, n // 3), other, [far], reader)
        follow(follower=reader, followee_id=far.pk)
        client = Client()
        client.force_login(reader)
        return community, client

    return build


def test_community_page_queries_do_not_grow_with_posts(setup):
    small, small_client = setup(3)
    big, big_client = setup(30)
    few = _count(small_client, f"/c/{small.slug}/")
    many = _count(big_client, f"/c/{big.slug}/")
    hot_few = _count(small_client, f"/c/{small.slug}/?order=hot")
    hot_many = _count(big_client, f"/c/{big.slug}/?order=hot")
    assert many == few, (few, many)
    assert hot_many == hot_few
    assert many <= 20
    html = big_client.get(f"/c/{big.slug}/").content.decode()
    assert html.count('class="card post"') == 20  # a full page of mixed cards was really rendered


def test_home_feed_queries_do_not_grow_with_posts(setup):
    _small, small_client = setup(3)
    _big, big_client = setup(30)
    few = _count(small_client, "/")
    many = _count(big_client, "/")
    assert many == few, (few, many)
    assert many <= 20


def test_visitor_home_queries_do_not_grow_with_posts(setup):
    setup(3)
    few = _count(Client(), "/")
    setup(30)
    many = _count(Client(), "/")
    assert many == few, (few, many)


def test_member_posts_fragment_queries_are_constant(setup, django_assert_max_num_queries):
    community, client = setup(30)
    author = community.memberships.exclude(role="owner").first().user
    with django_assert_max_num_queries(12):
        response = client.get(f"/u/{author.pk}/posts/")
    assert response.status_code == 200 and 'class="card post"' in response.content.decode()
