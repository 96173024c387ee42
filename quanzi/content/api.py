"""Content API under /api/v1/content. Thin: parse, call a service or selector, return a schema.

401 for anonymous writes, 404 for communities / posts the caller may not see, 403 for members without the
permission (the services and selectors decide)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from quanzi.api_auth import current_user, optional, required, viewer
from quanzi.communities.selectors import community_get
from quanzi.content import selectors, services
from quanzi.content.models import CheckIn, Post, SensitiveWord, Share
from quanzi.content.schemas import (
    AcceptIn,
    CheckInIn,
    CheckInOut,
    CheckInStatusOut,
    CommentIn,
    CommentOut,
    CommentTreeOut,
    PostIn,
    PostOut,
    ReactionOut,
    ReasonIn,
    RescheduleIn,
    SensitiveWordIn,
    SensitiveWordOut,
    ShareIn,
    ShareOut,
    ShareVisitOut,
    VoteIn,
)
from quanzi.core.pagination import PageNumber

if TYPE_CHECKING:
    from quanzi.communities.models import Community

router = Router(tags=["content 内容"])


def _community(request: HttpRequest, slug: str) -> Community:
    return community_get(slug=slug, user=viewer(request))


def _post(request: HttpRequest, post_id: int) -> Post:
    return selectors.post_get_for_viewer(post_id=post_id, viewer=viewer(request))


def _reload(request: HttpRequest, post: Post) -> Post:
    return selectors.post_get_for_viewer(post_id=post.pk, viewer=viewer(request))


# --- posts ----------------------------------------------------------------------------------------------


@router.post("/posts", response={201: PostOut}, auth=required)
def post_create(request: HttpRequest, data: PostIn) -> Status:
    fields = data.model_dump(exclude={"community"})
    post = services.post_create(author=current_user(request), community=_community(request, data.community),
                                **fields)
    return Status(201, _reload(request, post))


@router.post("/posts/{post_id}/images", response=PostOut, auth=required)
def post_images(request: HttpRequest, post_id: int,
                images: list[UploadedFile] = File(...)) -> Post:  # noqa: B008
    post = services.post_images_add(actor=current_user(request), post=_post(request, post_id), images=images)
    return _reload(request, post)


@router.get("/posts/{post_id}", response=PostOut, auth=optional)
def post_detail(request: HttpRequest, post_id: int) -> Post:
    post = _post(request, post_id)
    services.post_view(viewer=viewer(request), post=post)
    return post


@router.delete("/posts/{post_id}", response={204: None}, auth=required)
def post_delete(request: HttpRequest, post_id: int) -> Status:
    services.post_delete_own(actor=current_user(request), post=_post(request, post_id))
    return Status(204, None)


@router.get("/communities/{slug}/posts", response=list[PostOut], auth=optional)
@paginate(PageNumber)
def community_feed(request: HttpRequest, slug: str, order: str = "latest"):  # type: ignore[no-untyped-def]
    return selectors.community_feed(community=_community(request, slug), viewer=viewer(request),
                                    order=order)


@router.get("/communities/{slug}/events", response=list[PostOut], auth=optional)
@paginate(PageNumber)
def events_upcoming(request: HttpRequest, slug: str):  # type: ignore[no-untyped-def]
    return selectors.events_upcoming(community=_community(request, slug), viewer=viewer(request))


@router.get("/feed", response=list[PostOut], auth=optional)
@paginate(PageNumber)
def home_feed(request: HttpRequest, order: str = "latest"):  # type: ignore[no-untyped-def]
    return selectors.home_feed(viewer=viewer(request), order=order)


@router.get("/search", response=list[PostOut], auth=optional)
@paginate(PageNumber)
def search(request: HttpRequest, q: str = ""):  # type: ignore[no-untyped-def]
    return selectors.search_posts(q=q, viewer=viewer(request))


@router.get("/members/{user_id}/posts", response=list[PostOut], auth=optional)
@paginate(PageNumber)
def member_posts(request: HttpRequest, user_id: int):  # type: ignore[no-untyped-def]
    return selectors.member_posts(user_id=user_id, viewer=viewer(request))


# --- comments and answers -------------------------------------------------------------------------------


@router.get("/posts/{post_id}/comments", response=list[CommentTreeOut], auth=optional)
@paginate(PageNumber)
def comments(request: HttpRequest, post_id: int):  # type: ignore[no-untyped-def]
    return selectors.comment_tree(post=_post(request, post_id), viewer=viewer(request))


@router.post("/posts/{post_id}/comments", response={201: CommentOut}, auth=required)
def comment_create(request: HttpRequest, post_id: int, data: CommentIn) -> Status:
    comment = services.comment_create(author=current_user(request), post=_post(request, post_id), body=data.body,
                                      parent_id=data.parent_id)
    return Status(201, comment)


@router.post("/posts/{post_id}/accept", response=PostOut, auth=required)
def answer_accept(request: HttpRequest, post_id: int, data: AcceptIn) -> Post:
    post = services.answer_accept(actor=current_user(request), post=_post(request, post_id),
                                  comment_id=data.comment_id)
    return _reload(request, post)


# --- reactions, polls, events, shares -------------------------------------------------------------------


@router.post("/posts/{post_id}/reactions/{kind}", response=ReactionOut, auth=required)
def reaction_toggle(request: HttpRequest, post_id: int, kind: str) -> dict[str, Any]:
    return services.reaction_toggle(user=current_user(request), post=_post(request, post_id), kind=kind)


@router.post("/posts/{post_id}/vote", response=PostOut, auth=required)
def poll_vote(request: HttpRequest, post_id: int, data: VoteIn) -> Post:
    post = _post(request, post_id)
    services.poll_vote(user=current_user(request), post=post, option_ids=data.option_ids)
    return _reload(request, post)


@router.post("/posts/{post_id}/signup", response=PostOut, auth=required)
def event_signup(request: HttpRequest, post_id: int) -> Post:
    post = _post(request, post_id)
    services.event_signup(user=current_user(request), post=post)
    return _reload(request, post)


@router.delete("/posts/{post_id}/signup", response=PostOut, auth=required)
def event_cancel(request: HttpRequest, post_id: int) -> Post:
    post = _post(request, post_id)
    services.event_cancel(user=current_user(request), post=post)
    return _reload(request, post)


@router.post("/posts/{post_id}/shares", response={201: ShareOut}, auth=required)
def share_create(request: HttpRequest, post_id: int, data: ShareIn) -> Status:
    share = services.share_create(user=current_user(request), post=_post(request, post_id), channel=data.channel)
    return Status(201, share)


@router.get("/shares/{token}", response=ShareVisitOut, auth=optional)
def share_visit(request: HttpRequest, token: str) -> dict[str, Any]:
    share: Share = services.share_visit(token=token, viewer=viewer(request))
    return {"token": share.token, "sharer": share.sharer, "post": _reload(request, share.post)}


# --- check-ins ------------------------------------------------------------------------------------------


@router.post("/communities/{slug}/checkins", response={201: CheckInOut}, auth=required)
def checkin(request: HttpRequest, slug: str, data: CheckInIn) -> Status:
    row: CheckIn = services.checkin(user=current_user(request), community=_community(request, slug), note=data.note)
    return Status(201, row)


@router.get("/communities/{slug}/checkins/me", response=CheckInStatusOut, auth=required,
            openapi_extra={"x-access": "member"})  # the caller's own check-ins (api_contract.Access)
def checkin_me(request: HttpRequest, slug: str) -> dict[str, Any]:
    return selectors.checkin_status(user=current_user(request), community=_community(request, slug))


# --- moderation -----------------------------------------------------------------------------------------


@router.get("/communities/{slug}/held", response=list[PostOut], auth=required)
@paginate(PageNumber)
def held_posts(request: HttpRequest, slug: str):  # type: ignore[no-untyped-def]
    return selectors.held_posts(community=_community(request, slug), viewer=current_user(request))


@router.get("/communities/{slug}/calendar", response=list[PostOut], auth=required,
            openapi_extra={"x-access": "member"})  # what the viewer may read of a visible community
@paginate(PageNumber)
def calendar(request: HttpRequest, slug: str):  # type: ignore[no-untyped-def]
    """The content calendar: scheduled posts not yet due (moderators: all; members: their own)."""
    return selectors.content_calendar(community=_community(request, slug), viewer=current_user(request))


@router.post("/posts/{post_id}/reschedule", response=PostOut, auth=required)
def post_reschedule(request: HttpRequest, post_id: int, data: RescheduleIn) -> Post:
    post = services.post_reschedule(actor=current_user(request), post=_post(request, post_id),
                                    publish_at=data.publish_at)
    return _reload(request, post)


@router.post("/posts/{post_id}/publish-now", response=PostOut, auth=required)
def post_publish_now(request: HttpRequest, post_id: int) -> Post:
    return _reload(request, services.post_publish_now(actor=current_user(request), post=_post(request, post_id)))


@router.post("/posts/{post_id}/approve", response=PostOut, auth=required)
def post_approve(request: HttpRequest, post_id: int) -> Post:
    return _reload(request, services.post_approve(actor=current_user(request), post=_post(request, post_id)))


@router.post("/posts/{post_id}/reject", response=PostOut, auth=required)
def post_reject(request: HttpRequest, post_id: int, data: ReasonIn) -> Post:
    return _reload(request, services.post_reject(actor=current_user(request), post=_post(request, post_id),
                                                 reason=data.reason))


@router.post("/posts/{post_id}/remove", response=PostOut, auth=required)
def post_remove(request: HttpRequest, post_id: int, data: ReasonIn) -> Post:
    return _reload(request, services.post_remove(actor=current_user(request), post=_post(request, post_id),
                                                 reason=data.reason))


@router.post("/posts/{post_id}/restore", response=PostOut, auth=required)
def post_restore(request: HttpRequest, post_id: int, data: ReasonIn) -> Post:
    return _reload(request, services.post_restore(actor=current_user(request), post=_post(request, post_id),
                                                  reason=data.reason))


@router.post("/comments/{comment_id}/fold", response=CommentOut, auth=required)
def comment_fold(request: HttpRequest, comment_id: int, data: ReasonIn) -> Any:
    comment = selectors.comment_get(comment_id=comment_id)
    return services.comment_fold(actor=current_user(request), comment=comment, reason=data.reason)


@router.get("/communities/{slug}/held-comments", response=list[CommentOut], auth=required)
@paginate(PageNumber)
def held_comments(request: HttpRequest, slug: str):  # type: ignore[no-untyped-def]
    return selectors.held_comments(community=_community(request, slug), viewer=current_user(request))


@router.post("/comments/{comment_id}/approve", response=CommentOut, auth=required)
def comment_approve(request: HttpRequest, comment_id: int) -> Any:
    comment = selectors.comment_get(comment_id=comment_id)
    return services.comment_approve(actor=current_user(request), comment=comment)


@router.get("/sensitive-words", response=list[SensitiveWordOut], auth=required)
@paginate(PageNumber)
def sensitive_words(request: HttpRequest):  # type: ignore[no-untyped-def]
    return selectors.sensitive_word_list(viewer=current_user(request))


@router.post("/sensitive-words", response={201: SensitiveWordOut}, auth=required)
def sensitive_word_create(request: HttpRequest, data: SensitiveWordIn) -> Status:
    row: SensitiveWord = services.sensitive_word_create(actor=current_user(request), word=data.word)
    return Status(201, row)


@router.delete("/sensitive-words/{word_id}", response={204: None}, auth=required)
def sensitive_word_delete(request: HttpRequest, word_id: int) -> Status:
    services.sensitive_word_delete(actor=current_user(request), word_id=word_id)
    return Status(204, None)
