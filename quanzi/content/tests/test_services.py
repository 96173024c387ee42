from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import make_user
from quanzi.accounts.models import Notification
from quanzi.communities.enums import ModerationKind, Visibility
from quanzi.communities.models import Community, ModerationAction
from quanzi.communities.services import member_mute, role_set
from quanzi.content import selectors, services
from quanzi.content.enums import CommentStatus, PostKind, PostStatus
from quanzi.content.models import CheckIn, Comment, EventSignup, Poll, Post, SensitiveWord
from quanzi.content.tests.conftest import fresh, join, later, make_community, png
from quanzi.core.errors import DomainError
from quanzi.core.models import Event

pytestmark = pytest.mark.django_db


def _code(exc: pytest.ExceptionInfo[DomainError]) -> tuple[int, str]:
    return exc.value.status, exc.value.code


def note(author, community, body="今天的穿搭分享", **kw) -> Post:  # type: ignore[no-untyped-def]
    return services.post_create(author=author, community=community, kind=PostKind.NOTE, body=body, **kw)


def poll(author, community, multiple=False, closes=None) -> Post:  # type: ignore[no-untyped-def]
    return services.post_create(author=author, community=community, kind=PostKind.POLL, title="周末去哪",
                                poll_options=["爬山", "看展", "逛街"], poll_multiple=multiple,
                                poll_closes_at=closes or later(days=1))


def event(author, community, capacity=2, deadline=None) -> Post:  # type: ignore[no-untyped-def]
    return services.post_create(author=author, community=community, kind=PostKind.EVENT, title="线下读书会",
                                event_starts_at=later(days=3), event_location="杭州西湖", event_capacity=capacity,
                                event_signup_deadline=deadline)


# --- creating posts -------------------------------------------------------------------------------------


def test_note_with_images_is_published_and_counted(alice, community):
    post = note(alice, community, images=[png(), png("b.png")])
    assert post.status == PostStatus.PUBLISHED
    assert [i.position for i in post.images.all()] == [0, 1]
    community.refresh_from_db()
    assert community.post_count == 1
    assert Event.objects.filter(name="post.create", object_id=post.pk, community_id=community.pk).count() == 1


def test_every_kind_validates_its_fields(alice, community):
    cases = [
        (dict(kind=PostKind.ARTICLE, body="正文"), "title_required"),
        (dict(kind=PostKind.NOTE, body=""), "body_required"),
        (dict(kind="video", body="x"), "invalid_kind"),
        (dict(kind=PostKind.POLL, title="t", poll_options=["只有一个"], poll_closes_at=later(days=1)), "poll_options"),
        (dict(kind=PostKind.POLL, title="t", poll_options=[str(i) for i in range(11)],
              poll_closes_at=later(days=1)), "poll_options"),
        (dict(kind=PostKind.POLL, title="t", poll_options=["a", "b"], poll_closes_at=later(minutes=-1)),
         "poll_closes_at"),
        (dict(kind=PostKind.EVENT, title="t", event_starts_at=later(hours=-1), event_location="上海",
              event_capacity=3), "event_starts_at"),
        (dict(kind=PostKind.EVENT, title="t", event_starts_at=later(days=1), event_location="上海",
              event_capacity=0), "event_capacity"),
        (dict(kind=PostKind.EVENT, title="t", event_starts_at=later(days=1), event_location="",
              event_capacity=5), "event_location"),
        (dict(kind=PostKind.EVENT, title="t", event_starts_at=later(days=1), event_location="上海",
              event_capacity=5, event_signup_deadline=later(days=2)), "event_deadline"),
    ]
    for kwargs, code in cases:
        with pytest.raises(DomainError) as exc:
            services.post_create(author=alice, community=community, **kwargs)
        assert exc.value.code == code, kwargs
    assert Post.objects.count() == 0


