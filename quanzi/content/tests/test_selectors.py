from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import make_user
from quanzi.accounts.services import follow
from quanzi.communities.enums import Visibility
from quanzi.content import selectors, services
from quanzi.content.enums import PostKind, PostStatus
from quanzi.content.models import CheckIn, Post
from quanzi.content.tests.conftest import fresh, join, later, make_community
from quanzi.core.errors import DomainError
from quanzi.core.timeutil import local_today

pytestmark = pytest.mark.django_db


def note(author, community, body="笔记", **kw) -> Post:  # type: ignore[no-untyped-def]
    return services.post_create(author=author, community=community, kind=PostKind.NOTE, body=body, **kw)


def _age(post: Post, hours: float, **counters: int) -> None:
    when = timezone.now() - dt.timedelta(hours=hours)
    Post.objects.filter(pk=post.pk).update(publish_at=when, publish_ts=int(when.timestamp()), **counters)


def test_hot_order_weighs_interactions_against_age(alice, community):
    fresh_liked = note(alice, community, body="A")
    old_popular = note(alice, community, body="B")
    fresh_quiet = note(alice, community, body="C")
    newest_discussed = note(alice, community, body="D")
    _age(fresh_liked, 1, like_count=3)  # (3+1)/3^1.5 ≈ 0.77
    _age(old_popular, 48, like_count=20)  # 21/50^1.5 ≈ 0.06
    _age(fresh_quiet, 1)  # 1/3^1.5 ≈ 0.19
    _age(newest_discussed, 0, comment_count=2)  # 5/2^1.5 ≈ 1.77
    hot = [p.body for p in selectors.community_feed(community=community, viewer=None, order="hot")]
    assert hot == ["D", "A", "C", "B"]
    latest = [p.body for p in selectors.community_feed(community=community, viewer=None, order="latest")]
    assert latest == ["D", "C", "A", "B"]


def test_hot_order_shares_count_triple(alice, community):
    shared = note(alice, community, body="shared")
    liked = note(alice, community, body="liked")
    _age(shared, 5, share_count=2)  # 7
    _age(liked, 5, like_count=5)  # 6
    assert [p.body for p in selectors.community_feed(community=community, viewer=None, order="hot")] == [
        "shared", "liked"]


def test_scheduled_post_is_visible_when_due_without_the_job(alice, bob, community):
    post = note(alice, community, publish_at=later(hours=1))
    assert list(selectors.community_feed(community=community, viewer=bob)) == []
    with pytest.raises(DomainError):
        selectors.post_get_for_viewer(post_id=post.pk, viewer=bob)
    assert selectors.post_get_for_viewer(post_id=post.pk, viewer=alice).pk == post.pk  # author sees it
    Post.objects.filter(pk=post.pk).update(publish_at=timezone.now() - dt.timedelta(seconds=1))
    assert Post.objects.get(pk=post.pk).status == PostStatus.SCHEDULED  # no job ran
    assert [p.pk for p in selectors.community_feed(community=community, viewer=bob)] == [post.pk]
    assert selectors.post_get_for_viewer(post_id=post.pk, viewer=bob).pk == post.pk
    assert [p.pk for p in selectors.search_posts(q="笔记", viewer=bob)] == [post.pk]


def test_chinese_search_ranks_by_matched_terms(alice, community):
    both = note(alice, community, body="新手妈妈的母婴好物推荐清单")
    one = note(alice, community, body="这款奶粉值得推荐")
    note(alice, community, body="今天健身打卡")
    assert selectors.search_terms("母婴推荐") == ["母婴", "推荐"]
    found = [p.pk for p in selectors.search_posts(q="母婴推荐", viewer=None)]
    assert found == [both.pk, one.pk]
    assert [p.pk for p in selectors.search_posts(q="奶粉 推荐", viewer=None)] == [one.pk, both.pk]
    assert list(selectors.search_posts(q="   ", viewer=None)) == []


def test_search_matches_titles_and_hides_invisible_posts(alice, owner, outsider, community):
    article = services.post_create(author=alice, community=community, kind=PostKind.ARTICLE,
                                   title="露营装备指南", body="帐篷和睡袋")
    secret = make_community(owner, visibility=Visibility.INVITE)
    hidden = note(fresh(owner), secret, body="露营装备的秘密")
    services.post_delete_own(actor=alice, post=note(alice, community, body="露营装备已删"))
    assert [p.pk for p in selectors.search_posts(q="露营装备", viewer=outsider)] == [article.pk]
    assert {p.pk for p in selectors.search_posts(q="露营装备", viewer=fresh(owner))} == {article.pk, hidden.pk}


