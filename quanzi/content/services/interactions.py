"""Interactions on posts: comments and answers, reactions, poll votes, event sign-ups, shares, check-ins.

Every counter moves by a conditional / F() update; a capacity is never exceeded because the sign-up takes its
place with `filter(signup_count__lt=F("capacity")).update(...)` and checks the row count."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.accounts.enums import NotificationKind
from quanzi.accounts.services import notification_create
from quanzi.communities.selectors import can_view, require_perm
from quanzi.content import errors
from quanzi.content.enums import CommentStatus, PostKind, ReactionKind
from quanzi.content.errors import ErrorCode
from quanzi.content.hooks import ContentFact, FactKind, fact_happened
from quanzi.content.locks import lock_poll
from quanzi.content.models import (
    CheckIn,
    Comment,
    EventSignup,
    OfflineEvent,
    Poll,
    PollOption,
    PollVote,
    Post,
    Reaction,
    Share,
)
from quanzi.content.selectors import post_is_public
from quanzi.content.sensitive import find_words
from quanzi.content.services._common import require_open_post
from quanzi.content.services.refs import comment_refs_record, mentions_announce
from quanzi.core.enums import TouchKind
from quanzi.core.errors import NotAuthenticated
from quanzi.core.events import touch_record, track
from quanzi.core.messages import Text, message_columns, msg
from quanzi.core.timeutil import local_today

if TYPE_CHECKING:
    from quanzi.accounts.models import User
    from quanzi.communities.models import Community

COMMENT_MAX = 2000


def _label(post: Post) -> str:
    return (post.title or post.body)[:20]


@transaction.atomic
def comment_create(*, author: User, post: Post, body: str, parent_id: int | None = None) -> Comment:
    """Comment on a post, or reply to a comment. One level of replies: a reply to a reply attaches to the
    top comment. A comment with a sensitive word is held (only its author sees it, with the reason)."""
    require_open_post(user=author, post=post)
    body = (body or "").strip()
    if not 1 <= len(body) <= COMMENT_MAX:
        raise errors.invalid(ErrorCode.INVALID_COMMENT, _("评论需 1–%(n)d 个字符") % {"n": COMMENT_MAX})
    parent: Comment | None = None
    if parent_id is not None:
        parent = Comment.objects.select_related("parent").filter(pk=parent_id, post=post).first()
        if parent is None:
            raise errors.comment_not_found()
        replied_to = parent
        if parent.parent is not None:
            parent = parent.parent
    words = find_words(body)
    status = CommentStatus.HELD if words else CommentStatus.VISIBLE
    reason: Text = msg("content.comment_held", w="、".join(words)) if words else ""
    comment = Comment.objects.create(
        post=post, author=author, parent=parent, body=body, status=status,
        **message_columns(reason, model=Comment, text="status_reason", prefix="status_"))
    mentioned = comment_refs_record(comment=comment)
    if status == CommentStatus.VISIBLE:
        if mentioned:
            mentions_announce(post=post, comment=comment, author_id=author.pk)
        Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
        url = f"/p/{post.pk}/#c{comment.pk}"
        if parent is not None:
            notification_create(recipient=replied_to.author_id, actor=author, kind=NotificationKind.REPLY,
                                message=msg("notify.reply", n=author.nickname, b=body[:40]), url=url)
        if parent is None or replied_to.author_id != post.author_id:
            notification_create(recipient=post.author_id, actor=author, kind=NotificationKind.COMMENT,
                                message=msg("notify.comment", n=author.nickname, t=_label(post)), url=url)
    track("comment.create", user=author, obj=comment, community_id=post.community_id, post_id=post.pk,
          reply=parent is not None, held=bool(words) or None)
    if post.kind == PostKind.QUESTION and parent is None and status == CommentStatus.VISIBLE:
        fact_happened(ContentFact(kind=FactKind.ANSWER_CREATED, user_id=author.pk, community_id=post.community_id,
                                  object_id=comment.pk))
    return comment


@transaction.atomic
def answer_accept(*, actor: User, post: Post, comment_id: int) -> Post:
    """The question's author accepts a top-level answer on that question."""
    if not (actor and actor.is_authenticated):
        raise NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))
    if not can_view(user=actor, community=post.community):
        raise errors.post_not_found()
    if post.kind != PostKind.QUESTION:
        raise errors.invalid(ErrorCode.NOT_A_QUESTION, _("只有问答帖可以采纳回答"))
    if post.author_id != actor.pk:
        raise errors.not_author()
    if not post_is_public(post):
        raise errors.post_not_open()
    comment = Comment.objects.filter(pk=comment_id, post=post).first()
    if comment is None:
        raise errors.comment_not_found()
    if comment.parent_id is not None:
        raise errors.invalid(ErrorCode.ANSWER_NOT_TOP_LEVEL, _("只能采纳对问题的直接回答，不能采纳回复"))
    if comment.status != CommentStatus.VISIBLE:
        raise errors.invalid(ErrorCode.ANSWER_NOT_VISIBLE, _("该回答不可采纳"))
    if comment.author_id == actor.pk:
        raise errors.invalid(ErrorCode.CANNOT_ACCEPT_OWN, _("不能采纳自己的回答"))
    Post.objects.filter(pk=post.pk).update(accepted_answer=comment)
    post.accepted_answer = comment
    notification_create(recipient=comment.author_id, actor=actor, kind=NotificationKind.ANSWER,
                        message=msg("notify.answer_accepted", t=_label(post)), url=f"/p/{post.pk}/#c{comment.pk}")
    track("answer.accept", user=actor, obj=post, community_id=post.community_id, comment_id=comment.pk)
    fact_happened(ContentFact(kind=FactKind.ANSWER_ACCEPTED, user_id=comment.author_id, community_id=post.community_id,
                              object_id=comment.pk))
    return post