def test_poll_and_event_posts_carry_their_widgets(alice, community):
    p = poll(alice, community, multiple=True)
    assert p.poll.multiple and [o.text for o in p.poll.options.all()] == ["爬山", "看展", "逛街"]
    e = event(alice, community, capacity=5)
    assert e.event.capacity == 5 and e.event.location == "杭州西湖"
    assert services.post_create(author=alice, community=community, kind=PostKind.ARTICLE, title="长文",
                                body="内容").kind == PostKind.ARTICLE


def test_images_limited_to_nine_and_checked_by_content(alice, community):
    with pytest.raises(DomainError) as exc:
        note(alice, community, images=[png(f"{i}.png") for i in range(10)])
    assert exc.value.code == "too_many_images"
    fake = SimpleUploadedFile("x.png", b"not an image at all", content_type="image/png")
    with pytest.raises(DomainError) as exc:
        note(alice, community, images=[fake])
    assert exc.value.code == "image_invalid"
    assert Post.objects.count() == 0


def test_who_may_post(community, owner, alice, outsider):
    with pytest.raises(DomainError) as exc:
        note(outsider, community)
    assert _code(exc) == (403, "not_member")
    secret = make_community(owner, visibility=Visibility.INVITE)
    with pytest.raises(DomainError) as exc:
        note(outsider, secret)
    assert exc.value.status == 404
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(DomainError) as exc:
        note(AnonymousUser(), community)
    assert exc.value.status == 401
    member_mute(actor=fresh(owner), community=community, user_id=alice.pk, until=later(days=1), reason="刷屏")
    with pytest.raises(DomainError) as exc:
        note(fresh(alice), community)
    assert _code(exc) == (403, "muted")


# --- schedule -------------------------------------------------------------------------------------------


def test_scheduled_post_is_published_by_the_job_once(alice, community):
    post = note(alice, community, publish_at=later(hours=2))
    assert post.status == PostStatus.SCHEDULED
    assert services.posts_publish_due() == 0
    assert services.posts_publish_due(now=later(hours=3)) == 1
    assert services.posts_publish_due(now=later(hours=3)) == 0  # idempotent
    post.refresh_from_db()
    community.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED and community.post_count == 1


def test_publish_job_runs_every_minute_and_publishes(alice, community):
    from quanzi.content import jobs

    task = jobs.posts_publish_due.task_class()
    assert task.validate_datetime(dt.datetime(2026, 1, 1, 8, 17))
    post = note(alice, community, publish_at=later(seconds=1))
    Post.objects.filter(pk=post.pk).update(publish_at=timezone.now() - dt.timedelta(seconds=1))
    jobs.posts_publish_due()  # huey runs tasks immediately under test
    assert Post.objects.get(pk=post.pk).status == PostStatus.PUBLISHED


# --- sensitive words ------------------------------------------------------------------------------------


def test_sensitive_words_hold_posts_and_the_list_is_live(alice, community, owner):
    assert note(alice, community, body="代购高仿包包").status == PostStatus.PUBLISHED
    word = SensitiveWord.objects.create(word="高仿")
    held = note(alice, community, body="代购高仿包包")
    assert held.status == PostStatus.HELD and "高仿" in held.status_reason
    community.refresh_from_db()
    assert community.post_count == 1  # held posts are not counted
    # the author sees it, others do not
    assert selectors.post_get_for_viewer(post_id=held.pk, viewer=alice).pk == held.pk
    with pytest.raises(DomainError):
        selectors.post_get_for_viewer(post_id=held.pk, viewer=make_user())
    assert selectors.post_get_for_viewer(post_id=held.pk, viewer=fresh(owner)).pk == held.pk
    # case-insensitive, and a deactivated word no longer holds
    SensitiveWord.objects.create(word="VX")
    assert note(alice, community, body="加我vx").status == PostStatus.HELD
    word.is_active = False
    word.save()
    assert note(alice, community, body="代购高仿包包").status == PostStatus.PUBLISHED
    SensitiveWord.objects.filter(word="VX").delete()
    assert note(alice, community, body="加我vx").status == PostStatus.PUBLISHED


