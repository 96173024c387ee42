"""The content app's error codes (machine code + message in the user's language)."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext as _

from quanzi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class ErrorCode(StrEnum):
    """Every error code the content app raises (posts, comments, reactions, polls, events, check-ins, shares, moderation); the API description lists them
    (quanzi/api_errors.py) and quanzi/core/tests/test_error_codes.py keeps this list complete."""

    ALREADY_CHECKED_IN = "already_checked_in"
    ALREADY_SIGNED_UP = "already_signed_up"
    ALREADY_VOTED = "already_voted"
    ANSWER_NOT_TOP_LEVEL = "answer_not_top_level"
    ANSWER_NOT_VISIBLE = "answer_not_visible"
    BODY_REQUIRED = "body_required"
    BODY_TOO_LONG = "body_too_long"
    CANNOT_ACCEPT_OWN = "cannot_accept_own"
    COMMENT_ALREADY_FOLDED = "comment_already_folded"
    COMMENT_NOT_FOUND = "comment_not_found"
    COMMENT_NOT_HELD = "comment_not_held"
    EVENT_CAPACITY = "event_capacity"
    EVENT_DEADLINE = "event_deadline"
    EVENT_ENDS_AT = "event_ends_at"
    EVENT_FULL = "event_full"
    EVENT_LOCATION = "event_location"
    EVENT_STARTED = "event_started"
    EVENT_STARTS_AT = "event_starts_at"
    INVALID_COMMENT = "invalid_comment"
    INVALID_KIND = "invalid_kind"
    INVALID_OPTIONS = "invalid_options"
    INVALID_REACTION = "invalid_reaction"
    INVALID_WORD = "invalid_word"
    NO_IMAGES = "no_images"
    NOT_A_POLL = "not_a_poll"
    NOT_A_QUESTION = "not_a_question"
    NOT_AN_EVENT = "not_an_event"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_AUTHOR = "not_author"
    NOT_SCHEDULED = "not_scheduled"
    NOT_SIGNED_UP = "not_signed_up"
    NOTE_TOO_LONG = "note_too_long"
    POLL_CLOSED = "poll_closed"
    POLL_CLOSES_AT = "poll_closes_at"
    POLL_OPTION_TOO_LONG = "poll_option_too_long"
    POLL_OPTIONS = "poll_options"
    POLL_OPTIONS_DUPLICATE = "poll_options_duplicate"
    POST_ALREADY_REMOVED = "post_already_removed"
    POST_NOT_FOUND = "post_not_found"
    POST_NOT_HELD = "post_not_held"
    POST_NOT_OPEN = "post_not_open"
    POST_NOT_REMOVED = "post_not_removed"
    PUBLISH_AT_PAST = "publish_at_past"
    TOPIC_NOT_FOUND = "topic_not_found"
    PUBLISH_AT_TOO_FAR = "publish_at_too_far"
    REASON_REQUIRED = "reason_required"
    REASON_TOO_LONG = "reason_too_long"
    SHARE_NOT_FOUND = "share_not_found"
    SIGNUP_CLOSED = "signup_closed"
    SINGLE_CHOICE = "single_choice"
    STAFF_ONLY = "staff_only"
    TITLE_REQUIRED = "title_required"
    TITLE_TOO_LONG = "title_too_long"
    TOO_MANY_IMAGES = "too_many_images"
    WORD_NOT_FOUND = "word_not_found"


def post_not_found() -> NotFound:
    return NotFound(ErrorCode.POST_NOT_FOUND, _("帖子不存在或无权查看"))


def topic_not_found() -> NotFound:
    return NotFound(ErrorCode.TOPIC_NOT_FOUND, _("话题不存在"))


def comment_not_found() -> NotFound:
    return NotFound(ErrorCode.COMMENT_NOT_FOUND, _("评论不存在"))


def share_not_found() -> NotFound:
    return NotFound(ErrorCode.SHARE_NOT_FOUND, _("分享链接无效"))


def not_author() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_AUTHOR, _("只有作者可以执行此操作"))


def staff_only() -> PermissionDenied:
    return PermissionDenied(ErrorCode.STAFF_ONLY, _("仅平台运营人员可以执行此操作"))


def post_not_open() -> Conflict:
    return Conflict(ErrorCode.POST_NOT_OPEN, _("该帖子当前不可互动"))


def invalid(code: ErrorCode, message: str) -> InvalidInput:
    return InvalidInput(code, message)


def conflict(code: ErrorCode, message: str) -> Conflict:
    return Conflict(code, message)
