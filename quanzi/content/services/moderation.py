"""Moderation of content by community moderators (perm "moderate") and the sensitive-word list (staff).

Nothing is ever deleted: posts move to removed / rejected, comments to folded. Every action writes an audit row
through the communities app and tells the author."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.accounts.enums import NotificationKind
from quanzi.accounts.services import notification_create
from quanzi.communities.enums import ModerationKind
from quanzi.content import errors
from quanzi.content.enums import CommentStatus, PostStatus
from quanzi.content.errors import ErrorCode
from quanzi.content.models import Comment, Mention, Post, SensitiveWord
from quanzi.content.services._common import moderation_audit, post_set_status, require_moderator
from quanzi.content.services.refs import mentions_announce
from quanzi.core import pagecache
from quanzi.core.errors import NotFound
from quanzi.core.events import track
from quanzi.core.messages import message_columns, msg

if TYPE_CHECKING:
    from quanzi.accounts.models import User

REASON_MAX = 300


def _reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise errors.invalid(ErrorCode.REASON_REQUIRED, _("请填写理由"))
    if len(reason) > REASON_MAX:
        raise errors.invalid(ErrorCode.REASON_TOO_LONG, _("理由最多 %(n)d 个字符") % {"n": REASON_MAX})
    return reason


def _label(post: Post) -> str:
    return (post.title or post.body)[:20]


@transaction.atomic
def post_approve(*, actor: User, post: Post) -> Post:
    """A held post passes review: published now, or scheduled if its publish time is still ahead."""
    require_moderator(user=actor, community=post.community)
    if post.status != PostStatus.HELD:
        raise errors.conflict(ErrorCode.POST_NOT_HELD, _("该帖子不在待审核状态"))
    target = PostStatus.SCHEDULED if post.publish_at and post.publish_at > timezone.now() else PostStatus.PUBLISHED
    if not post_set_status(post, target, "", only_from=(PostStatus.HELD,)):
        raise errors.conflict(ErrorCode.POST_NOT_HELD, _("该帖子不在待审核状态"))
    moderation_audit(community=post.community, actor=actor, kind=ModerationKind.APPROVE_POST,
                     target_user=post.author, target_type="post", target_id=post.pk)
    if target == PostStatus.PUBLISHED and Mention.objects.filter(post=post, comment__isnull=True).exists():
        mentions_announce(post=post, author_id=post.author_id)
    notification_create(recipient=post.author_id, actor=actor, kind=NotificationKind.MODERATION,
                        message=msg("notify.post_approved", t=_label(post)), url=f"/p/{post.pk}/")
    track("post.approve", user=actor, obj=post, community_id=post.community_id)
    return post


@transaction.atomic
def post_reject(*, actor: User, post: Post, reason: str) -> Post:
    """A held post fails review (status rejected, the reason shown to the author)."""
    require_moderator(user=actor, community=post.community)
    reason = _reason(reason, required=True)
    if not post_set_status(post, PostStatus.REJECTED, reason, only_from=(PostStatus.HELD,)):
        raise errors.conflict(ErrorCode.POST_NOT_HELD, _("该帖子不在待审核状态"))
    moderation_audit(community=post.community, actor=actor, kind=ModerationKind.REMOVE_POST,
                     target_user=post.author, target_type="post", target_id=post.pk, reason=reason,
                     detail={"review": "rejected"})
    notification_create(recipient=post.author_id, actor=actor, kind=NotificationKind.MODERATION,
                        message=msg("notify.post_rejected", t=_label(post), r=reason), url=f"/p/{post.pk}/")
    track("post.reject", user=actor, obj=post, community_id=post.community_id)
    return post


@transaction.atomic
def post_remove(*, actor: User, post: Post, reason: str) -> Post:
    """A moderator removes a post (reason required). The row stays; the author is told why."""
    require_moderator(user=actor, community=post.community)
    reason = _reason(reason, required=True)
    if not post_set_status(post, PostStatus.REMOVED, reason):
        raise errors.conflict(ErrorCode.POST_ALREADY_REMOVED, _("该帖子已被删除"))
    moderation_audit(community=post.community, actor=actor, kind=ModerationKind.REMOVE_POST,
                     target_user=post.author, target_type="post", target_id=post.pk, reason=reason)
    notification_create(recipient=post.author_id, actor=actor, kind=NotificationKind.MODERATION,
                        message=msg("notify.post_removed", t=_label(post), r=reason))
    track("post.remove", user=actor, obj=post, community_id=post.community_id, reason=reason)
    return post


@transaction.atomic
def post_restore(*, actor: User, post: Post, reason: str = "") -> Post:
    """Undo a removal: the post is published again (or scheduled if its time is still ahead)."""
    require_moderator(user=actor, community=post.community)
    reason = _reason(reason, required=False)
    target = PostStatus.SCHEDULED if post.publish_at and post.publish_at > timezone.now() else PostStatus.PUBLISHED
    if not post_set_status(post, target, "", only_from=(PostStatus.REMOVED,)):
        raise errors.conflict(ErrorCode.POST_NOT_REMOVED, _("该帖子未被删除"))
    moderation_audit(community=post.community, actor=actor, kind=ModerationKind.RESTORE_POST,
                     target_user=post.author, target_type="post", target_id=post.pk, reason=reason)
    notification_create(recipient=post.author_id, actor=actor, kind=NotificationKind.MODERATION,
                        message=msg("notify.post_restored", t=_label(post)), url=f"/p/{post.pk}/")
    track("post.restore", user=actor, obj=post, community_id=post.community_id)
    return post


@transaction.atomic
def comment_fold(*, actor: User, comment: Comment, reason: str = "") -> Comment:
    """Fold a comment: it stays in the thread, shown as folded, never deleted."""
    community = comment.post.community
    require_moderator(user=actor, community=community)
    reason = _reason(reason, required=False)
    changed = Comment.objects.filter(pk=comment.pk).exclude(status=CommentStatus.FOLDED).update(
        status=CommentStatus.FOLDED,
        **message_columns(reason, model=Comment, text="status_reason", prefix="status_"))
    if not changed:
        raise errors.conflict(ErrorCode.COMMENT_ALREADY_FOLDED, _("该评论已被折叠"))
    comment.refresh_from_db(fields=["status", "status_reason", "status_message_id", "status_params"])
    moderation_audit(community=community, actor=actor, kind=ModerationKind.FOLD_COMMENT,
                     target_user=comment.author, target_type="comment", target_id=comment.pk, reason=reason)
    notification_create(recipient=comment.author_id, actor=actor, kind=NotificationKind.MODERATION,
                        message=msg("notify.comment_folded_reason", r=reason) if reason
                        else msg("notify.comment_folded"), url=f"/p/{comment.post_id}/")
    track("comment.fold", user=actor, obj=comment, community_id=community.pk)
    return comment


@transaction.atomic
def comment_approve(*, actor: User, comment: Comment) -> Comment:
    """A held comment passes review and becomes visible (and counted)."""
    community = comment.post.community
    require_moderator(user=actor, community=community)
    changed = Comment.objects.filter(pk=comment.pk, status=CommentStatus.HELD).update(
        status=CommentStatus.VISIBLE,
        **message_columns("", model=Comment, text="status_reason", prefix="status_"))
    if not changed:
        raise errors.conflict(ErrorCode.COMMENT_NOT_HELD, _("该评论不在待审核状态"))
    Post.objects.filter(pk=comment.post_id).update(comment_count=F("comment_count") + 1)
    pagecache.changed()
    comment.refresh_from_db(fields=["status", "status_reason", "status_message_id", "status_params"])
    moderation_audit(community=community, actor=actor, kind=ModerationKind.APPROVE_POST,
                     target_user=comment.author, target_type="comment", target_id=comment.pk)
    if Mention.objects.filter(comment=comment).exists():
        mentions_announce(post=comment.post, comment=comment, author_id=comment.author_id)
    notification_create(recipient=comment.author_id, actor=actor, kind=NotificationKind.MODERATION,
                        message=msg("notify.comment_approved"), url=f"/p/{comment.post_id}/#c{comment.pk}")
    notification_create(recipient=comment.post.author_id, actor=comment.author, kind=NotificationKind.COMMENT,
                        message=msg("notify.comment", n=comment.author.nickname, t=_label(comment.post)),
                        url=f"/p/{comment.post_id}/#c{comment.pk}")
    track("comment.approve", user=actor, obj=comment, community_id=community.pk)
    return comment


def _require_staff(actor: User) -> None:
    if not (actor and actor.is_authenticated and actor.is_staff):
        raise errors.staff_only()


@transaction.atomic
def sensitive_word_create(*, actor: User, word: str) -> SensitiveWord:
    """Operators add a word; posts and comments containing it are held from now on."""
    _require_staff(actor)
    word = (word or "").strip().lower()
    if not 1 <= len(word) <= 40:
        raise errors.invalid(ErrorCode.INVALID_WORD, _("敏感词需 1–40 个字符"))
    existing = SensitiveWord.objects.filter(word=word).first()
    if existing is not None:
        if not existing.is_active:
            existing.is_active = True
            existing.save(update_fields=["is_active", "updated_at"])
        row = existing
    else:
        try:
            with transaction.atomic():
                row = SensitiveWord.objects.create(word=word)
        except IntegrityError:
            row = SensitiveWord.objects.get(word=word)
    track("sensitive_word.create", user=actor, obj=row)
    return row


@transaction.atomic
def sensitive_word_delete(*, actor: User, word_id: int) -> None:
    _require_staff(actor)
    deleted, _rows = SensitiveWord.objects.filter(pk=word_id).delete()
    if not deleted:
        raise NotFound(ErrorCode.WORD_NOT_FOUND, _("敏感词不存在"))
    track("sensitive_word.delete", user=actor, word_id=word_id)

