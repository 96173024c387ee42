"""The content calendar: scheduled posts can be moved or published at once by their author or a moderator."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.content import errors
from quanzi.content.enums import PostStatus
from quanzi.content.errors import ErrorCode
from quanzi.content.locks import lock_post
from quanzi.content.models import Post
from quanzi.content.selectors import can_moderate
from quanzi.content.services._common import community_post_count
from quanzi.core.events import track

if TYPE_CHECKING:
    from quanzi.accounts.models import User


def _scheduled_for_edit(actor: User, post: Post) -> Post:
    if post.author_id != actor.pk and not can_moderate(user=actor, community=post.community):
        raise errors.not_author()
    locked = lock_post(post.pk)
    if locked.status != PostStatus.SCHEDULED or locked.publish_at is None or locked.publish_at <= timezone.now():
        raise errors.conflict(ErrorCode.NOT_SCHEDULED, _("这篇帖子不在发布计划中（可能已经发布）"))
    return locked


@transaction.atomic
def post_reschedule(*, actor: User, post: Post, publish_at: dt.datetime | None) -> Post:
    """Move a scheduled post to another future time."""
    if publish_at is None or publish_at <= timezone.now():
        raise errors.invalid(ErrorCode.PUBLISH_AT_PAST, _("发布时间必须在将来"))
    if publish_at > timezone.now() + dt.timedelta(days=365):
        raise errors.invalid(ErrorCode.PUBLISH_AT_TOO_FAR, _("发布时间最多可安排在一年以内"))
    locked = _scheduled_for_edit(actor, post)
    locked.publish_at = publish_at
    locked.save(update_fields=["publish_at", "updated_at"])
    track("post.reschedule", user=actor, obj=locked, community_id=locked.community_id,
          publish_at=publish_at.isoformat())
    return locked


@transaction.atomic
def post_publish_now(*, actor: User, post: Post) -> Post:
    """Publish a scheduled post at once (its author or a moderator)."""
    locked = _scheduled_for_edit(actor, post)
    locked.status, locked.publish_at = PostStatus.PUBLISHED, timezone.now()
    locked.save(update_fields=["status", "publish_at", "updated_at"])
    community_post_count(locked.community_id, +1)
    track("post.publish", user=actor, obj=locked, community_id=locked.community_id, early=True)
    return locked