def test_approve_and_reject_held_posts(alice, bob, community, owner):
    SensitiveWord.objects.create(word="高仿")
    first = note(alice, community, body="高仿一号")
    second = note(alice, community, body="高仿二号")
    with pytest.raises(DomainError) as exc:
        services.post_approve(actor=bob, post=first)
    assert _code(exc) == (403, "permission_denied")
    mod = fresh(owner)
    services.post_approve(actor=mod, post=first)
    assert first.status == PostStatus.PUBLISHED
    with pytest.raises(DomainError) as exc:
        services.post_reject(actor=mod, post=second, reason="")
    assert exc.value.code == "reason_required"
    services.post_reject(actor=mod, post=second, reason="广告")
    second.refresh_from_db()
    assert second.status == PostStatus.REJECTED and second.status_reason == "广告"
    kinds = list(ModerationAction.objects.filter(community=community).values_list("kind", flat=True))
    assert ModerationKind.APPROVE_POST in kinds and ModerationKind.REMOVE_POST in kinds
    texts = list(Notification.objects.filter(recipient=alice).values_list("text", flat=True))
    assert any("通过审核" in t for t in texts) and any("广告" in t for t in texts)
    community.refresh_from_db()
    assert community.post_count == 1


def test_held_post_with_a_future_time_becomes_scheduled_on_approval(alice, community, owner):
    SensitiveWord.objects.create(word="高仿")
    post = note(alice, community, body="高仿", publish_at=later(days=1))
    services.post_approve(actor=fresh(owner), post=post)
    assert post.status == PostStatus.SCHEDULED


# --- removal --------------------------------------------------------------------------------------------


def test_remove_needs_reason_keeps_row_audits_and_notifies(alice, bob, community, owner):
    post = note(alice, community)
    with pytest.raises(DomainError) as exc:
        services.post_remove(actor=bob, post=post, reason="垃圾")
    assert exc.value.status == 403
    mod = fresh(owner)
    with pytest.raises(DomainError) as exc:
        services.post_remove(actor=mod, post=post, reason="  ")
    assert exc.value.code == "reason_required"
    services.post_remove(actor=mod, post=post, reason="违反群规第 3 条")
    post.refresh_from_db()
    assert post.status == PostStatus.REMOVED and post.status_reason == "违反群规第 3 条"
    audit = ModerationAction.objects.get(kind=ModerationKind.REMOVE_POST)
    assert audit.target_id == post.pk and audit.reason == "违反群规第 3 条" and audit.target_user_id == alice.pk
    assert Notification.objects.filter(recipient=alice, kind="moderation", text__contains="群规").exists()
    with pytest.raises(DomainError):
        selectors.post_get_for_viewer(post_id=post.pk, viewer=alice)
    community.refresh_from_db()
    assert community.post_count == 0
    services.post_restore(actor=mod, post=post)
    assert post.status == PostStatus.PUBLISHED
    assert ModerationAction.objects.filter(kind=ModerationKind.RESTORE_POST, target_id=post.pk).exists()
    community.refresh_from_db()
    assert community.post_count == 1


def test_author_deletes_own_post_only(alice, bob, community):
    post = note(alice, community)
    with pytest.raises(DomainError) as exc:
        services.post_delete_own(actor=bob, post=post)
    assert _code(exc) == (403, "not_author")
    services.post_delete_own(actor=alice, post=post)
    assert Post.objects.get(pk=post.pk).status == PostStatus.REMOVED
    assert Community.objects.get(pk=community.pk).post_count == 0


# --- comments and answers -------------------------------------------------------------------------------


