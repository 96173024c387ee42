"""Row locks on the content app's tables: one helper per model (docs/ARCHITECTURE.md, "Lock order"). A post is
locked before its community's counter row is updated."""

from __future__ import annotations

from quanzi.content.models import Poll, Post
from quanzi.core.locks import lock_row


def lock_post(post_id: int) -> Post:
    """Lock a post, with its community (joined, so locked too: the calendar publishes it and moves the community's
    post counter). Raises Post.DoesNotExist."""
    return Post.objects.select_for_update().select_related("community").get(pk=post_id)


def lock_poll(poll_id: int) -> Poll:
    """Lock a poll (one vote per user even when two requests race). Raises Poll.DoesNotExist."""
    return lock_row(Poll, poll_id)
