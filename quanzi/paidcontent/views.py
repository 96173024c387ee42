"""Paid content pages (知识付费): the index, a course with its outline and progress, a lesson, a column and its
articles, the buy button (places the order, then the order page's cashier), my purchases and sales, and the
author's forms (a paid post, a course and its lessons, a column and its articles). Every page that shows locked
content asks `selectors.check_access` on every request; without access it shows the preview and a buy box. Thin:
the services and selectors do the work."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from quanzi.communities.selectors import my_communities
from quanzi.core.errors import DomainError
from quanzi.core.money import parse_yuan
from quanzi.core.pages import call_service
from quanzi.paidcontent import rules, selectors, services
from quanzi.paidcontent.enums import ItemKind, Period
from quanzi.paidcontent.models import LessonImage


def _user(request: HttpRequest) -> Any:
    return request.user if request.user.is_authenticated else None


def _fen(text: Any) -> int | None:
    try:
        return parse_yuan(str(text or "").strip(), symbol=True)
    except ValueError:
        return None


def buy_box(request: HttpRequest, *, kind: str, item: Any, price_fen: int) -> dict[str, Any]:
    """What the buy box shows: the price, or the buyer's order waiting for payment, or a login link."""
    pending = selectors.pending_purchase(user=_user(request), kind=kind, item_id=item.pk)
    return {"kind": kind, "item_id": item.post_id if kind == ItemKind.POST else item.pk, "price_fen": price_fen,
            "pending": pending, "buy_key": uuid.uuid4().hex, "next": request.get_full_path()}


def index(request: HttpRequest) -> HttpResponse:
    courses, columns = selectors.visible_catalogue(viewer=_user(request))
    return render(request, "paidcontent/index.html", {"courses": courses, "columns": columns})


def course_page(request: HttpRequest, course_id: int) -> HttpResponse:
    user = _user(request)
    course = selectors.course_get(course_id=course_id, viewer=user)
    if course is None:
        raise Http404
    access = selectors.check_access(user, course)
    return render(request, "paidcontent/course.html", {
        "course": course, "access": access, "lessons": selectors.lessons_of(course=course),
        "progress": selectors.progress(user=user, course=course), "is_author": user is not None and
        user.pk == course.author_id,
        "box": buy_box(request, kind=ItemKind.COURSE, item=course, price_fen=course.price_fen)})


def lesson_page(request: HttpRequest, lesson_id: int) -> HttpResponse:
    user = _user(request)
    lesson = selectors.lesson_get(lesson_id=lesson_id, viewer=user)
    if lesson is None:
        raise Http404
    access = selectors.check_access(user, lesson)
    if access.allowed:
        services.lesson_read(user=user, lesson=lesson)
    course = lesson.course
    lessons = selectors.lessons_of(course=course)
    nxt = next((ln for ln in lessons if ln.position == lesson.position + 1), None)
    return render(request, "paidcontent/lesson.html", {
        "lesson": lesson, "course": course, "access": access, "next": nxt,
        "images": list(lesson.images.all()) if access.allowed else [],
        "box": buy_box(request, kind=ItemKind.COURSE, item=course, price_fen=course.price_fen)})


def lesson_image(request: HttpRequest, lesson_id: int, image_id: int) -> FileResponse:
    """A lesson's picture, only to a reader with access (never a public media URL)."""
    lesson = selectors.lesson_get(lesson_id=lesson_id, viewer=_user(request))
    if lesson is None or not selectors.check_access(_user(request), lesson).allowed:
        raise Http404
    image = LessonImage.objects.filter(pk=image_id, lesson=lesson).first()
    if image is None:
        raise Http404
    name = image.image.name or ""
    response = FileResponse(image.image.open("rb"), content_type="image/png" if name.endswith(".png")
                            else "image/jpeg")
    response["Cache-Control"] = "private, max-age=300"
    return response


def column_page(request: HttpRequest, column_id: int) -> HttpResponse:
    user = _user(request)
    column = selectors.column_get(column_id=column_id, viewer=user)
    if column is None:
        raise Http404
    access = selectors.check_access(user, column)
    periods = [(p, column.price_of(p)) for p in (Period.MONTH, Period.YEAR) if column.price_of(p)]
    return render(request, "paidcontent/column.html", {
        "column": column, "access": access, "articles": selectors.articles_of(column=column), "periods": periods,
        "is_author": user is not None and user.pk == column.author_id,
        "terms": selectors.terms_of(user=user, column=column) if user else [],
        "box": buy_box(request, kind=ItemKind.COLUMN, item=column, price_fen=periods[0][1])})


