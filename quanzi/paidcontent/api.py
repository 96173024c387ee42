"""/api/v1/paid: paid posts, courses and columns (知识付费). Reading locked content answers
`403 {code: "paid_content_locked", message}` unless `selectors.check_access` lets the caller in (checked on every
call); buying places an order of the item's virtual SKU, paid at the order page's cashier. Thin: parse, call one
service or selector, return a schema."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from quanzi.api_auth import current_user, optional, required
from quanzi.paidcontent import errors, selectors, services
from quanzi.paidcontent.enums import ItemKind
from quanzi.paidcontent.models import Column, Course, Lesson
from quanzi.paidcontent.schemas import (
    ArticleIn,
    ArticleOut,
    BuyIn,
    BuyOut,
    ColumnIn,
    ColumnOut,
    CourseIn,
    CourseOut,
    CreatedOut,
    LessonIn,
    LessonOut,
    PaidBodyOut,
    PaidPostIn,
    PaidPostOut,
    PurchaseOut,
)

router = Router(tags=["paidcontent 知识付费"], auth=required)
MEMBER = {"x-access": "member"}  # any logged-in user: access is the item's own rule (check_access)


def _viewer(request: HttpRequest) -> Any:
    user = getattr(request, "auth", None)
    return user if getattr(user, "is_authenticated", False) else None


def _paid_post(post_id: int, viewer: Any) -> Any:
    paid = selectors.paid_post_of(post_id=post_id)
    if paid is None:
        raise errors.not_found()
    from quanzi.content.selectors import post_get_for_viewer

    post_get_for_viewer(post_id=post_id, viewer=viewer)  # 404 where the reader may not see the post
    return paid


def _course(course_id: int, viewer: Any) -> Course:
    course = selectors.course_get(course_id=course_id, viewer=viewer)
    if course is None:
        raise errors.not_found()
    return course


def _column(column_id: int, viewer: Any) -> Column:
    column = selectors.column_get(column_id=column_id, viewer=viewer)
    if column is None:
        raise errors.not_found()
    return column


def _bought(request: HttpRequest, kind: str, item_id: int, data: BuyIn) -> Status:
    checkout = services.buy(user=current_user(request), kind=kind, item_id=item_id,
                            idempotency_key=data.idempotency_key, period=data.period)
    order = checkout.orders.get()
    purchase = selectors.purchase_by_order(order_id=order.pk)
    assert purchase is not None  # written with the order
    return Status(201, {"purchase_id": purchase.pk, "order_id": order.pk, "payable_fen": order.payable_fen,
                        "pay_url": f"/orders/{order.pk}/"})


# --- paid posts ------------------------------------------------------------------------------------------------


@router.post("/posts", response={201: PaidPostOut})
def post_create(request: HttpRequest, data: PaidPostIn) -> Status:
    paid = services.paid_post_create(author=current_user(request), community_id=data.community_id, title=data.title,
                                     text=data.text, price_fen=data.price_fen, free_chars=data.free_chars)
    return Status(201, {"post_id": paid.post_id, "title": paid.post.title, "preview": paid.post.body,
                        "price_fen": paid.price_fen, "author_id": paid.author_id, "unlocked": True})


@router.get("/posts/{post_id}", response=PaidPostOut, auth=optional)
def post_get(request: HttpRequest, post_id: int) -> dict[str, Any]:
    viewer = _viewer(request)
    paid = _paid_post(post_id, viewer)
    return {"post_id": paid.post_id, "title": paid.post.title, "preview": paid.post.body,
            "price_fen": paid.price_fen, "author_id": paid.author_id,
            "unlocked": selectors.check_access(viewer, paid).allowed}


@router.get("/posts/{post_id}/body", response=PaidBodyOut, openapi_extra=MEMBER)
def post_body(request: HttpRequest, post_id: int) -> dict[str, Any]:
    user = current_user(request)
    paid = _paid_post(post_id, user)
    if not selectors.check_access(user, paid).allowed:
        raise errors.locked()
    return {"post_id": paid.post_id, "body": paid.body}


@router.post("/posts/{post_id}/buy", response={201: BuyOut}, openapi_extra=MEMBER)
def post_buy(request: HttpRequest, post_id: int, data: BuyIn) -> Status:
    return _bought(request, ItemKind.POST, post_id, data)


# --- courses -----------------------------------------------------------------------------------------------------


@router.post("/courses", response={201: CreatedOut})
def course_create(request: HttpRequest, data: CourseIn) -> Status:
    course = services.course_create(author=current_user(request), community_id=data.community_id, title=data.title,
                                    summary=data.summary, price_fen=data.price_fen)
    return Status(201, {"id": course.pk})


@router.get("/courses/{course_id}", response=CourseOut, auth=optional)
def course_get(request: HttpRequest, course_id: int) -> dict[str, Any]:
    viewer = _viewer(request)
    course = _course(course_id, viewer)
    progress = selectors.progress(user=viewer, course=course)
    return {"id": course.pk, "title": course.title, "summary": course.summary, "price_fen": course.price_fen,
            "author_id": course.author_id, "community_id": course.community_id,
            "unlocked": selectors.check_access(viewer, course).allowed,
            "progress": {"read": progress.read, "total": progress.total},
            "lessons": [{"id": ln.pk, "position": ln.position, "title": ln.title, "is_trial": ln.is_trial,
                         "read": ln.pk in progress.read_ids} for ln in selectors.lessons_of(course=course)]}


@router.post("/courses/{course_id}/lessons", response={201: CreatedOut})
def lesson_add(request: HttpRequest, course_id: int, data: LessonIn) -> Status:
    lesson = services.lesson_add(author=current_user(request), course_id=course_id, title=data.title,
                                 body=data.body, video_url=data.video_url, is_trial=data.is_trial)
    return Status(201, {"id": lesson.pk})


@router.post("/courses/{course_id}/buy", response={201: BuyOut}, openapi_extra=MEMBER)
def course_buy(request: HttpRequest, course_id: int, data: BuyIn) -> Status:
    return _bought(request, ItemKind.COURSE, course_id, data)


def lesson_out(lesson: Lesson) -> dict[str, Any]:
    return {"id": lesson.pk, "course_id": lesson.course_id, "position": lesson.position, "title": lesson.title,
            "body": lesson.body, "video_url": lesson.video_url, "is_trial": lesson.is_trial,
            "images": [f"/paid/lessons/{lesson.pk}/img/{i.pk}/" for i in lesson.images.all()]}


@router.get("/lessons/{lesson_id}", response=LessonOut, openapi_extra=MEMBER)
def lesson_get(request: HttpRequest, lesson_id: int) -> dict[str, Any]:
    user = current_user(request)
    lesson = selectors.lesson_get(lesson_id=lesson_id, viewer=user)
    if lesson is None:
        raise errors.not_found()
    services.lesson_read(user=user, lesson=lesson)  # checks access (403 paid_content_locked), records progress
    return lesson_out(lesson)


# --- columns -----------------------------------------------------------------------------------------------------


@router.post("/columns", response={201: CreatedOut})
def column_create(request: HttpRequest, data: ColumnIn) -> Status:
    column = services.column_create(author=current_user(request), community_id=data.community_id, title=data.title,
                                    summary=data.summary, month_price_fen=data.month_price_fen,
                                    year_price_fen=data.year_price_fen)
    return Status(201, {"id": column.pk})


@router.get("/columns/{column_id}", response=ColumnOut, auth=optional)
def column_get(request: HttpRequest, column_id: int) -> dict[str, Any]:
    viewer = _viewer(request)
    column = _column(column_id, viewer)
    access = selectors.check_access(viewer, column)
    return {"id": column.pk, "title": column.title, "summary": column.summary,
            "month_price_fen": column.month_price_fen, "year_price_fen": column.year_price_fen,
            "author_id": column.author_id, "community_id": column.community_id, "unlocked": access.allowed,
            "until": access.until,
            "articles": [{"id": a.pk, "title": a.title, "created_at": a.created_at}
                         for a in selectors.articles_of(column=column)]}


@router.post("/columns/{column_id}/articles", response={201: CreatedOut})
def article_add(request: HttpRequest, column_id: int, data: ArticleIn) -> Status:
    article = services.article_add(author=current_user(request), column_id=column_id, title=data.title,
                                   body=data.body)
    return Status(201, {"id": article.pk})


@router.post("/columns/{column_id}/buy", response={201: BuyOut}, openapi_extra=MEMBER)
def column_buy(request: HttpRequest, column_id: int, data: BuyIn) -> Status:
    return _bought(request, ItemKind.COLUMN, column_id, data)


@router.get("/articles/{article_id}", response=ArticleOut, openapi_extra=MEMBER)
def article_get(request: HttpRequest, article_id: int) -> dict[str, Any]:
    user = current_user(request)
    article = selectors.article_get(article_id=article_id, viewer=user)
    if article is None:
        raise errors.not_found()
    if not selectors.check_access(user, article).allowed:
        raise errors.locked()
    return {"id": article.pk, "column_id": article.column_id, "title": article.title, "body": article.body,
            "created_at": article.created_at}


# --- mine --------------------------------------------------------------------------------------------------------


@router.get("/me/purchases", response=list[PurchaseOut])
def my_purchases(request: HttpRequest) -> list[Any]:
    return list(selectors.purchases_of(user=current_user(request))[:200])
