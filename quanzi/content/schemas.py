from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field

from quanzi.content.enums import PostKind
from quanzi.core.schema import Schema


class AuthorOut(Schema):
    id: int
    nickname: str
    avatar_url: str

    @staticmethod
    def resolve_avatar_url(obj: Any) -> str:
        return obj.avatar.url if obj.avatar else ""


class CommunityRefOut(Schema):
    id: int
    slug: str
    name: str


class PollOptionOut(Schema):
    id: int
    text: str
    vote_count: int


class PollOut(Schema):
    multiple: bool
    closes_at: dt.datetime
    closed: bool
    voter_count: int
    options: list[PollOptionOut]
    my_option_ids: list[int]

    @staticmethod
    def resolve_closed(obj: Any) -> bool:
        return bool(obj.is_closed)

    @staticmethod
    def resolve_options(obj: Any) -> list[Any]:
        return list(obj.options.all())

    @staticmethod
    def resolve_my_option_ids(obj: Any) -> list[int]:
        return sorted(obj.viewer_option_ids)


class EventOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    location: str
    capacity: int
    signup_count: int
    signup_deadline: dt.datetime | None
    signed_up: bool

    @staticmethod
    def resolve_signed_up(obj: Any) -> bool:
        return bool(obj.viewer_signed_up)


def _one_to_one(obj: Any, name: str) -> Any:
    try:
        return getattr(obj, name)
    except Exception:  # RelatedObjectDoesNotExist: the post has no poll / event
        return None


class PostOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    status: str
    status_reason: str
    publish_at: dt.datetime | None
    created_at: dt.datetime
    author: AuthorOut
    community: CommunityRefOut
    images: list[str]
    like_count: int
    favourite_count: int
    comment_count: int
    share_count: int
    view_count: int
    accepted_answer_id: int | None
    liked: bool
    favourited: bool
    poll: PollOut | None
    event: EventOut | None

    @staticmethod
    def resolve_images(obj: Any) -> list[str]:
        return [i.image.url for i in obj.images.all()]

    @staticmethod
    def resolve_status(obj: Any) -> str:
        return str(obj.effective_status)

    @staticmethod
    def resolve_status_reason(obj: Any) -> str:
        return str(obj.display_status_reason)  # ours in the reader's language, a moderator's as typed

    @staticmethod
    def resolve_poll(obj: Any) -> Any:
        return _one_to_one(obj, "poll")

    @staticmethod
    def resolve_event(obj: Any) -> Any:
        return _one_to_one(obj, "event")


class PostIn(Schema):
    community: str = Field(..., description="社群短链接 slug")
    kind: str = Field(PostKind.NOTE, description="note / article / question / poll / event")
    title: str = ""
    body: str = ""
    publish_at: dt.datetime | None = Field(None, description="定时发布时间（将来的时间即为定时）")
    poll_options: list[str] | None = Field(None, description="投票选项（2–10 个）")
    poll_multiple: bool = False
    poll_closes_at: dt.datetime | None = None
    event_starts_at: dt.datetime | None = None
    event_ends_at: dt.datetime | None = None
    event_location: str = ""
    event_capacity: int | None = None
    event_signup_deadline: dt.datetime | None = None


class CommentOut(Schema):
    id: int
    author: AuthorOut
    body: str
    status: str
    status_reason: str
    parent_id: int | None
    created_at: dt.datetime

    @staticmethod
    def resolve_body(obj: Any) -> str:
        return "" if obj.status == "folded" else obj.body

    @staticmethod
    def resolve_status_reason(obj: Any) -> str:
        return str(obj.display_status_reason)


class CommentTreeOut(CommentOut):
    accepted: bool
    replies: list[CommentOut]

    @staticmethod
    def resolve_accepted(obj: Any) -> bool:
        return bool(getattr(obj, "accepted", 0))

    @staticmethod
    def resolve_replies(obj: Any) -> list[Any]:
        return list(obj.replies.all())


class CommentIn(Schema):
    body: str
    parent_id: int | None = None


class AcceptIn(Schema):
    comment_id: int


class ReactionOut(Schema):
    kind: str
    active: bool
    count: int


class VoteIn(Schema):
    option_ids: list[int]


class ShareIn(Schema):
    channel: str = "link"


class ShareOut(Schema):
    token: str
    url: str
    post_id: int
    channel: str

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return f"/s/{obj.token}/"


class ShareVisitOut(Schema):
    token: str
    sharer: AuthorOut
    post: PostOut


class CheckInIn(Schema):
    note: str = ""


class CheckInOut(Schema):
    day: dt.date
    streak: int
    note: str


class CheckInStatusOut(Schema):
    streak: int
    checked_today: bool
    total: int
    year: int
    month: int
    days: list[dt.date]


class ReasonIn(Schema):
    reason: str = ""


class SensitiveWordIn(Schema):
    word: str


class SensitiveWordOut(Schema):
    id: int
    word: str
    is_active: bool
    updated_at: dt.datetime


class RescheduleIn(Schema):
    publish_at: dt.datetime = Field(..., description="新的发布时间（带时区，ISO 8601）")
