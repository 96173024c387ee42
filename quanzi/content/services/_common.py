"""Helpers shared by the content services (not part of the app's interface)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from quanzi.communities.selectors import require_perm
from quanzi.communities.services import community_post_count_change, moderation_record
from quanzi.content import errors
from quanzi.content.enums import PostStatus
from quanzi.content.models import Post
from quanzi.content.selectors import post_is_public
from quanzi.core import pagecache
from quanzi.core.messages import Text, message_columns

if TYPE_CHECKING:
    from quanzi.communities.models import Community


def require_open_post(*, user: Any, post: Post, perm: str = "post") -> None:
    """The user may act on this post: the community permission holds and the post is visible to everyone."""
    require_perm(user=user, community=post.community, perm=perm)
    if not post_is_public(post):
        raise errors.post_not_open()


def require_moderator(*, user: Any, community: Community) -> None:
    """Community moderators (perm "moderate"), and platform operators (staff) everywhere."""
    if user is not None and getattr(user, "is_authenticated", False) and user.is_staff:
        return
    require_perm(user=user, community=community, perm="moderate")


def community_post_count(community_id: int, delta: int) -> None:
    """Keep the community's post counter (published posts) in step: the communities app owns the counter."""
    community_post_count_change(community_id=community_id, delta=delta)


def moderation_audit(*, community: Community, actor: Any, kind: str, target_user: Any = None,
                     target_type: str = "", target_id: int | None = None, reason: str = "",
                     detail: dict[str, Any] | None = None) -> None:
    """One audit row through the communities app (its `moderation_record` service)."""
    moderation_record(community=community, actor=actor, kind=kind, target_user=target_user,
                      target_type=target_type, target_id=target_id, reason=reason, detail=detail)


def post_set_status(post: Post, status: str, reason: Text = "", *, only_from: tuple[str, ...] = ()) -> bool:
    """Move a post to `status` by conditional update and keep the community counter (published posts) right.
    `reason`: a moderator's typed text, or one of our messages. Returns False when the post was already in that
    status (or not in `only_from`)."""
    qs = Post.objects.filter(pk=post.pk).exclude(status=status)
    if only_from:
        qs = qs.filter(status__in=only_from)
    columns = message_columns(reason, model=Post, text="status_reason", prefix="status_")
    was_published = qs.filter(status=PostStatus.PUBLISHED).update(status=status, **columns)
    changed = was_published or qs.update(status=status, **columns)
    if changed:
        pagecache.changed()  # an update() sends no signal: visitors' cached pages are forgotten here
    if was_published and status != PostStatus.PUBLISHED:
        community_post_count(post.community_id, -1)
    elif changed and status == PostStatus.PUBLISHED:
        community_post_count(post.community_id, +1)
    post.refresh_from_db(fields=["status", *columns])
    return bool(changed)
