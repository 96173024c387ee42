"""Paid content reads. `check_access(user, item)` is the one access check: every page and API endpoint that shows
locked content calls it on every read (nothing is cached per viewer), so a refund or an expiry closes the content
at once.

Who reads an item in full:
- its author;
- for a paid post or a course: a buyer with a paid purchase of it (a refund or a cancellation ends it);
- a course's trial lesson: anyone who may see the course;
- a column and its articles: a subscriber with a term running now (paid, not refunded, `starts_at ≤ now <
  ends_at`); after the last term ends the content is locked again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from quanzi.communities.enums import Role
from quanzi.communities.selectors import active_role, can_view
from quanzi.paidcontent.enums import ItemKind, PurchaseStatus, TermStatus
from quanzi.paidcontent.models import (
    Column,
    ColumnArticle,
    ColumnTerm,
    Course,
    Lesson,
    LessonRead,
    PaidPost,
    Purchase,
    RevenueEntry,
    SellerAllow,
)

Item = PaidPost | Course | Lesson | Column | ColumnArticle


@dataclass(frozen=True)
class Access:
    allowed: bool
    why: str  # author | bought | trial | subscribed | locked
    until: dt.datetime | None = None  # a column's access ends then


def _authed(user: Any) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def _owner_kind_id(item: Item) -> tuple[int, str, int]:
    """(author, kind, id) of what is bought to read `item`."""
    if isinstance(item, PaidPost):
        return item.author_id, ItemKind.POST, item.pk
    if isinstance(item, Course):
        return item.author_id, ItemKind.COURSE, item.pk
    if isinstance(item, Lesson):
        return item.course.author_id, ItemKind.COURSE, item.course_id
    if isinstance(item, Column):
        return item.author_id, ItemKind.COLUMN, item.pk
    return item.column.author_id, ItemKind.COLUMN, item.column_id


def column_until(*, user_id: int, column_id: int, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the subscriber's access to the column ends: the end of the chain of terms running from now (a
    renewal starts where the term before it ends), or None when no term runs now."""
    now = now or timezone.now()
    terms = list(ColumnTerm.objects.filter(user_id=user_id, column_id=column_id, status=TermStatus.ACTIVE,
                                           ends_at__gt=now).order_by("starts_at").values_list("starts_at", "ends_at"))
    until = None
    for starts, ends in terms:
        if starts <= (until or now):
            until = max(until or ends, ends)
    return until


def check_access(user: Any, item: Item) -> Access:
    """May `user` read `item` in full, now? Read on every request (pages and API)."""
    author_id, kind, item_id = _owner_kind_id(item)
    if isinstance(item, Lesson) and item.is_trial:
        return Access(True, "trial")
    if not _authed(user):
        return Access(False, "locked")
    if user.pk == author_id:
        return Access(True, "author")
    if kind == ItemKind.COLUMN:
        until = column_until(user_id=user.pk, column_id=item_id)
        return Access(True, "subscribed", until) if until else Access(False, "locked")
    bought = Purchase.objects.filter(user_id=user.pk, kind=kind, item_id=item_id,
                                     status=PurchaseStatus.PAID).exists()
    return Access(True, "bought") if bought else Access(False, "locked")


def pending_purchase(*, user: Any, kind: str, item_id: int) -> Purchase | None:
    """The buyer's order of the item waiting for payment (the buy box links to it instead of a second order)."""
    if not _authed(user):
        return None
    return Purchase.objects.filter(user_id=user.pk, kind=kind, item_id=item_id,
                                   status=PurchaseStatus.PENDING).first()


def can_sell(*, user: Any, community: Any) -> bool:
    """Owners and KOLs of the community may sell paid content there, and members the owner allowed."""
    if not _authed(user):
        return False
    role = active_role(user=user, community=community)
    if role in (Role.OWNER, Role.KOL):
        return True
    return role is not None and SellerAllow.objects.filter(community=community, user=user).exists()


# --- items --------------------------------------------------------------------------------------------------------


def paid_post_of(*, post_id: int) -> PaidPost | None:
    return PaidPost.objects.select_related("post", "post__community").filter(post_id=post_id).first()


def paid_prices() -> dict[int, int]:
    """post id -> price of every paid post: the 付费 badge on cards outside the feeds (one query per page; the feeds
    read `card_annotations` instead, in their own query)."""
    return dict(PaidPost.objects.values_list("post_id", "price_fen"))


def card_annotations() -> dict[str, Any]:
    """The feeds' post cards carry their paid price (`paid_price_fen`, None when free) from the feed's own query:
    the feed pages keep their query budget (content/tests/test_queries.py)."""
    return {"paid_price_fen": Subquery(PaidPost.objects.filter(post_id=OuterRef("pk")).values("price_fen")[:1])}


