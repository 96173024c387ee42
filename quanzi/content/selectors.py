"""Content reads: visibility, feeds (latest / hot), search, comments, events, check-ins.

Visibility of a post: status `published`, or `scheduled` whose `publish_at` has come. A scheduled post counts as
published when read even if the publishing job never ran; the job only flips the status and bumps counters.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Case, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from quanzi.accounts.selectors import following_ids
from quanzi.communities.selectors import (
    can_view,
    has_perm,
    joined_community_ids,
    require_perm,
    visible_communities_q,
)
from quanzi.content import errors, hooks
from quanzi.content.enums import CommentStatus, PostKind, PostStatus, ReactionKind
from quanzi.content.models import (
    CheckIn,
    Comment,
    EventSignup,
    Mention,
    PollVote,
    Post,
    PostTopic,
    Reaction,
    SensitiveWord,
    Share,
    Topic,
)
from quanzi.content.refs import clean_topic
from quanzi.core.search import search_ranked, search_terms  # noqa: F401  (search_terms: re-exported for tests)
from quanzi.core.timeutil import local_today

if TYPE_CHECKING:
    from quanzi.communities.models import Community

# Statuses an author still sees on their own post (a reason is shown with held / rejected ones).
AUTHOR_VISIBLE = (PostStatus.HELD, PostStatus.REJECTED, PostStatus.SCHEDULED)


def _authed(user: Any) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def can_moderate(*, user: Any, community: Community) -> bool:
    """Community moderators (perm "moderate"), and platform operators (staff) everywhere."""
    if _authed(user) and user.is_staff:
        return True
    return has_perm(user=user, community=community, perm="moderate")


def public_q(*, now: dt.datetime | None = None, prefix: str = "") -> Q:
    """Posts everyone (who may see the community) can read."""
    now = now or timezone.now()
    return Q(**{f"{prefix}status": PostStatus.PUBLISHED}) | Q(
        **{f"{prefix}status": PostStatus.SCHEDULED, f"{prefix}publish_at__lte": now})


def post_is_public(post: Post, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    if post.status == PostStatus.PUBLISHED:
        return True
    return post.status == PostStatus.SCHEDULED and post.publish_at is not None and post.publish_at <= now


def posts_with_viewer_state(qs: QuerySet[Post], viewer: Any) -> QuerySet[Post]:
    """Everything a post card needs in a constant number of queries, whatever the page size:
    author + community + poll + event joined; images, poll options, and the viewer's own reactions,
    poll votes and event sign-ups prefetched (one query each). Read them with `post.liked`,
    `post.favourited`, `post.poll.viewer_option_ids`, `post.event.viewer_signed_up`."""
    qs = qs.select_related("author", "community", "poll", "event").prefetch_related("images", "poll__options")
    for _name, card_annotations in sorted(hooks.CARD_ANNOTATIONS.items()):
        qs = qs.annotate(**card_annotations())
    if _authed(viewer):
        qs = qs.prefetch_related(
            Prefetch("reactions", queryset=Reaction.objects.filter(user=viewer), to_attr="viewer_reactions"),
            Prefetch("poll__votes", queryset=PollVote.objects.filter(user=viewer), to_attr="viewer_votes"),
            Prefetch("event__signups", queryset=EventSignup.objects.filter(user=viewer), to_attr="viewer_signups"),
        )
    return qs


def _latest(qs: QuerySet[Post]) -> QuerySet[Post]:
    return qs.order_by(F("publish_at").desc(nulls_last=True), "-id")


def _hot(qs: QuerySet[Post]) -> QuerySet[Post]:
    """Hot first: by the stored `Post.hot_score` (ln of likes + 2·comments + 3·shares + favourites + 1, decayed
    with a half-life of `models.HOT_HALF_LIFE_HOURS` from publish time; see `models.hot_score_expression`), which
    the database keeps up to date on every write and an index serves in order, whatever the number of posts."""
    return qs.order_by("-hot_score", "-id")


def _ordered(qs: QuerySet[Post], order: str) -> QuerySet[Post]:
    return _hot(qs) if order == "hot" else _latest(qs)


def post_get_for_viewer(*, post_id: int, viewer: Any) -> Post:
    """The post, or 404 when the viewer may not see its community or the post is not visible to them.
    Authors still see their held / rejected / scheduled posts; moderators see every status."""
    post = posts_with_viewer_state(Post.objects.filter(pk=post_id), viewer).first()
    if post is None or not can_view(user=viewer, community=post.community):
        raise errors.post_not_found()
    if post_is_public(post):
        return post
    if _authed(viewer) and post.author_id == viewer.pk and post.status in AUTHOR_VISIBLE:
        return post
    if can_moderate(user=viewer, community=post.community):
        return post
    raise errors.post_not_found()


def post_get_plain(*, post_id: int) -> Post:
    """A post with its community, for services (they check permissions themselves)."""
    post = Post.objects.select_related("community", "author").filter(pk=post_id).first()
    if post is None:
        raise errors.post_not_found()
    return post


def post_find(*, post_id: int, published_only: bool = False) -> Post | None:
    """A post with its community, or None (for other apps, which raise their own error and check permissions)."""
    qs = Post.objects.select_related("community", "author").filter(pk=post_id)
    if published_only:
        qs = qs.filter(status=PostStatus.PUBLISHED)
    return qs.first()


def posts_published_for_viewer(*, viewer: Any, post_ids: Any) -> QuerySet[Post]:
    """The published posts among `post_ids` (a list or a values() subquery) in communities the viewer may read."""
    return (Post.objects.filter(visible_communities_q(user=viewer, prefix="community__"), pk__in=post_ids,
                                status=PostStatus.PUBLISHED).select_related("community", "author"))


def community_feed(*, community: Community, viewer: Any, order: str = "latest") -> QuerySet[Post]:
    if not can_view(user=viewer, community=community):
        raise errors.post_not_found()
    qs = Post.objects.filter(public_q(), community=community)
    return _ordered(posts_with_viewer_state(qs, viewer), order)


def public_hot_feed(*, viewer: Any = None) -> QuerySet[Post]:
    """Hot posts across the communities anyone may read (the visitor's home page)."""
    qs = Post.objects.filter(public_q(), visible_communities_q(user=None, prefix="community__"))
    return _hot(posts_with_viewer_state(qs, viewer))


def home_feed(*, viewer: Any, order: str = "latest") -> QuerySet[Post]:
    """Posts from the viewer's communities and from members they follow (in communities the viewer may see).
    Visitors get the public hot feed."""
    if not _authed(viewer):
        return public_hot_feed()
    scope = Q(community_id__in=joined_community_ids(user=viewer))
    followed = following_ids(user=viewer)
    if followed:
        scope |= Q(author_id__in=followed) & visible_communities_q(user=viewer, prefix="community__")
    qs = Post.objects.filter(public_q()).filter(scope)
    return _ordered(posts_with_viewer_state(qs, viewer), order)


def member_posts(*, user_id: int, viewer: Any) -> QuerySet[Post]:
    """A member's posts in communities the viewer may see; the member also sees their own pending ones."""
    visible = public_q()
    if _authed(viewer) and viewer.pk == user_id:
        visible |= Q(status__in=AUTHOR_VISIBLE)
    qs = Post.objects.filter(visible, visible_communities_q(user=viewer, prefix="community__"), author_id=user_id)
    return _latest(posts_with_viewer_state(qs, viewer))


def search_text_of(*, title: str, body: str) -> str:
    return f"{title}\n{body}".lower()


def search_posts(*, q: str, viewer: Any) -> QuerySet[Post]:
    """Posts whose title or body contain the query's words, or enough of their characters (`core.search`: 跑步
    finds 跑步机 and, after those, 晨跑), ranked by what matched, then recency. Only public posts in communities
    the viewer may see."""
    qs = Post.objects.filter(public_q(), visible_communities_q(user=viewer, prefix="community__"))
    qs = search_ranked(qs, q=q, fields=["search_text"])\
        .order_by("-search_rank", F("publish_at").desc(nulls_last=True), "-id")
    return posts_with_viewer_state(qs, viewer)


def events_upcoming(*, community: Community, viewer: Any) -> QuerySet[Post]:
    """Event posts whose activity has not started yet, soonest first."""
    if not can_view(user=viewer, community=community):
        raise errors.post_not_found()
    qs = Post.objects.filter(public_q(), community=community, kind=PostKind.EVENT,
                             event__starts_at__gt=timezone.now())
    return posts_with_viewer_state(qs, viewer).order_by("event__starts_at", "id")


def content_calendar(*, community: Community, viewer: Any) -> QuerySet[Post]:
    """Scheduled posts not yet due, soonest first: a moderator sees the community's whole plan, a member their own."""
    if not can_view(user=viewer, community=community):
        raise errors.post_not_found()
    if not _authed(viewer):
        return Post.objects.none()
    qs = Post.objects.filter(community=community, status=PostStatus.SCHEDULED, publish_at__gt=timezone.now())
    if not can_moderate(user=viewer, community=community):
        qs = qs.filter(author=viewer)
    return qs.select_related("author", "community").order_by("publish_at", "id")


def held_posts(*, community: Community, viewer: Any) -> QuerySet[Post]:
    """The review queue: held posts, oldest first. Moderators only."""
    if not can_moderate(user=viewer, community=community):
        require_perm(user=viewer, community=community, perm="moderate")
    qs = Post.objects.filter(community=community, status=PostStatus.HELD)
    return posts_with_viewer_state(qs, viewer).order_by("created_at", "id")


def _comment_visible_q(viewer: Any) -> Q:
    q = Q(status__in=(CommentStatus.VISIBLE, CommentStatus.FOLDED))
    if _authed(viewer):
        q |= Q(status=CommentStatus.HELD, author_id=viewer.pk)
    return q


def comment_tree(*, post: Post, viewer: Any) -> QuerySet[Comment]:
    """Top-level comments (the accepted answer first, then oldest first), each with `replies` prefetched.
    Folded comments stay in the tree (shown as folded); held ones only to their author."""
    visible = _comment_visible_q(viewer)
    replies = Comment.objects.filter(visible).select_related("author").order_by("created_at", "id")
    accepted = post.accepted_answer_id or 0
    return (Comment.objects.filter(visible, post=post, parent__isnull=True).select_related("author")
            .prefetch_related(Prefetch("replies", queryset=replies))
            .annotate(accepted=Case(When(pk=accepted, then=Value(1)), default=Value(0),
                                    output_field=IntegerField()))
            .order_by("-accepted", "created_at", "id"))


def held_comments(*, community: Community, viewer: Any) -> QuerySet[Comment]:
    """Comments held by the sensitive-word filter, oldest first. Moderators only."""
    if not can_moderate(user=viewer, community=community):
        require_perm(user=viewer, community=community, perm="moderate")
    return (Comment.objects.filter(post__community=community, status=CommentStatus.HELD)
            .select_related("author", "post").order_by("created_at", "id"))


def comment_get(*, comment_id: int) -> Comment:
    comment = Comment.objects.select_related("post__community", "author").filter(pk=comment_id).first()
    if comment is None:
        raise errors.comment_not_found()
    return comment


def share_get(*, token: str) -> Share:
    share = Share.objects.select_related("post__community", "sharer").filter(token=token).first()
    if share is None:
        raise errors.share_not_found()
    return share


def post_in_community(community_id: int, post_id: int) -> bool:
    """The post exists in that community (any status): a report target (registered in `ContentConfig.ready`)."""
    return Post.objects.filter(pk=post_id, community_id=community_id).exists()


def comment_in_community(community_id: int, comment_id: int) -> bool:
    """The comment exists under a post of that community (any status): a report target."""
    return Comment.objects.filter(pk=comment_id, post__community_id=community_id).exists()


def post_links(post_ids: list[int]) -> dict[int, str]:
    """Where reported posts are read (registered as a report target's links in `ContentConfig.ready`)."""
    return {pk: f"/p/{pk}/" for pk in Post.objects.filter(pk__in=post_ids).values_list("pk", flat=True)}


def comment_links(comment_ids: list[int]) -> dict[int, str]:
    """Where reported comments are read: their post, at the comment (`#c<id>` in content/_comment.html)."""
    rows = Comment.objects.filter(pk__in=comment_ids).values_list("pk", "post_id")
    return {pk: f"/p/{post_id}/#c{pk}" for pk, post_id in rows}


def posts_by_id(*, post_ids: set[int]) -> dict[int, Post]:
    """Posts by id with their author and community (no visibility check: for credit and reports, not readers)."""
    return {p.pk: p for p in Post.objects.select_related("author", "community").filter(pk__in=post_ids)}


def sharers_by_token(*, tokens: set[str]) -> dict[str, int]:
    """Share token -> the sharer's user id, for the tokens that exist."""
    return dict(Share.objects.filter(token__in=tokens).values_list("token", "sharer_id"))


def checkin_streak(*, user: Any, community: Community) -> int:
    """The current streak: the last check-in's streak if it was today or yesterday (Asia/Shanghai), else 0."""
    if not _authed(user):
        return 0
    last = CheckIn.objects.filter(user=user, community=community).order_by("-day").first()
    if last is None or last.day < local_today() - dt.timedelta(days=1):
        return 0
    return last.streak


def checkin_on(*, user_id: int, community_id: int, day: dt.date) -> CheckIn | None:
    """The member's check-in in a community on one Asia/Shanghai day, if any."""
    return CheckIn.objects.filter(user_id=user_id, community_id=community_id, day=day).first()


def checkin_last(*, user_id: int, community_id: int) -> CheckIn | None:
    """The member's latest check-in in a community (its day and streak), if any."""
    return CheckIn.objects.filter(user_id=user_id, community_id=community_id).order_by("-day").first()


def checkin_days(*, user_id: int, community_id: int, first: dt.date, last: dt.date) -> list[dt.date]:
    """The days (ascending) the member checked in to a community between `first` and `last`, both included."""
    return list(CheckIn.objects.filter(user_id=user_id, community_id=community_id, day__range=(first, last))
                .order_by("day").values_list("day", flat=True))


def checkin_status(*, user: Any, community: Community, year: int | None = None,
                   month: int | None = None) -> dict[str, Any]:
    """Streak, whether today is done, and the calendar of a month (default: this month, Asia/Shanghai)."""
    today = local_today()
    year, month = year or today.year, month or today.month
    if not _authed(user):
        return {"streak": 0, "checked_today": False, "days": [], "year": year, "month": month, "total": 0}
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    rows = list(CheckIn.objects.filter(user=user, community=community)
                .filter(Q(day__range=(first, last)) | Q(day__gte=today - dt.timedelta(days=1)))
                .order_by("day"))
    recent = [r for r in rows if r.day >= today - dt.timedelta(days=1)]
    streak = recent[-1].streak if recent else 0
    return {
        "streak": streak,
        "checked_today": any(r.day == today for r in recent),
        "days": [r.day for r in rows if first <= r.day <= last],
        "year": year,
        "month": month,
        "total": CheckIn.objects.filter(user=user, community=community).count(),
    }


def sensitive_word_list(*, viewer: Any) -> QuerySet[SensitiveWord]:
    if not (_authed(viewer) and viewer.is_staff):
        raise errors.staff_only()
    return SensitiveWord.objects.order_by("word")


def post_rows_changed_after(*, stamp: dt.datetime | None, after_id: int, limit: int) -> list[dict[str, Any]]:
    """Posts changed after (stamp, after_id), in (updated_at, id) order, for the analytics export (no text)."""
    qs = Post.objects.all()
    if stamp is not None:
        qs = qs.filter(Q(updated_at__gt=stamp) | Q(updated_at=stamp, id__gt=after_id))
    return [dict(r) for r in qs.order_by("updated_at", "id").values(
        "id", "community_id", "author_id", "kind", "status", "created_at", "updated_at")[:limit]]


def comment_rows_after(*, after_id: int, limit: int) -> list[dict[str, Any]]:
    """Comments with id > after_id for the analytics export (no text), with their post's community."""
    return [dict(r) for r in Comment.objects.filter(id__gt=after_id).order_by("id").values(
        "id", "post_id", "post__community_id", "author_id", "parent_id", "created_at")[:limit]]


# --- topics, mentions, favourites ----------------------------------------------------------------------------


def topic_get(*, name: str) -> Topic:
    topic = Topic.objects.filter(name=clean_topic(name)).first()
    if topic is None:
        raise errors.topic_not_found()
    return topic


def topic_feed(*, topic: Topic, viewer: Any) -> QuerySet[Post]:
    """The topic page: public posts naming the topic, in communities the viewer may read, newest first."""
    qs = Post.objects.filter(public_q(), visible_communities_q(user=viewer, prefix="community__"),
                             topic_links__topic=topic)
    return _latest(posts_with_viewer_state(qs, viewer))


def topic_post_count(*, topic: Topic, viewer: Any) -> int:
    return Post.objects.filter(public_q(), visible_communities_q(user=viewer, prefix="community__"),
                               topic_links__topic=topic).count()


def post_topic_names(*, post_id: int) -> list[str]:
    """The topics a post names, in the order it named them."""
    return list(PostTopic.objects.filter(post_id=post_id).order_by("id").values_list("topic__name", flat=True))


def mention_maps(*, post_id: int) -> dict[int, dict[str, int]]:
    """Who each `@nickname` named in a post and its comments: {comment id (0: the post): {nickname: user id}}."""
    out: dict[int, dict[str, int]] = {}
    for comment_id, nickname, user_id in Mention.objects.filter(post_id=post_id)\
            .values_list("comment_id", "nickname", "user_id"):
        out.setdefault(comment_id or 0, {})[nickname] = user_id
    return out


def mentioned_user_ids(*, post_id: int, comment_id: int = 0) -> list[int]:
    """The members a post (comment_id 0) or one of its comments named, in order of id."""
    qs = Mention.objects.filter(post_id=post_id)
    qs = qs.filter(comment_id=comment_id) if comment_id else qs.filter(comment__isnull=True)
    return sorted(set(qs.values_list("user_id", flat=True)))


def favourite_posts(*, viewer: Any) -> QuerySet[Post]:
    """The posts the viewer favourited that they may still read, the latest favourite first."""
    if not _authed(viewer):
        return Post.objects.none()
    faved = Reaction.objects.filter(post=OuterRef("pk"), user=viewer, kind=ReactionKind.FAVOURITE)
    qs = (Post.objects.filter(public_q(), visible_communities_q(user=viewer, prefix="community__"),
                              reactions__user=viewer, reactions__kind=ReactionKind.FAVOURITE)
          .annotate(favourited_at=Subquery(faved.values("created_at")[:1])).order_by("-favourited_at", "-id"))
    return posts_with_viewer_state(qs, viewer)