def test_home_feed_joined_and_followed(alice, bob, owner, community):
    elsewhere = make_community(owner)
    secret = make_community(owner, visibility=Visibility.INVITE)
    carol = make_user("卡罗")
    in_joined = note(bob, community, body="圈内")
    join(carol, elsewhere)
    join(carol, secret)
    followed_public = note(fresh(carol), elsewhere, body="关注的人")
    note(fresh(carol), secret, body="关注的人在私密圈")
    note(fresh(owner), elsewhere, body="无关")
    follow(follower=alice, followee_id=carol.pk)
    ids = {p.pk for p in selectors.home_feed(viewer=fresh(alice))}
    assert ids == {in_joined.pk, followed_public.pk}


def test_visitor_home_feed_is_public_hot(alice, owner, community):
    secret = make_community(owner, visibility=Visibility.INVITE)
    public = note(alice, community, body="公开")
    note(fresh(owner), secret, body="私密")
    assert [p.pk for p in selectors.home_feed(viewer=None)] == [public.pk]


def test_member_posts_respect_viewer(alice, owner, outsider, community):
    secret = make_community(owner, visibility=Visibility.INVITE)
    join(alice, secret)
    public = note(alice, community)
    private = note(fresh(alice), secret)
    pending = note(alice, community, publish_at=later(days=1))
    assert [p.pk for p in selectors.member_posts(user_id=alice.pk, viewer=outsider)] == [public.pk]
    mine = {p.pk for p in selectors.member_posts(user_id=alice.pk, viewer=fresh(alice))}
    assert mine == {public.pk, private.pk, pending.pk}


def test_invite_only_feed_is_404_for_outsiders(owner, outsider):
    secret = make_community(owner, visibility=Visibility.INVITE)
    with pytest.raises(DomainError) as exc:
        selectors.community_feed(community=secret, viewer=outsider)
    assert exc.value.status == 404


def test_events_upcoming_soonest_first(alice, community):
    def ev(days: int, title: str) -> Post:
        return services.post_create(author=alice, community=community, kind=PostKind.EVENT, title=title,
                                    event_starts_at=later(days=days), event_location="北京", event_capacity=10)

    later_one, soon = ev(5, "晚"), ev(1, "早")
    past = ev(2, "已开始")
    from quanzi.content.models import OfflineEvent

    OfflineEvent.objects.filter(post=past).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    assert [p.pk for p in selectors.events_upcoming(community=community, viewer=None)] == [soon.pk, later_one.pk]


def test_viewer_state_is_attached(alice, bob, community):
    post = note(alice, community)
    p = services.post_create(author=alice, community=community, kind=PostKind.POLL, title="选哪个",
                             poll_options=["甲", "乙"], poll_closes_at=later(days=1))
    services.reaction_toggle(user=bob, post=post, kind="favourite")
    option = p.poll.options.first()
    services.poll_vote(user=bob, post=p, option_ids=[option.pk])
    by_pk = {x.pk: x for x in selectors.community_feed(community=community, viewer=bob)}
    assert by_pk[post.pk].favourited and not by_pk[post.pk].liked
    assert by_pk[p.pk].poll.viewer_option_ids == {option.pk}
    anon = {x.pk: x for x in selectors.community_feed(community=community, viewer=None)}
    assert not anon[post.pk].favourited and anon[p.pk].poll.viewer_option_ids == set()


def test_held_queue_for_moderators_only(alice, bob, owner, community):
    from quanzi.content.models import SensitiveWord

    SensitiveWord.objects.create(word="高仿")
    held = note(alice, community, body="高仿")
    assert [p.pk for p in selectors.held_posts(community=community, viewer=fresh(owner))] == [held.pk]
    with pytest.raises(DomainError) as exc:
        selectors.held_posts(community=community, viewer=bob)
    assert exc.value.status == 403


def test_checkin_status_calendar_and_streak(alice, community):
    today = local_today()
    for back, streak in ((2, 1), (1, 2)):
        CheckIn.objects.create(user=alice, community=community, day=today - dt.timedelta(days=back), streak=streak)
    status = selectors.checkin_status(user=alice, community=community)
    assert status["streak"] == 2 and not status["checked_today"] and status["total"] == 2
    services.checkin(user=alice, community=community)
    status = selectors.checkin_status(user=alice, community=community)
    assert status["streak"] == 3 and status["checked_today"]
    assert today in status["days"]
    assert selectors.checkin_streak(user=alice, community=community) == 3
    CheckIn.objects.filter(user=alice, day__gte=today - dt.timedelta(days=1)).delete()
    assert selectors.checkin_streak(user=alice, community=community) == 0