def test_comments_have_one_level_of_replies_and_notify(alice, bob, community, owner):
    post = note(alice, community)
    top = services.comment_create(author=bob, post=post, body="好看！")
    carol = join(make_user("卡罗"), community)
    reply = services.comment_create(author=carol, post=post, body="同意", parent_id=top.pk)
    deeper = services.comment_create(author=alice, post=post, body="谢谢两位", parent_id=reply.pk)
    assert reply.parent_id == top.pk and deeper.parent_id == top.pk
    post.refresh_from_db()
    assert post.comment_count == 3
    assert Notification.objects.filter(recipient=alice, kind="comment").count() == 2  # bob, carol
    assert Notification.objects.filter(recipient=bob, kind="reply").count() == 1  # carol replied to bob
    assert Notification.objects.filter(recipient=carol, kind="reply").count() == 1  # alice replied to carol
    tree = list(selectors.comment_tree(post=post, viewer=None))
    assert [c.pk for c in tree] == [top.pk]
    assert [r.pk for r in tree[0].replies.all()] == [reply.pk, deeper.pk]
    other_post = note(alice, community)
    with pytest.raises(DomainError) as exc:
        services.comment_create(author=bob, post=other_post, body="串楼", parent_id=top.pk)
    assert exc.value.code == "comment_not_found"


def test_sensitive_comment_is_held_and_fold_keeps_it(alice, bob, community, owner):
    SensitiveWord.objects.create(word="加微信")
    post = note(alice, community)
    held = services.comment_create(author=bob, post=post, body="加微信领券")
    assert held.status == CommentStatus.HELD and "加微信" in held.status_reason
    assert [c.pk for c in selectors.comment_tree(post=post, viewer=bob)] == [held.pk]
    assert list(selectors.comment_tree(post=post, viewer=alice)) == []
    rude = services.comment_create(author=bob, post=post, body="不好看")
    with pytest.raises(DomainError):
        services.comment_fold(actor=alice, comment=rude, reason="")
    services.comment_fold(actor=fresh(owner), comment=rude, reason="不友善")
    tree = list(selectors.comment_tree(post=post, viewer=alice))
    assert [(c.pk, c.status) for c in tree] == [(rude.pk, CommentStatus.FOLDED)]
    assert ModerationAction.objects.filter(kind=ModerationKind.FOLD_COMMENT, target_id=rude.pk).exists()
    assert Comment.objects.filter(pk=rude.pk).exists()


def test_answer_accept_rules(alice, bob, community):
    q = services.post_create(author=alice, community=community, kind=PostKind.QUESTION, title="宝宝湿疹怎么办？")
    answer = services.comment_create(author=bob, post=q, body="用保湿霜")
    reply = services.comment_create(author=alice, post=q, body="哪个牌子？", parent_id=answer.pk)
    with pytest.raises(DomainError) as exc:
        services.answer_accept(actor=bob, post=q, comment_id=answer.pk)
    assert _code(exc) == (403, "not_author")
    with pytest.raises(DomainError) as exc:
        services.answer_accept(actor=alice, post=q, comment_id=reply.pk)
    assert exc.value.code == "answer_not_top_level"
    other = services.post_create(author=alice, community=community, kind=PostKind.QUESTION, title="另一个问题")
    with pytest.raises(DomainError) as exc:
        services.answer_accept(actor=alice, post=other, comment_id=answer.pk)
    assert exc.value.code == "comment_not_found"
    services.answer_accept(actor=alice, post=q, comment_id=answer.pk)
    assert Post.objects.get(pk=q.pk).accepted_answer_id == answer.pk
    assert Notification.objects.filter(recipient=bob, kind="answer").exists()
    late = services.comment_create(author=join(make_user(), community), post=q, body="试试燕麦")
    first = next(iter(selectors.comment_tree(post=Post.objects.get(pk=q.pk), viewer=None)))
    assert first.pk == answer.pk and late.pk != answer.pk


# --- reactions, polls, events ---------------------------------------------------------------------------


def test_reaction_toggle_counts(alice, bob, community, outsider):
    post = note(alice, community)
    assert services.reaction_toggle(user=bob, post=post, kind="like") == {"active": True, "count": 1, "kind": "like"}
    assert services.reaction_toggle(user=bob, post=post, kind="favourite")["count"] == 1
    assert services.reaction_toggle(user=bob, post=post, kind="like") == {"active": False, "count": 0,
                                                                         "kind": "like"}
    post.refresh_from_db()
    assert (post.like_count, post.favourite_count) == (0, 1)
    assert Notification.objects.filter(recipient=alice, kind="like").count() == 1
    with pytest.raises(DomainError) as exc:
        services.reaction_toggle(user=outsider, post=post, kind="like")
    assert exc.value.status == 403