def article_page(request: HttpRequest, article_id: int) -> HttpResponse:
    user = _user(request)
    article = selectors.article_get(article_id=article_id, viewer=user)
    if article is None:
        raise Http404
    column = article.column
    periods = [(p, column.price_of(p)) for p in (Period.MONTH, Period.YEAR) if column.price_of(p)]
    return render(request, "paidcontent/article.html", {
        "article": article, "column": column, "access": selectors.check_access(user, article), "periods": periods,
        "box": buy_box(request, kind=ItemKind.COLUMN, item=column, price_fen=periods[0][1])})


@login_required
@require_POST
def buy(request: HttpRequest, kind: str, item_id: int) -> HttpResponse:
    back = request.POST.get("next", "")
    back = back if back.startswith("/") and not back.startswith("//") else "/paid/"
    if kind not in ItemKind.values:
        raise Http404
    key = (request.POST.get("idempotency_key") or "").strip() or uuid.uuid4().hex
    try:
        checkout = services.buy(user=request.user, kind=kind, item_id=item_id, idempotency_key=key,
                                period=request.POST.get("period", ""))
    except DomainError as exc:
        order_id = getattr(exc, "order_id", None)
        if order_id:
            return redirect(f"/orders/{order_id}/")  # the order waiting for payment: its cashier
        messages.error(request, str(exc.message))
        return redirect(back)
    order = checkout.orders.get()
    return redirect(f"/orders/{order.pk}/")  # the order page's cashier


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "paidcontent/mine.html", {
        "purchases": list(selectors.purchases_of(user=request.user)[:100]),
        "sales": list(selectors.sales_of(author=request.user)[:100])})


def _sell_here(user: Any) -> list[Any]:
    return [c for c in my_communities(user=user) if selectors.can_sell(user=user, community=c)]


@login_required
def studio(request: HttpRequest) -> HttpResponse:
    """The author's forms: a paid post, a course, a column (each in a community where they may sell)."""
    errs: list[str] = []
    if request.method == "POST":
        what = request.POST.get("what", "")
        raw = request.POST.get("community", "")
        community_id = int(raw) if raw.isdigit() else 0
        data = request.POST
        created: Any = None
        if what == "post":
            free = data.get("free_chars", "").strip()
            created = call_service(errs, services.paid_post_create, author=request.user, community_id=community_id,
                                   title=data.get("title", ""), text=data.get("text", ""),
                                   price_fen=_fen(data.get("price")), images=request.FILES.getlist("images"),
                                   free_chars=int(free) if free.isdigit() else None)
            if created is not None:
                return redirect(f"/p/{created.post_id}/")
        elif what == "course":
            created = call_service(errs, services.course_create, author=request.user, community_id=community_id,
                                   title=data.get("title", ""), summary=data.get("summary", ""),
                                   price_fen=_fen(data.get("price")))
            if created is not None:
                return redirect(f"/paid/courses/{created.pk}/")
        elif what == "column":
            created = call_service(errs, services.column_create, author=request.user, community_id=community_id,
                                   title=data.get("title", ""), summary=data.get("summary", ""),
                                   month_price_fen=_fen(data.get("month_price")) or 0,
                                   year_price_fen=_fen(data.get("year_price")) or 0)
            if created is not None:
                return redirect(f"/paid/columns/{created.pk}/")
    return render(request, "paidcontent/studio.html", {
        "communities": _sell_here(request.user), "errors": errs, "marker": rules.PAID_MARKER,
        "preview_chars": rules.preview_chars(), "form": request.POST if errs else {}},
        status=400 if errs else 200)


@login_required
@require_POST
def lesson_add(request: HttpRequest, course_id: int) -> HttpResponse:
    errs: list[str] = []
    call_service(errs, services.lesson_add, author=request.user, course_id=course_id,
                 title=request.POST.get("title", ""), body=request.POST.get("body", ""),
                 video_url=request.POST.get("video_url", ""), is_trial=bool(request.POST.get("is_trial")),
                 images=request.FILES.getlist("images"))
    for e in errs:
        messages.error(request, e)
    return redirect(f"/paid/courses/{course_id}/")


@login_required
@require_POST
def article_add(request: HttpRequest, column_id: int) -> HttpResponse:
    errs: list[str] = []
    call_service(errs, services.article_add, author=request.user, column_id=column_id,
                 title=request.POST.get("title", ""), body=request.POST.get("body", ""))
    for e in errs:
        messages.error(request, e)
    return redirect(f"/paid/columns/{column_id}/")
