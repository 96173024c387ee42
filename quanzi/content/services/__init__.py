"""Content writes. Split by topic; import from here: `from quanzi.content import services`."""

from quanzi.content.services.calendar import post_publish_now, post_reschedule
from quanzi.content.services.interactions import (
    answer_accept,
    checkin,
    comment_create,
    event_cancel,
    event_signup,
    poll_vote,
    reaction_toggle,
    share_create,
    share_visit,
)
from quanzi.content.services.moderation import (
    comment_approve,
    comment_fold,
    post_approve,
    post_reject,
    post_remove,
    post_restore,
    sensitive_word_create,
    sensitive_word_delete,
)
from quanzi.content.services.posts import (
    post_create,
    post_delete_own,
    post_images_add,
    post_view,
    posts_publish_due,
)

__all__ = [
    "post_publish_now",
    "post_reschedule",
    "answer_accept", "checkin", "comment_approve", "comment_create", "comment_fold", "event_cancel", "event_signup", "poll_vote",
    "post_approve", "post_create", "post_delete_own", "post_images_add", "post_reject", "post_remove",
    "post_restore", "post_view", "posts_publish_due", "reaction_toggle", "sensitive_word_create",
    "sensitive_word_delete", "share_create", "share_visit",
]