def test_single_choice_poll(alice, bob, community):
    p = poll(alice, community)
    a, b, _c = p.poll.options.all()
    with pytest.raises(DomainError) as exc:
        services.poll_vote(user=bob, post=p, option_ids=[a.pk, b.pk])
    assert exc.value.code == "single_choice"
    with pytest.raises(DomainError) as exc:
        services.poll_vote(user=bob, post=p, option_ids=[])
    assert exc.value.code == "invalid_options"
    services.poll_vote(user=bob, post=p, option_ids=[a.pk])
    with pytest.raises(DomainError) as exc:
        services.poll_vote(user=bob, post=p, option_ids=[b.pk])
    assert _code(exc) == (409, "already_voted")
    a.refresh_from_db()
    assert a.vote_count == 1 and Poll.objects.get(pk=p.poll.pk).voter_count == 1


def test_multiple_choice_poll_and_foreign_option(alice, bob, community):
    p = poll(alice, community, multiple=True)
    other = poll(alice, community, multiple=True)
    opts = list(p.poll.options.all())
    with pytest.raises(DomainError) as exc:
        services.poll_vote(user=bob, post=p, option_ids=[opts[0].pk, other.poll.options.first().pk])
    assert exc.value.code == "invalid_options"
    result = services.poll_vote(user=bob, post=p, option_ids=[o.pk for o in opts])
    assert result.voter_count == 1
    assert [o.vote_count for o in result.options.all()] == [1, 1, 1]