def _viewable(user: Any, community: Any) -> bool:
    return can_view(user=user, community=community)


def course_get(*, course_id: int, viewer: Any) -> Course | None:
    course = Course.objects.select_related("community", "author").filter(pk=course_id).first()
    return course if course is not None and _viewable(viewer, course.community) else None


def lesson_get(*, lesson_id: int, viewer: Any) -> Lesson | None:
    lesson = Lesson.objects.select_related("course", "course__community", "course__author")\
        .filter(pk=lesson_id).first()
    return lesson if lesson is not None and _viewable(viewer, lesson.course.community) else None


def lessons_of(*, course: Course) -> list[Lesson]:
    return list(course.lessons.order_by("position"))


def column_get(*, column_id: int, viewer: Any) -> Column | None:
    column = Column.objects.select_related("community", "author").filter(pk=column_id).first()
    return column if column is not None and _viewable(viewer, column.community) else None


def article_get(*, article_id: int, viewer: Any) -> ColumnArticle | None:
    article = ColumnArticle.objects.select_related("column", "column__community", "column__author")\
        .filter(pk=article_id).first()
    return article if article is not None and _viewable(viewer, article.column.community) else None


def articles_of(*, column: Column) -> list[ColumnArticle]:
    return list(column.articles.order_by("-created_at", "-id"))


def courses_in(*, community_id: int) -> QuerySet[Course]:
    return Course.objects.filter(community_id=community_id).annotate(n=Count("lessons")).order_by("-created_at")


def columns_in(*, community_id: int) -> QuerySet[Column]:
    return Column.objects.filter(community_id=community_id).order_by("-created_at")


def visible_catalogue(*, viewer: Any) -> tuple[list[Any], list[Column]]:
    """Courses and columns of the communities the viewer may see (the 知识付费 index page), newest first."""
    from quanzi.communities.selectors import visible_communities_q

    q = visible_communities_q(user=viewer, prefix="community__")
    courses = list(Course.objects.filter(q).select_related("community", "author")
                   .annotate(n=Count("lessons")).order_by("-created_at")[:30])
    columns = list(Column.objects.filter(q).select_related("community", "author").order_by("-created_at")[:30])
    return courses, columns


# --- progress and purchases ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    read: int
    total: int
    read_ids: frozenset[int]

    @property
    def percent(self) -> int:
        return 100 * self.read // self.total if self.total else 0


def progress(*, user: Any, course: Course) -> Progress:
    total = course.lessons.count()
    if not _authed(user):
        return Progress(0, total, frozenset())
    ids = frozenset(LessonRead.objects.filter(user_id=user.pk, lesson__course=course)
                    .values_list("lesson_id", flat=True))
    return Progress(len(ids), total, ids)


def purchases_of(*, user: Any) -> QuerySet[Purchase]:
    return Purchase.objects.filter(user_id=user.pk).exclude(status=PurchaseStatus.CANCELLED)\
        .order_by("-created_at", "-id")


def terms_of(*, user: Any, column: Column) -> list[ColumnTerm]:
    return list(ColumnTerm.objects.filter(user_id=user.pk, column=column).order_by("starts_at"))


def sales_of(*, author: Any) -> QuerySet[Purchase]:
    return Purchase.objects.filter(author_id=author.pk).exclude(status=PurchaseStatus.CANCELLED)\
        .order_by("-created_at", "-id")


def purchase_by_order(*, order_id: int) -> Purchase | None:
    return Purchase.objects.filter(order_id=order_id).first()


# --- the platform's share (the revenue mix's paid_content line, quanzi/ads/revenue.py) -----------------------------


def revenue_by_day(*, since: dt.date | None = None) -> dict[dt.date, int]:
    """The platform's share of paid content per day (Asia/Shanghai), from the revenue entries."""
    qs = RevenueEntry.objects.all()
    if since is not None:
        qs = qs.filter(at__date__gte=since)
    rows = qs.annotate(day=TruncDate("at")).values("day").annotate(s=Sum("amount_fen")).values_list("day", "s")
    return {day: int(s or 0) for day, s in rows}


def revenue_total() -> int:
    """The same money read from the purchases: commission taken − commission returned by refunds."""
    agg = Purchase.objects.filter(Q(status=PurchaseStatus.PAID) | Q(status=PurchaseStatus.REFUNDED))\
        .aggregate(c=Sum("commission_fen"), r=Sum("commission_returned_fen"))
    return int(agg["c"] or 0) - int(agg["r"] or 0)


def paid_order_ids() -> QuerySet[Purchase, Any]:
    """The orders of paid content (a values() subquery): their commission is the paid_content line's, not the
    goods' commission line's (settlements.selectors.commission_elsewhere)."""
    return Purchase.objects.values("order_id")
