from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_user
from quanzi.communities.enums import Visibility
from quanzi.content import services
from quanzi.content.enums import CommentStatus, PostKind, PostStatus
from quanzi.content.models import CheckIn, Comment, Post, SensitiveWord, Share
from quanzi.content.tests.conftest import fresh, join, later, make_community, png
from quanzi.core.models import Event

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def logged_in(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def note(author, community, body="今日穿搭", **kw) -> Post:  # type: ignore[no-untyped-def]
    return services.post_create(author=author, community=community, body=body, **kw)


def test_visitor_home_shows_hot_public_posts_and_signup_prompt(alice, owner, community):
    note(alice, community, body="公开的好帖")
    secret = make_community(owner, visibility=Visibility.INVITE)
    note(fresh(owner), secret, body="私密的帖子")
    html = Client().get("/").content.decode()
    assert "公开的好帖" in html and "私密的帖子" not in html
    assert 'id="signup-prompt"' in html


def test_member_home_feed_and_empty_fallback(alice, bob, community):
    note(bob, community, body="圈里的新帖")
    assert "圈里的新帖" in logged_in(alice).get("/").content.decode()
    loner = make_user("独行")
    html = logged_in(loner).get("/").content.decode()
    assert "发现社群" in html and "圈里的新帖" in html  # fallback to hot public posts


def test_community_page_tabs_checkin_and_cards(alice, bob, community):
    old = note(alice, community, body="老帖子很火")
    new = note(alice, community, body="新帖子")
    when = timezone.now() - dt.timedelta(hours=3)
    Post.objects.filter(pk=old.pk).update(like_count=30, publish_at=when, publish_ts=int(when.timestamp()))
    c = logged_in(bob)
    latest = c.get(f"/c/{community.slug}/").content.decode()
    assert latest.index("新帖子") < latest.index("老帖子很火")
    hot = c.get(f"/c/{community.slug}/?order=hot").content.decode()
    assert hot.index("老帖子很火") < hot.index("新帖子")
    assert 'id="community-header"' in latest and "最新" in latest and "最热" in latest
    assert f'hx-post="/c/{community.slug}/checkin/"' in latest
    assert f"/p/{new.pk}/" in latest


def test_checkin_button_returns_fragment_with_streak(bob, community):
    c = logged_in(bob)
    r = c.post(f"/c/{community.slug}/checkin/", {"note": "早起"}, **HX)
    assert r.status_code == 200 and "今日已打卡" in r.content.decode()
    assert "已连续打卡 1 天" in r.content.decode()
    r = c.post(f"/c/{community.slug}/checkin/", {}, **HX)
    assert r.status_code == 400 and "今天已经打过卡了" in r.content.decode()
    assert CheckIn.objects.filter(user=bob).count() == 1


def test_invite_only_community_page_is_404_for_outsiders(owner, outsider):
    secret = make_community(owner, visibility=Visibility.INVITE)
    post = note(fresh(owner), secret)
    assert logged_in(outsider).get(f"/c/{secret.slug}/").status_code == 404
    assert Client().get(f"/p/{post.pk}/").status_code == 404


def test_post_detail_like_comment_reply_in_place(alice, bob, community):
    post = note(alice, community, images=[png()])
    c = logged_in(bob)
    html = c.get(f"/p/{post.pk}/").content.decode()
    assert "今日穿搭" in html and "<img" in html
    r = c.post(f"/p/{post.pk}/react/like/", **HX)
    assert r.status_code == 200 and 'aria-pressed="true"' in r.content.decode()
    r = c.post(f"/p/{post.pk}/react/favourite/", **HX)
    assert "收藏" in r.content.decode()
    r = c.post(f"/p/{post.pk}/comment/", {"body": "好看！"}, **HX)
    assert r.status_code == 200 and "好看！" in r.content.decode()
    top = Comment.objects.get(body="好看！")
    r = logged_in(alice).post(f"/p/{post.pk}/comment/", {"body": "谢谢", "parent_id": top.pk}, **HX)
    assert 'class="comment reply"' in r.content.decode()
    r = c.post(f"/p/{post.pk}/comment/", {"body": ""}, **HX)
    assert r.status_code == 400
    post.refresh_from_db()
    assert (post.like_count, post.favourite_count, post.comment_count) == (1, 1, 2)


def test_non_member_cannot_like_and_sees_why(alice, outsider, community):
    post = note(alice, community)
    r = logged_in(outsider).post(f"/p/{post.pk}/react/like/", **HX)
    assert r.status_code == 400 and "请先加入该社群" in r.content.decode()
    assert Client().post(f"/p/{post.pk}/react/like/").status_code == 302  # to login


def test_poll_vote_and_event_signup_fragments(alice, bob, community):
    poll = services.post_create(author=alice, community=community, kind=PostKind.POLL, title="去哪",
                                poll_options=["海边", "山里"], poll_closes_at=later(days=1))
    event = services.post_create(author=alice, community=community, kind=PostKind.EVENT, title="聚会",
                                 event_starts_at=later(days=2), event_location="成都", event_capacity=1)
    c = logged_in(bob)
    opt = poll.poll.options.first()
    r = c.post(f"/p/{poll.pk}/vote/", {"option": [opt.pk]}, **HX)
    assert r.status_code == 200 and "✓" in r.content.decode()
    r = c.post(f"/p/{event.pk}/signup/", {}, **HX)
    assert "已报名 1 / 1" in r.content.decode() and "取消报名" in r.content.decode()
    r = logged_in(join(make_user(), community)).post(f"/p/{event.pk}/signup/", {}, **HX)
    assert r.status_code == 400 and "名额已满" in r.content.decode()
    r = c.post(f"/p/{event.pk}/signup/", {"cancel": "1"}, **HX)
    assert "已报名 0 / 1" in r.content.decode()


def test_share_button_and_landing(alice, bob, community):
    post = note(alice, community)
    r = logged_in(bob).post(f"/p/{post.pk}/share/", **HX)
    share = Share.objects.get(post=post)
    assert f"/s/{share.token}/" in r.content.decode()
    html = Client().get(f"/s/{share.token}/").content.decode()
    assert "分享给你" in html and "今日穿搭" in html
    assert Event.objects.filter(name="post.view", share_token=share.token).count() == 1
    assert Client().get("/s/bogus/").status_code == 404


def test_accept_answer_buttons_only_for_the_asker(alice, bob, community):
    q = services.post_create(author=alice, community=community, kind=PostKind.QUESTION, title="求推荐面霜")
    answer = services.comment_create(author=bob, post=q, body="试试这款")
    assert f"/accept/{answer.pk}/" not in logged_in(bob).get(f"/p/{q.pk}/").content.decode()
    assert f"/accept/{answer.pk}/" in logged_in(alice).get(f"/p/{q.pk}/").content.decode()
    r = logged_in(alice).post(f"/p/{q.pk}/accept/{answer.pk}/", **HX)
    assert 'data-accepted="1"' in r.content.decode()


def test_compose_every_kind(alice, community):
    c = logged_in(alice)
    assert c.get("/compose/").status_code == 200
    r = c.post("/compose/", {"community": community.slug, "kind": "note", "body": "随手记", "images": [png()]})
    assert r.status_code == 302
    post = Post.objects.get(body="随手记")
    assert post.images.count() == 1
    starts = (timezone.localtime(later(days=3))).strftime("%Y-%m-%dT%H:%M")
    r = c.post("/compose/", {"community": community.slug, "kind": "event", "title": "徒步", "event_starts_at": starts,
                             "event_location": "香山", "event_capacity": "20"})
    assert r.status_code == 302 and Post.objects.get(title="徒步").event.capacity == 20
    closes = (timezone.localtime(later(days=1))).strftime("%Y-%m-%dT%H:%M")
    r = c.post("/compose/", {"community": community.slug, "kind": "poll", "title": "选哪个",
                             "poll_option": ["A", "B", ""], "poll_closes_at": closes})
    assert r.status_code == 302 and Post.objects.get(title="选哪个").poll.options.count() == 2
    publish = (timezone.localtime(later(days=1))).strftime("%Y-%m-%dT%H:%M")
    c.post("/compose/", {"community": community.slug, "kind": "note", "body": "明天发", "publish_at": publish})
    assert Post.objects.get(body="明天发").status == PostStatus.SCHEDULED
    r = c.post("/compose/", {"community": community.slug, "kind": "article", "body": "没标题"})
    assert r.status_code == 400 and "请填写标题" in r.content.decode()


def test_held_post_shows_reason_to_author_and_review_queue(alice, bob, owner, community):
    SensitiveWord.objects.create(word="高仿")
    r = logged_in(alice).post("/compose/", {"community": community.slug, "kind": "note", "body": "高仿包"},
                              follow=True)
    assert "敏感词" in r.content.decode()
    post = Post.objects.get(body="高仿包")
    assert logged_in(bob).get(f"/p/{post.pk}/").status_code == 404
    assert logged_in(bob).get(f"/c/{community.slug}/review/").status_code == 403
    mod = logged_in(fresh(owner))
    assert "高仿包" in mod.get(f"/c/{community.slug}/review/").content.decode()
    r = mod.post(f"/p/{post.pk}/moderate/approve/", **HX)
    assert r.status_code == 200 and Post.objects.get(pk=post.pk).status == PostStatus.PUBLISHED


def test_moderator_removes_post_and_folds_comment(alice, bob, owner, community):
    post = note(alice, community)
    comment = services.comment_create(author=bob, post=post, body="灌水灌水")
    r = logged_in(bob).post(f"/comments/{comment.pk}/fold/", **HX)
    assert r.status_code == 400 and "没有权限" in r.content.decode()
    mod = logged_in(fresh(owner))
    r = mod.post(f"/comments/{comment.pk}/fold/", {"reason": "灌水"}, **HX)
    assert "该评论已被折叠" in r.content.decode()
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.FOLDED
    mod.post(f"/p/{post.pk}/moderate/remove/", {"reason": "违规"})
    assert Post.objects.get(pk=post.pk).status == PostStatus.REMOVED


def test_author_deletes_own_post(alice, community):
    post = note(alice, community)
    r = logged_in(alice).post(f"/p/{post.pk}/delete/")
    assert r.status_code == 302 and Post.objects.get(pk=post.pk).status == PostStatus.REMOVED


def test_search_page_finds_posts_and_communities(alice, owner):
    community = make_community(owner, name="露营爱好者")
    member = join(alice, community)
    note(member, community, body="周末露营装备清单")
    html = Client().get("/search/", {"q": "露营装备"}).content.decode()
    assert "周末露营装备清单" in html
    html = Client().get("/search/", {"q": "露营"}).content.decode()
    assert "露营爱好者" in html


def test_member_posts_fragment_and_events_page(alice, community):
    note(alice, community, body="我的第一帖")
    services.post_create(author=alice, community=community, kind=PostKind.EVENT, title="读书会",
                         event_starts_at=later(days=1), event_location="南京", event_capacity=9)
    r = Client().get(f"/u/{alice.pk}/posts/")
    assert r.status_code == 200 and "我的第一帖" in r.content.decode() and "<html" not in r.content.decode()
    html = Client().get(f"/c/{community.slug}/events/").content.decode()
    assert "读书会" in html and "南京" in html and "我的第一帖" not in html


def test_review_page_approves_held_comments_in_place(alice, bob, owner, community):
    SensitiveWord.objects.create(word="加微信")
    post = note(alice, community)
    held = services.comment_create(author=bob, post=post, body="加微信私聊")
    mod = logged_in(fresh(owner))
    assert "加微信私聊" in mod.get(f"/c/{community.slug}/review/").content.decode()
    assert logged_in(bob).post(f"/comments/{held.pk}/review/approve/", **HX).status_code == 400
    r = mod.post(f"/comments/{held.pk}/review/approve/", **HX)
    assert r.status_code == 200 and 'data-status="visible"' in r.content.decode()
    assert "加微信私聊" in Client().get(f"/p/{post.pk}/").content.decode()
