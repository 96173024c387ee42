"""Post writes: create every kind (with images, schedule and the sensitive-word check), publish due posts,
delete one's own post, record a view."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.communities.selectors import require_perm
from quanzi.content import errors
from quanzi.content.enums import PostKind, PostStatus
from quanzi.content.errors import ErrorCode
from quanzi.content.hooks import ContentFact, FactKind, fact_happened
from quanzi.content.models import Mention, OfflineEvent, Poll, PollOption, Post, PostImage, Share
from quanzi.content.selectors import post_is_public, search_text_of
from quanzi.content.sensitive import find_words
from quanzi.content.services._common import community_post_count, post_set_status
from quanzi.content.services.refs import mentions_announce, post_refs_record
from quanzi.core import pagecache
from quanzi.core.enums import TouchKind
from quanzi.core.events import touch_record, track
from quanzi.core.images import clean_image
from quanzi.core.messages import Message, Text, message_columns, msg

if TYPE_CHECKING:
    from quanzi.accounts.models import User
    from quanzi.communities.models import Community

MAX_IMAGES = 9
TITLE_MAX = 120
BODY_MAX = 20000


def held_reason(words: list[str]) -> Message:
    return msg("content.post_held", words="、".join(words))


def _clean_text(kind: str, title: str, body: str) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip()
    if kind not in PostKind.values:
        raise errors.invalid(ErrorCode.INVALID_KIND, _("帖子类型无效"))
    if len(title) > TITLE_MAX:
        raise errors.invalid(ErrorCode.TITLE_TOO_LONG, _("标题最多 %(n)d 个字符") % {"n": TITLE_MAX})
    if len(body) > BODY_MAX:
        raise errors.invalid(ErrorCode.BODY_TOO_LONG, _("正文最多 %(n)d 个字符") % {"n": BODY_MAX})
    if kind in (PostKind.ARTICLE, PostKind.QUESTION, PostKind.POLL, PostKind.EVENT) and not title:
        raise errors.invalid(ErrorCode.TITLE_REQUIRED, _("请填写标题"))
    if kind == PostKind.NOTE and not body:
        raise errors.invalid(ErrorCode.BODY_REQUIRED, _("请填写内容"))
    if kind == PostKind.ARTICLE and not body:
        raise errors.invalid(ErrorCode.BODY_REQUIRED, _("请填写正文"))
    return title, body


def _clean_poll(options: Sequence[str] | None, closes_at: dt.datetime | None, now: dt.datetime) -> list[str]:
    cleaned = [o.strip() for o in (options or []) if o and o.strip()]
    if not 2 <= len(cleaned) <= 10:
        raise errors.invalid(ErrorCode.POLL_OPTIONS, _("投票需要 2–10 个选项"))
    if len(set(cleaned)) != len(cleaned):
        raise errors.invalid(ErrorCode.POLL_OPTIONS_DUPLICATE, _("投票选项不能重复"))
    if any(len(o) > 80 for o in cleaned):
        raise errors.invalid(ErrorCode.POLL_OPTION_TOO_LONG, _("每个选项最多 80 个字符"))
    if closes_at is None or closes_at <= now:
        raise errors.invalid(ErrorCode.POLL_CLOSES_AT, _("投票截止时间必须在将来"))
    return cleaned


def _clean_event(starts_at: dt.datetime | None, ends_at: dt.datetime | None, location: str,
                 capacity: int | None, deadline: dt.datetime | None, now: dt.datetime) -> str:
    if starts_at is None or starts_at <= now:
        raise errors.invalid(ErrorCode.EVENT_STARTS_AT, _("活动开始时间必须在将来"))
    if ends_at is not None and ends_at <= starts_at:
        raise errors.invalid(ErrorCode.EVENT_ENDS_AT, _("活动结束时间必须晚于开始时间"))
    location = (location or "").strip()
    if not 1 <= len(location) <= 120:
        raise errors.invalid(ErrorCode.EVENT_LOCATION, _("请填写活动地点（最多 120 个字符）"))
    if capacity is None or not 1 <= capacity <= 100_000:
        raise errors.invalid(ErrorCode.EVENT_CAPACITY, _("活动名额需在 1 到 100,000 之间"))
    if deadline is not None and (deadline <= now or deadline > starts_at):
        raise errors.invalid(ErrorCode.EVENT_DEADLINE, _("报名截止时间必须在将来，且不晚于活动开始"))
    return location


def _save_images(post: Post, images: Sequence[Any], start: int = 0) -> None:
    for i, upload in enumerate(images):
        PostImage.objects.create(post=post, image=upload, position=start + i)


@transaction.atomic
def post_create(*, author: User, community: Community, kind: str = PostKind.NOTE, title: str = "",
                body: str = "", images: Sequence[Any] = (), publish_at: dt.datetime | None = None,
                poll_options: Sequence[str] | None = None, poll_multiple: bool = False,
                poll_closes_at: dt.datetime | None = None, event_starts_at: dt.datetime | None = None,
                event_ends_at: dt.datetime | None = None, event_location: str = "",
                event_capacity: int | None = None, event_signup_deadline: dt.datetime | None = None) -> Post:
    """Create a note, article, question, poll or event post (perm "post").

    `publish_at` in the future makes it scheduled (the content calendar). Text with a sensitive word is held
    for review and `status_reason` tells the author why. Up to 9 images, each checked by its content."""
    require_perm(user=author, community=community, perm="post")
    now = timezone.now()
    title, body = _clean_text(kind, title, body)
    images = list(images or [])
    if len(images) > MAX_IMAGES:
        raise errors.invalid(ErrorCode.TOO_MANY_IMAGES, _("最多上传 %(n)d 张图片") % {"n": MAX_IMAGES})
    images = [clean_image(upload) for upload in images]  # all checked before anything is stored
    options: list[str] = []
    location = ""
    if kind == PostKind.POLL:
        options = _clean_poll(poll_options, poll_closes_at, now)
    if kind == PostKind.EVENT:
        location = _clean_event(event_starts_at, event_ends_at, event_location, event_capacity,
                                event_signup_deadline, now)
    words = find_words(title, body, *options, location)
    when = publish_at if publish_at is not None and publish_at > now else now
    reason: Text = ""
    if words:
        status, reason = PostStatus.HELD, held_reason(words)
    elif when > now:
        status = PostStatus.SCHEDULED
    else:
        status = PostStatus.PUBLISHED
    post = Post.objects.create(community=community, author=author, kind=kind, title=title, body=body,
                               status=status, publish_at=when,
                               **message_columns(reason, model=Post, text="status_reason", prefix="status_"),
                               publish_ts=int(when.timestamp()), search_text=search_text_of(title=title, body=body))
    if kind == PostKind.POLL:
        assert poll_closes_at is not None
        poll = Poll.objects.create(post=post, multiple=bool(poll_multiple), closes_at=poll_closes_at)
        PollOption.objects.bulk_create([PollOption(poll=poll, text=t, position=i) for i, t in enumerate(options)])
    if kind == PostKind.EVENT:
        assert event_starts_at is not None and event_capacity is not None
        OfflineEvent.objects.create(post=post, starts_at=event_starts_at, ends_at=event_ends_at, location=location,
                                    capacity=event_capacity, signup_deadline=event_signup_deadline)
    _save_images(post, images)
    _topics, mentioned = post_refs_record(post=post)
    if status == PostStatus.PUBLISHED:
        community_post_count(community.pk, +1)
    track("post.create", user=author, obj=post, community_id=community.pk, kind=kind, status=status,
          images=len(images), held_words=words or None)
    if status == PostStatus.PUBLISHED:
        fact_happened(ContentFact(kind=FactKind.POST_CREATED, user_id=author.pk, community_id=community.pk,
                                  object_id=post.pk))
        if mentioned:
            mentions_announce(post=post, author_id=author.pk)
    return post


@transaction.atomic
def post_images_add(*, actor: User, post: Post, images: Sequence[Any]) -> Post:
    """The author adds images to their post (up to 9 in all)."""
    if post.author_id != actor.pk:
        raise errors.not_author()
    if post.status == PostStatus.REMOVED:
        raise errors.post_not_open()
    images = list(images or [])
    if not images:
        raise errors.invalid(ErrorCode.NO_IMAGES, _("请选择图片"))
    existing = PostImage.objects.filter(post=post).count()
    if existing + len(images) > MAX_IMAGES:
        raise errors.invalid(ErrorCode.TOO_MANY_IMAGES, _("最多上传 %(n)d 张图片") % {"n": MAX_IMAGES})
    images = [clean_image(upload) for upload in images]
    _save_images(post, images, start=existing)
    track("post.images_add", user=actor, obj=post, community_id=post.community_id, count=len(images))
    return post


def posts_publish_due(*, now: dt.datetime | None = None) -> int:
    """Flip scheduled posts whose time has come to published and bump their community's counter.
    Idempotent: each post is flipped by a conditional update, so a second run (or a parallel one) does nothing."""
    now = now or timezone.now()
    done = 0
    due = list(Post.objects.filter(status=PostStatus.SCHEDULED, publish_at__lte=now)
               .values_list("pk", "community_id", "author_id")[:500])
    for pk, community_id, author_id in due:
        with transaction.atomic():
            if Post.objects.filter(pk=pk, status=PostStatus.SCHEDULED).update(status=PostStatus.PUBLISHED):
                community_post_count(community_id, +1)
                pagecache.changed()
                track("post.publish", obj=Post(pk=pk), community_id=community_id, author_id=author_id)
                if Mention.objects.filter(post_id=pk, comment__isnull=True).exists():
                    mentions_announce(post=Post(pk=pk, community_id=community_id), author_id=author_id)
                done += 1
    return done


@transaction.atomic
def post_delete_own(*, actor: User, post: Post) -> Post:
    """The author removes their post: status removed, never deleted."""
    if post.author_id != actor.pk:
        raise errors.not_author()
    post_set_status(post, PostStatus.REMOVED, _("作者已删除"))
    post.refresh_from_db()
    track("post.delete_own", user=actor, obj=post, community_id=post.community_id)
    return post


@transaction.atomic
def post_view(*, viewer: Any, post: Post, share_token: str = "") -> None:
    """Count a view of a visible post and log it (with the share token when it came through a share)."""
    if not post_is_public(post):
        return
    token = share_token if share_token and Share.objects.filter(token=share_token, post=post).exists() else ""
    Post.objects.filter(pk=post.pk).update(view_count=F("view_count") + 1)
    track("post.view", user=viewer, obj=post, community_id=post.community_id, share_token=token)
    if token:
        touch_record(user=viewer, kind=TouchKind.SHARE_VIEW, post_id=post.pk, share_token=token,
                     community_id=post.community_id)
