from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from conftest import api_client, make_user
from quanzi.accounts.models import User
from quanzi.communities.enums import Visibility
from quanzi.communities.models import Community
from quanzi.content import services
from quanzi.content.enums import PostKind, PostStatus
from quanzi.content.models import Comment, Post, SensitiveWord
from quanzi.content.tests.conftest import fresh, join, later, make_community, png
from quanzi.core.models import Event

pytestmark = pytest.mark.django_db

BASE = "/api/v1/content"


@dataclass
class World:
    owner: User
    alice: User  # member and author
    bob: User  # plain member
    stranger: User  # member of another community only
    community: Community
    secret: Community
    note: Post
    question: Post
    answer: Comment
    poll: Post
    event: Post
    secret_post: Post
    secret_comment: Comment
    comment: Comment
    share_token: str
    secret_share_token: str


@pytest.fixture
def w(owner: User, community: Community, alice: User, bob: User) -> World:
    stranger = make_user("外人")
    join(stranger, make_community(make_user()))
    secret = make_community(owner, visibility=Visibility.INVITE)
    note = services.post_create(author=alice, community=community, body="今日分享")
    question = services.post_create(author=alice, community=community, kind=PostKind.QUESTION, title="怎么选？")
    answer = services.comment_create(author=bob, post=question, body="选 A")
    poll = services.post_create(author=alice, community=community, kind=PostKind.POLL, title="投票",
                                poll_options=["甲", "乙"], poll_closes_at=later(days=1))
    event = services.post_create(author=alice, community=community, kind=PostKind.EVENT, title="活动",
                                 event_starts_at=later(days=2), event_location="上海", event_capacity=5)
    secret_post = services.post_create(author=fresh(owner), community=secret, body="私密内容")
    secret_comment = services.comment_create(author=fresh(owner), post=secret_post, body="私密评论")
    comment = services.comment_create(author=bob, post=note, body="赞")
    share = services.share_create(user=bob, post=note)
    secret_share = services.share_create(user=fresh(owner), post=secret_post)
    return World(fresh(owner), fresh(alice), fresh(bob), fresh(stranger), community, secret, note, question, answer,
                 poll, event, secret_post, secret_comment, comment, share.token, secret_share.token)


def _call(client: Any, method: str, path: str, body: Any = None) -> Any:
    fn = getattr(client, method)
    if method in ("post", "put", "patch", "delete"):
        return fn(BASE + path, body or {}, content_type="application/json")
    return fn(BASE + path)


# (method, path, body) builders for every write endpoint on the public community
def _writes(w: World) -> list[tuple[str, str, dict[str, Any]]]:
    opt = w.poll.poll.options.first()
    return [
        ("post", "/posts", {"community": w.community.slug, "body": "新帖"}),
        ("delete", f"/posts/{w.note.pk}", {}),
        ("post", f"/posts/{w.note.pk}/comments", {"body": "评论"}),
        ("post", f"/posts/{w.question.pk}/accept", {"comment_id": w.answer.pk}),
        ("post", f"/posts/{w.note.pk}/reactions/like", {}),
        ("post", f"/posts/{w.note.pk}/reactions/favourite", {}),
        ("post", f"/posts/{w.poll.pk}/vote", {"option_ids": [opt.pk]}),
        ("post", f"/posts/{w.event.pk}/signup", {}),
        ("delete", f"/posts/{w.event.pk}/signup", {}),
        ("post", f"/communities/{w.community.slug}/checkins", {}),
        ("post", f"/posts/{w.note.pk}/approve", {}),
        ("post", f"/posts/{w.note.pk}/reject", {"reason": "x"}),
        ("post", f"/posts/{w.note.pk}/remove", {"reason": "x"}),
        ("post", f"/posts/{w.note.pk}/restore", {}),
        ("post", f"/comments/{w.comment.pk}/fold", {}),
        ("post", f"/comments/{w.comment.pk}/approve", {}),
        ("post", f"/posts/{w.note.pk}/shares", {}),
        ("post", "/sensitive-words", {"word": "违禁"}),
        ("delete", "/sensitive-words/1", {}),
    ]