def test_closed_poll_refuses(alice, bob, community):
    p = poll(alice, community)
    Poll.objects.filter(pk=p.poll.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(DomainError) as exc:
        services.poll_vote(user=bob, post=p, option_ids=[p.poll.options.first().pk])
    assert exc.value.code == "poll_closed"


def test_event_capacity_never_exceeded_and_cancel_frees_a_place(alice, bob, community):
    e = event(alice, community, capacity=1)
    services.event_signup(user=bob, post=e)
    carol = join(make_user(), community)
    with pytest.raises(DomainError) as exc:
        services.event_signup(user=carol, post=e)
    assert _code(exc) == (409, "event_full")
    with pytest.raises(DomainError) as exc:
        services.event_signup(user=bob, post=e)
    assert exc.value.code == "already_signed_up"
    services.event_cancel(user=bob, post=e)
    assert services.event_signup(user=carol, post=e).signup_count == 1
    assert EventSignup.objects.filter(event=e.event).count() == 1


def test_event_deadline_is_respected(alice, bob, community):
    e = event(alice, community, deadline=later(hours=1))
    from quanzi.content.models import OfflineEvent

    OfflineEvent.objects.filter(pk=e.event.pk).update(signup_deadline=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(DomainError) as exc:
        services.event_signup(user=bob, post=e)
    assert exc.value.code == "signup_closed"


# --- shares, views, check-ins ---------------------------------------------------------------------------


def test_share_token_and_visit_are_tracked(alice, bob, community):
    post = note(alice, community)
    s1 = services.share_create(user=bob, post=post)
    s2 = services.share_create(user=bob, post=post)
    assert s1.token != s2.token and len(s1.token) >= 16
    services.share_visit(token=s1.token, viewer=None)
    services.share_visit(token=s1.token, viewer=alice)
    s1.refresh_from_db()
    post.refresh_from_db()
    assert s1.view_count == 2 and post.share_count == 2 and post.view_count == 2
    views = Event.objects.filter(name="post.view", share_token=s1.token)
    assert views.count() == 2 and {e.community_id for e in views} == {community.pk}
    with pytest.raises(DomainError) as exc:
        services.share_visit(token="nope", viewer=None)
    assert exc.value.status == 404


def test_share_of_invite_only_post_does_not_leak(owner, outsider):
    secret = make_community(owner, visibility=Visibility.INVITE)
    post = note(fresh(owner), secret)
    share = services.share_create(user=fresh(owner), post=post)
    with pytest.raises(DomainError) as exc:
        services.share_visit(token=share.token, viewer=outsider)
    assert exc.value.status == 404


def test_post_view_counts_only_visible_posts(alice, community):
    post = note(alice, community)
    services.post_view(viewer=None, post=post, share_token="forged")
    ev = Event.objects.get(name="post.view")
    assert ev.share_token == "" and Post.objects.get(pk=post.pk).view_count == 1


def test_checkin_once_a_day_with_streak(alice, community, monkeypatch):
    import quanzi.content.services.interactions as mod

    day = dt.date(2026, 3, 1)
    monkeypatch.setattr(mod, "local_today", lambda: day)
    assert services.checkin(user=alice, community=community).streak == 1
    with pytest.raises(DomainError) as exc:
        services.checkin(user=alice, community=community)
    assert _code(exc) == (409, "already_checked_in")
    day = dt.date(2026, 3, 2)
    assert services.checkin(user=alice, community=community, note="跑步 5 公里").streak == 2
    day = dt.date(2026, 3, 4)  # a gap resets the streak
    assert services.checkin(user=alice, community=community).streak == 1
    assert CheckIn.objects.filter(user=alice).count() == 3


def test_checkin_uses_the_shanghai_day(alice, community, monkeypatch):
    # 2026-03-01 17:00 UTC is already 2026-03-02 01:00 in Shanghai
    moment = dt.datetime(2026, 3, 1, 17, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    row = services.checkin(user=alice, community=community)
    assert row.day == dt.date(2026, 3, 2)


def test_rolled_back_write_leaves_no_event(alice, community):
    with pytest.raises(DomainError):
        services.post_create(author=alice, community=community, kind=PostKind.ARTICLE, body="无标题")
    assert not Event.objects.filter(name="post.create").exists()


def test_an_admin_may_moderate_but_a_kol_may_not(alice, bob, community, owner):
    post = note(alice, community)
    role_set(actor=fresh(owner), community=community, user_id=bob.pk, role="kol")
    with pytest.raises(DomainError) as exc:
        services.post_remove(actor=fresh(bob), post=post, reason="广告")
    assert exc.value.status == 403
    role_set(actor=fresh(owner), community=community, user_id=bob.pk, role="admin")
    services.post_remove(actor=fresh(bob), post=post, reason="广告")
    assert Post.objects.get(pk=post.pk).status == PostStatus.REMOVED


def test_held_comment_approved_becomes_visible_and_counted(alice, bob, community, owner):
    SensitiveWord.objects.create(word="加微信")
    post = note(alice, community)
    held = services.comment_create(author=bob, post=post, body="加微信聊")
    assert Post.objects.get(pk=post.pk).comment_count == 0
    assert [c.pk for c in selectors.held_comments(community=community, viewer=fresh(owner))] == [held.pk]
    with pytest.raises(DomainError) as exc:
        services.comment_approve(actor=alice, comment=held)
    assert exc.value.status == 403
    services.comment_approve(actor=fresh(owner), comment=held)
    assert Post.objects.get(pk=post.pk).comment_count == 1
    assert [c.pk for c in selectors.comment_tree(post=post, viewer=None)] == [held.pk]
    assert Notification.objects.filter(recipient=alice, kind="comment").exists()
    with pytest.raises(DomainError) as exc:
        services.comment_approve(actor=fresh(owner), comment=held)
    assert exc.value.code == "comment_not_held"


def test_platform_staff_may_moderate_any_community(alice, community):
    staff = make_user("运营")
    staff.is_staff = True
    staff.save()
    post = note(alice, community)
    services.post_remove(actor=staff, post=post, reason="违法")
    assert Post.objects.get(pk=post.pk).status == PostStatus.REMOVED


def test_publish_ts_follows_publish_at_on_save(alice, community):
    post = note(alice, community)
    post.publish_at = post.publish_at - dt.timedelta(hours=5)
    post.save(update_fields=["publish_at"])
    assert Post.objects.get(pk=post.pk).publish_ts == int(post.publish_at.timestamp())