@transaction.atomic
def reaction_toggle(*, user: User, post: Post, kind: str) -> dict[str, Any]:
    """Like or favourite a post, or take it back. Returns {"active": bool, "count": int}."""
    if kind not in ReactionKind.values:
        raise errors.invalid(ErrorCode.INVALID_REACTION, _("不支持的互动类型"))
    require_open_post(user=user, post=post)
    field = "like_count" if kind == ReactionKind.LIKE else "favourite_count"
    deleted, _rows = Reaction.objects.filter(post=post, user=user, kind=kind).delete()
    if deleted:
        Post.objects.filter(pk=post.pk, **{f"{field}__gt": 0}).update(**{field: F(field) - 1})
        active = False
    else:
        try:
            with transaction.atomic():
                Reaction.objects.create(post=post, user=user, kind=kind)
        except IntegrityError:  # a concurrent click already added it
            active = True
        else:
            Post.objects.filter(pk=post.pk).update(**{field: F(field) + 1})
            active = True
            if kind == ReactionKind.LIKE:
                notification_create(recipient=post.author_id, actor=user, kind=NotificationKind.LIKE,
                                    message=msg("notify.like", n=user.nickname, t=_label(post)),
                                    url=f"/p/{post.pk}/")
    count = Post.objects.values_list(field, flat=True).get(pk=post.pk)
    track(f"post.{kind}" if active else f"post.un{kind}", user=user, obj=post, community_id=post.community_id)
    return {"active": active, "count": count, "kind": kind}


@transaction.atomic
def poll_vote(*, user: User, post: Post, option_ids: Sequence[int]) -> Poll:
    """Vote once: a single-choice poll takes exactly one option, a multiple-choice one 1..n. Closed polls refuse."""
    require_open_post(user=user, post=post)
    poll = Poll.objects.filter(post=post).first()
    if poll is None:
        raise errors.invalid(ErrorCode.NOT_A_POLL, _("该帖子不是投票"))
    poll = lock_poll(poll.pk)  # one vote per user even when two requests race
    if poll.closes_at <= timezone.now():
        raise errors.conflict(ErrorCode.POLL_CLOSED, _("投票已截止"))
    chosen = sorted(set(option_ids or []))
    valid = set(PollOption.objects.filter(poll=poll, pk__in=chosen).values_list("pk", flat=True))
    if not chosen or len(valid) != len(chosen):
        raise errors.invalid(ErrorCode.INVALID_OPTIONS, _("请选择有效的选项"))
    if not poll.multiple and len(chosen) != 1:
        raise errors.invalid(ErrorCode.SINGLE_CHOICE, _("这是单选投票，只能选一个选项"))
    if PollVote.objects.filter(poll=poll, user=user).exists():
        raise errors.conflict(ErrorCode.ALREADY_VOTED, _("你已经投过票了"))
    PollVote.objects.bulk_create([PollVote(poll=poll, option_id=oid, user=user) for oid in chosen])
    PollOption.objects.filter(pk__in=chosen).update(vote_count=F("vote_count") + 1)
    Poll.objects.filter(pk=poll.pk).update(voter_count=F("voter_count") + 1)
    poll.refresh_from_db()
    track("poll.vote", user=user, obj=post, community_id=post.community_id, options=chosen)
    return poll


def _event_of(post: Post) -> OfflineEvent:
    event = OfflineEvent.objects.filter(post=post).first()
    if event is None:
        raise errors.invalid(ErrorCode.NOT_AN_EVENT, _("该帖子不是活动"))
    return event