def test_anonymous_writes_get_401(w):
    client = api_client()
    for method, path, body in [*_writes(w), ("get", f"/communities/{w.community.slug}/held", {}),
                               ("get", f"/communities/{w.community.slug}/checkins/me", {}),
                               ("get", f"/communities/{w.community.slug}/held-comments", {}),
                               ("get", "/sensitive-words", {})]:
        r = _call(client, method, path, body)
        assert r.status_code == 401, (method, path, r.content)
        assert r.json()["code"] == "not_authenticated"
    assert Post.objects.count() == 5 and not Event.objects.filter(name="post.like").exists()


def test_member_of_another_community_gets_403_on_writes(w):
    client = api_client(w.stranger)
    expected_403 = [x for x in _writes(w) if "shares" not in x[1]]  # sharing a public post needs no membership
    for method, path, body in expected_403:
        r = _call(client, method, path, body)
        assert r.status_code == 403, (method, path, r.content)
    r = _call(client, "post", f"/posts/{w.note.pk}/shares")
    assert r.status_code == 201


def test_member_without_permission_gets_403(w):
    client = api_client(w.bob)
    moderation = [
        ("post", f"/posts/{w.note.pk}/remove", {"reason": "x"}),
        ("post", f"/posts/{w.note.pk}/approve", {}),
        ("post", f"/posts/{w.note.pk}/reject", {"reason": "x"}),
        ("post", f"/posts/{w.note.pk}/restore", {}),
        ("post", f"/comments/{w.comment.pk}/fold", {}),
        ("post", f"/comments/{w.comment.pk}/approve", {}),
        ("get", f"/communities/{w.community.slug}/held", {}),
        ("get", f"/communities/{w.community.slug}/held-comments", {}),
        ("delete", f"/posts/{w.note.pk}", {}),  # not the author
        ("post", f"/posts/{w.question.pk}/accept", {"comment_id": w.answer.pk}),  # not the asker
        ("get", "/sensitive-words", {}),
        ("post", "/sensitive-words", {"word": "违禁"}),
        ("delete", "/sensitive-words/1", {}),
    ]
    for method, path, body in moderation:
        r = _call(client, method, path, body)
        assert r.status_code == 403, (method, path, r.content)
    assert Post.objects.get(pk=w.note.pk).status == PostStatus.PUBLISHED


def test_invisible_community_and_posts_are_404(w):
    client = api_client(w.stranger)
    p, c, slug = w.secret_post.pk, w.secret_comment.pk, w.secret.slug
    calls = [
        ("get", f"/posts/{p}"), ("get", f"/posts/{p}/comments"), ("get", f"/communities/{slug}/posts"),
        ("get", f"/communities/{slug}/events"), ("get", f"/shares/{w.secret_share_token}"),
        ("post", "/posts"), ("delete", f"/posts/{p}"), ("post", f"/posts/{p}/comments"),
        ("post", f"/posts/{p}/reactions/like"), ("post", f"/posts/{p}/shares"), ("post", f"/posts/{p}/remove"),
        ("post", f"/communities/{slug}/checkins"), ("get", f"/communities/{slug}/held"),
        ("post", f"/comments/{c}/fold"), ("post", f"/comments/{c}/approve"),
        ("get", f"/communities/{slug}/held-comments"), ("get", "/posts/999999"), ("get", "/shares/nope"),
        ("post", f"/posts/{p}/vote"), ("post", f"/posts/{p}/signup"), ("post", f"/posts/{p}/accept"),
        ("post", f"/posts/{p}/approve"), ("post", f"/posts/{p}/restore"),
        ("get", f"/communities/{slug}/checkins/me"), ("get", f"/members/{w.owner.pk}/posts"),
    ]
    for method, path in calls:
        body = {"community": slug, "body": "x", "reason": "x", "option_ids": [1], "comment_id": 1}
        r = _call(client, method, path, body)
        if path.startswith("/members/"):  # a member's page exists, their invisible posts are not in it
            assert r.status_code == 200 and r.json()["count"] == 0, r.content
            continue
        assert r.status_code == 404, (method, path, r.content)
    for anon_path in (f"/posts/{p}", f"/communities/{slug}/posts"):
        assert api_client().get(BASE + anon_path).status_code == 404