@transaction.atomic
def event_signup(*, user: User, post: Post) -> OfflineEvent:
    """Take a place: never beyond capacity, not after the deadline (or the start when no deadline is set)."""
    require_open_post(user=user, post=post)
    event = _event_of(post)
    now = timezone.now()
    if now >= (event.signup_deadline or event.starts_at):
        raise errors.conflict(ErrorCode.SIGNUP_CLOSED, _("报名已截止"))
    if EventSignup.objects.filter(event=event, user=user).exists():
        raise errors.conflict(ErrorCode.ALREADY_SIGNED_UP, _("你已经报名了"))
    taken = OfflineEvent.objects.filter(pk=event.pk, signup_count__lt=F("capacity")).update(
        signup_count=F("signup_count") + 1)
    if not taken:
        raise errors.conflict(ErrorCode.EVENT_FULL, _("名额已满"))
    try:
        with transaction.atomic():
            EventSignup.objects.create(event=event, user=user)
    except IntegrityError as exc:  # the same user in two requests: the outer rollback returns the place
        raise errors.conflict(ErrorCode.ALREADY_SIGNED_UP, _("你已经报名了")) from exc
    event.refresh_from_db()
    track("event.signup", user=user, obj=post, community_id=post.community_id)
    return event


@transaction.atomic
def event_cancel(*, user: User, post: Post) -> OfflineEvent:
    """Give the place back (before the activity starts)."""
    require_open_post(user=user, post=post)
    event = _event_of(post)
    if timezone.now() >= event.starts_at:
        raise errors.conflict(ErrorCode.EVENT_STARTED, _("活动已开始，不能取消报名"))
    deleted, _rows = EventSignup.objects.filter(event=event, user=user).delete()
    if not deleted:
        raise errors.conflict(ErrorCode.NOT_SIGNED_UP, _("你还没有报名"))
    OfflineEvent.objects.filter(pk=event.pk, signup_count__gt=0).update(signup_count=F("signup_count") - 1)
    event.refresh_from_db()
    track("event.cancel", user=user, obj=post, community_id=post.community_id)
    return event


@transaction.atomic
def share_create(*, user: User, post: Post, channel: str = "link") -> Share:
    """Mint a share link (/s/<token>/). Views and orders through it are credited to the post, the sharer and the
    community."""
    if not (user and user.is_authenticated):
        raise NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))
    require_open_post(user=user, post=post, perm="view")
    channel = (channel or "link").strip()[:20] or "link"
    share = Share.objects.create(post=post, sharer=user, community_id=post.community_id, channel=channel,
                                 token=secrets.token_urlsafe(16))
    Post.objects.filter(pk=post.pk).update(share_count=F("share_count") + 1)
    track("post.share", user=user, obj=post, community_id=post.community_id, share_token=share.token,
          channel=channel)
    return share


@transaction.atomic
def share_visit(*, token: str, viewer: Any) -> Share:
    """Someone opened a share link: count the view on the share and the post, and log `post.view` with the
    token (the attribution later credits an order to the post, the sharer and the community)."""
    share = Share.objects.select_related("post__community", "sharer").filter(token=token).first()
    if share is None:
        raise errors.share_not_found()
    post = share.post
    if not can_view(user=viewer, community=post.community) or not post_is_public(post):
        raise errors.post_not_found()
    Share.objects.filter(pk=share.pk).update(view_count=F("view_count") + 1)
    Post.objects.filter(pk=post.pk).update(view_count=F("view_count") + 1)
    track("post.view", user=viewer, obj=post, community_id=post.community_id, share_token=token,
          sharer_id=share.sharer_id, via="share")
    touch_record(user=viewer, kind=TouchKind.SHARE_VIEW, post_id=post.pk, share_token=token,
                 community_id=post.community_id)
    return share


@transaction.atomic
def checkin(*, user: User, community: Community, note: str = "") -> CheckIn:
    """Daily check-in: one per Asia/Shanghai day; the streak continues from yesterday's, else starts at 1."""
    require_perm(user=user, community=community, perm="post")
    note = (note or "").strip()
    if len(note) > 140:
        raise errors.invalid(ErrorCode.NOTE_TOO_LONG, _("打卡内容最多 140 个字符"))
    today = local_today()
    if CheckIn.objects.filter(user=user, community=community, day=today).exists():
        raise errors.conflict(ErrorCode.ALREADY_CHECKED_IN, _("今天已经打过卡了，明天再来吧"))
    yesterday = CheckIn.objects.filter(user=user, community=community, day=today - dt.timedelta(days=1)).first()
    streak = yesterday.streak + 1 if yesterday is not None else 1
    try:
        with transaction.atomic():
            row = CheckIn.objects.create(user=user, community=community, day=today, streak=streak, note=note)
    except IntegrityError as exc:
        raise errors.conflict(ErrorCode.ALREADY_CHECKED_IN, _("今天已经打过卡了，明天再来吧")) from exc
    track("community.checkin", user=user, obj=row, community_id=community.pk, streak=streak)
    fact_happened(ContentFact(kind=FactKind.CHECKED_IN, user_id=user.pk, community_id=community.pk, object_id=row.pk,
                              day=today, streak=streak))
    return row