def test_create_read_and_lists(w):
    client = api_client(w.alice)
    r = client.post(BASE + "/posts", {"community": w.community.slug, "kind": "poll", "title": "喝什么",
                                      "poll_options": ["咖啡", "奶茶", "茶"], "poll_multiple": True,
                                      "poll_closes_at": later(days=1).isoformat()}, content_type="application/json")
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["kind"] == "poll" and [o["text"] for o in data["poll"]["options"]] == ["咖啡", "奶茶", "茶"]
    r = client.post(BASE + "/posts", {"community": w.community.slug, "kind": "article", "body": "x"},
                    content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "title_required"
    detail = api_client().get(f"{BASE}/posts/{w.note.pk}").json()
    assert detail["body"] == "今日分享" and detail["author"]["nickname"] == "爱丽丝"
    feed = api_client().get(f"{BASE}/communities/{w.community.slug}/posts?order=hot&page_size=2").json()
    assert feed["count"] == 5 and len(feed["items"]) == 2 and feed["has_next"]
    assert api_client(w.bob).get(BASE + "/feed").json()["count"] == 5
    assert api_client().get(BASE + "/feed").json()["count"] == 5  # visitors: public hot posts
    found = api_client().get(BASE + "/search", {"q": "今日分享"}).json()
    assert [i["id"] for i in found["items"]] == [w.note.pk]
    mine = api_client().get(f"{BASE}/members/{w.alice.pk}/posts").json()
    assert mine["count"] == 5
    events = api_client().get(f"{BASE}/communities/{w.community.slug}/events").json()
    assert [i["id"] for i in events["items"]] == [w.event.pk]


def test_images_upload(w):
    client = api_client(w.alice)
    r = client.post(f"{BASE}/posts/{w.note.pk}/images", {"images": [png(), png("b.png")]})
    assert r.status_code == 200, r.content
    assert len(r.json()["images"]) == 2
    r = api_client(w.bob).post(f"{BASE}/posts/{w.note.pk}/images", {"images": [png()]})
    assert r.status_code == 403


def test_interactions_round_trip(w):
    bob = api_client(w.bob)
    r = bob.post(f"{BASE}/posts/{w.note.pk}/reactions/like")
    assert r.json() == {"kind": "like", "active": True, "count": 1}
    assert bob.get(f"{BASE}/posts/{w.note.pk}").json()["liked"] is True
    r = bob.post(f"{BASE}/posts/{w.note.pk}/comments", {"body": "回复你", "parent_id": w.comment.pk},
                 content_type="application/json")
    assert r.status_code == 201 and r.json()["parent_id"] == w.comment.pk
    tree = bob.get(f"{BASE}/posts/{w.note.pk}/comments").json()
    assert tree["count"] == 1 and [x["body"] for x in tree["items"][0]["replies"]] == ["回复你"]
    opt = w.poll.poll.options.first()
    r = bob.post(f"{BASE}/posts/{w.poll.pk}/vote", {"option_ids": [opt.pk]}, content_type="application/json")
    assert r.json()["poll"]["my_option_ids"] == [opt.pk]
    r = bob.post(f"{BASE}/posts/{w.poll.pk}/vote", {"option_ids": [opt.pk]}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "already_voted"
    r = bob.post(f"{BASE}/posts/{w.event.pk}/signup")
    assert r.json()["event"]["signed_up"] is True and r.json()["event"]["signup_count"] == 1
    assert bob.delete(f"{BASE}/posts/{w.event.pk}/signup").json()["event"]["signup_count"] == 0
    r = api_client(w.alice).post(f"{BASE}/posts/{w.question.pk}/accept", {"comment_id": w.answer.pk},
                                 content_type="application/json")
    assert r.json()["accepted_answer_id"] == w.answer.pk


def test_share_and_visit(w):
    r = api_client(w.bob).post(f"{BASE}/posts/{w.note.pk}/shares", {"channel": "wechat"},
                               content_type="application/json")
    assert r.status_code == 201
    token = r.json()["token"]
    assert r.json()["url"] == f"/s/{token}/"
    visit = api_client().get(f"{BASE}/shares/{token}").json()
    assert visit["post"]["id"] == w.note.pk and visit["sharer"]["id"] == w.bob.pk
    assert Event.objects.filter(name="post.view", share_token=token).count() == 1


def test_checkin_and_streak(w):
    client = api_client(w.bob)
    r = client.post(f"{BASE}/communities/{w.community.slug}/checkins", {"note": "早起"},
                    content_type="application/json")
    assert r.status_code == 201 and r.json()["streak"] == 1
    r = client.post(f"{BASE}/communities/{w.community.slug}/checkins", {}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "already_checked_in"
    me = client.get(f"{BASE}/communities/{w.community.slug}/checkins/me").json()
    assert me["streak"] == 1 and me["checked_today"] is True


def test_moderation_flow(w):
    SensitiveWord.objects.create(word="高仿")
    alice = api_client(w.alice)
    held = alice.post(BASE + "/posts", {"community": w.community.slug, "body": "高仿包"},
                      content_type="application/json").json()
    assert held["status"] == "held" and "高仿" in held["status_reason"]
    assert api_client(w.bob).get(f"{BASE}/posts/{held['id']}").status_code == 404
    mod = api_client(w.owner)
    queue = mod.get(f"{BASE}/communities/{w.community.slug}/held").json()
    assert [i["id"] for i in queue["items"]] == [held["id"]]
    assert mod.post(f"{BASE}/posts/{held['id']}/approve").json()["status"] == "published"
    r = mod.post(f"{BASE}/posts/{w.note.pk}/remove", {"reason": ""}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "reason_required"
    r = mod.post(f"{BASE}/posts/{w.note.pk}/remove", {"reason": "广告"}, content_type="application/json")
    assert r.json()["status"] == "removed"
    assert api_client(w.bob).get(f"{BASE}/posts/{w.note.pk}").status_code == 404
    assert mod.post(f"{BASE}/posts/{w.note.pk}/restore", {}, content_type="application/json").json()[
        "status"] == "published"
    r = mod.post(f"{BASE}/comments/{w.comment.pk}/fold", {"reason": "灌水"}, content_type="application/json")
    assert r.json()["status"] == "folded" and r.json()["body"] == ""
    held_comment = api_client(w.bob).post(f"{BASE}/posts/{w.note.pk}/comments", {"body": "买高仿找我"},
                                          content_type="application/json").json()
    assert held_comment["status"] == "held"
    queue = mod.get(f"{BASE}/communities/{w.community.slug}/held-comments").json()
    assert [c["id"] for c in queue["items"]] == [held_comment["id"]]
    assert mod.post(f"{BASE}/comments/{held_comment['id']}/approve").json()["status"] == "visible"
    tree = api_client().get(f"{BASE}/posts/{w.note.pk}/comments").json()
    assert held_comment["id"] in [c["id"] for c in tree["items"]]


def test_scheduled_post_via_api_appears_when_due(w):
    when = timezone.now() + dt.timedelta(hours=1)
    r = api_client(w.alice).post(BASE + "/posts", {"community": w.community.slug, "body": "定时",
                                                   "publish_at": when.isoformat()}, content_type="application/json")
    assert r.json()["status"] == "scheduled"
    assert api_client(w.bob).get(f"{BASE}/posts/{r.json()['id']}").status_code == 404
    Post.objects.filter(pk=r.json()["id"]).update(publish_at=timezone.now())
    assert api_client(w.bob).get(f"{BASE}/posts/{r.json()['id']}").json()["status"] == "published"


def test_staff_manage_sensitive_words(w):
    staff = make_user("运营")
    staff.is_staff = True
    staff.save()
    client = api_client(staff)
    r = client.post(BASE + "/sensitive-words", {"word": "  违禁品 "}, content_type="application/json")
    assert r.status_code == 201 and r.json()["word"] == "违禁品"
    assert client.get(BASE + "/sensitive-words").json()["count"] == 1
    assert services.post_create(author=w.alice, community=w.community, body="卖违禁品").status == PostStatus.HELD
    assert client.delete(f"{BASE}/sensitive-words/{r.json()['id']}").status_code == 204
    assert client.delete(f"{BASE}/sensitive-words/{r.json()['id']}").status_code == 404
    assert services.post_create(author=w.alice, community=w.community, body="卖违禁品").status == PostStatus.PUBLISHED
