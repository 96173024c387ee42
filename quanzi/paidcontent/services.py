"""Paid content writes: authors publish (a paid post, a course and its lessons, a column and its articles),
buyers buy through the normal order and payment flow, and the order's moments grant and revoke access.

Selling: each item is a virtual SKU (catalog.virtual_sku_ensure) of the author's own merchant account
(catalog.creator_merchant_ensure: their shop if they have one, else a payee account opened at the platform's paid
content rate), so a sale is an ordinary order line of the author's: settlements put it on the author's statement
with the platform's commission, like any merchant sale, and refunds take the commission back the same way.

Buying (`buy`) places the order and writes a pending `Purchase`; nothing opens until the order's `paid` moment (a
payment the gateway verified). `refunded` revokes the purchase (a column's term ends now), `cancelled` closes an
unpaid one. Each move is a conditional update with an audit row (`PurchaseChange`); the platform's share is booked
once per moment in `RevenueEntry` (the revenue mix's paid_content line)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.accounts.enums import NotificationKind
from quanzi.accounts.services import notification_create
from quanzi.catalog import services as catalog_services
from quanzi.communities.selectors import community_by_id
from quanzi.content.enums import PostKind
from quanzi.content.sensitive import find_words
from quanzi.content.services import post_create
from quanzi.core.errors import InvalidInput
from quanzi.core.events import track
from quanzi.core.images import clean_image
from quanzi.core.messages import msg
from quanzi.orders import services as order_services
from quanzi.orders.hooks import OrderMomentEvent
from quanzi.orders.selectors import checkout_by_key, orders_by_id
from quanzi.paidcontent import errors, rules, selectors
from quanzi.paidcontent.enums import ItemKind, Period, PurchaseStatus, TermStatus
from quanzi.paidcontent.errors import ErrorCode
from quanzi.paidcontent.locks import lock_column_subscriber, lock_course, lock_purchase
from quanzi.paidcontent.models import (
    Column,
    ColumnArticle,
    ColumnTerm,
    Course,
    Lesson,
    LessonImage,
    LessonRead,
    PaidPost,
    Purchase,
    PurchaseChange,
    RevenueEntry,
    SellerAllow,
)
from quanzi.settlements.selectors import commission_returned

if TYPE_CHECKING:
    from quanzi.communities.models import Community
    from quanzi.orders.models import CheckoutSession

MAX_LESSON_IMAGES = 9


def _authed(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise errors.not_authenticated()


def _price(price_fen: Any) -> int:
    if not isinstance(price_fen, int) or isinstance(price_fen, bool) or not 1 <= price_fen <= rules.MAX_PRICE_FEN:
        raise errors.invalid_price()
    return price_fen


def _title(value: Any, n: int = 80, *, required: bool = True) -> str:
    text = str(value or "").strip()
    if (required and not text) or len(text) > n:
        raise errors.invalid_title(n)
    return text


def _clean(*texts: str) -> None:
    """Locked text is not shown to moderators in the feed, so it is checked here: a sensitive word is refused."""
    words = find_words(*texts)
    if words:
        raise InvalidInput(ErrorCode.INVALID_PAID_BODY,
                           _("付费内容含有敏感词：%(w)s") % {"w": "、".join(words[:3])})


def _community_for_seller(user: Any, community_id: int) -> Community:
    _authed(user)
    community = community_by_id(community_id=community_id)
    if community is None or not selectors.can_sell(user=user, community=community):
        raise errors.cannot_sell_here()
    return community


def _sku(*, author: Any, key: str, title: str, price_fen: int) -> int:
    """The item's virtual SKU, sold by the author's merchant account (opened for them at the platform's rate if
    they have none; refused while their own shop application is pending, rejected or suspended)."""
    merchant = catalog_services.creator_merchant_ensure(
        user=author, business_name=f"{author.nickname}的知识店铺", commission_rate=rules.commission_rate())
    return catalog_services.virtual_sku_ensure(key=key, title=title, price_fen=price_fen, merchant_id=merchant.pk)


# --- publishing ----------------------------------------------------------------------------------------------------


@transaction.atomic
def paid_post_create(*, author: Any, community_id: int, text: str, price_fen: int, title: str = "",
                     free_chars: int | None = None, images: Sequence[Any] = ()) -> PaidPost:
    """A paid post: the free preview (above the `rules.PAID_MARKER` line, or the first `free_chars` characters)
    becomes the content post's body, with its pictures; the rest is stored here and shown only to those with
    access. Refused: not a seller here, a price outside ¥0.01–¥10,000, an empty preview or paid part."""
    community = _community_for_seller(author, community_id)
    price_fen = _price(price_fen)
    if free_chars is not None and (not isinstance(free_chars, int) or isinstance(free_chars, bool)
                                   or free_chars < 1):
        raise errors.invalid_body()
    preview, rest = rules.split_body(str(text or ""), free_chars=free_chars)
    if not preview or not rest:
        raise errors.invalid_body()
    _clean(rest)
    post = post_create(author=author, community=community, kind=PostKind.ARTICLE if title else PostKind.NOTE,
                       title=_title(title, 120, required=False), body=preview, images=images)
    paid = PaidPost.objects.create(post=post, author=author, price_fen=price_fen, body=rest)
    paid.sku_id = _sku(author=author, key=f"paid:post:{paid.pk}", title=(title or preview)[:60], price_fen=price_fen)
    paid.save(update_fields=["sku_id"])
    track("paid.create", user=author, community_id=community.pk, kind=ItemKind.POST, item_id=paid.pk,
          price_fen=price_fen)
    return paid


@transaction.atomic
def course_create(*, author: Any, community_id: int, title: str, price_fen: int, summary: str = "") -> Course:
    community = _community_for_seller(author, community_id)
    course = Course.objects.create(author=author, community=community, title=_title(title),
                                   summary=str(summary or "")[:2000], price_fen=_price(price_fen))
    course.sku_id = _sku(author=author, key=f"paid:course:{course.pk}", title=course.title, price_fen=course.price_fen)
    course.save(update_fields=["sku_id"])
    track("paid.create", user=author, community_id=community.pk, kind=ItemKind.COURSE, item_id=course.pk,
          price_fen=course.price_fen)
    return course


def _own(author: Any, owner_id: int) -> None:
    _authed(author)
    if author.pk != owner_id:
        raise errors.not_author()


@transaction.atomic
def lesson_add(*, author: Any, course_id: int, title: str, body: str = "", video_url: str = "",
               is_trial: bool = False, images: Sequence[Any] = ()) -> Lesson:
    """Append a lesson (text, pictures, a video link) to the author's course; trial lessons are free to read."""
    course = lock_course(course_id)
    if course is None:
        raise errors.not_found()
    _own(author, course.author_id)
    video_url = str(video_url or "").strip()
    if video_url and (not video_url.startswith("https://") or len(video_url) > 200):
        raise errors.invalid_video_url()
    body = str(body or "").strip()
    if not body and not video_url and not images:
        raise errors.invalid_body()
    _clean(title, body)
    if len(images) > MAX_LESSON_IMAGES:
        raise errors.too_many_images(MAX_LESSON_IMAGES)
    checked = [clean_image(upload) for upload in images]
    position = course.lessons.count() + 1  # the course row is locked: no twin takes the same position
    lesson = Lesson.objects.create(course=course, position=position, title=_title(title), body=body[:50000],
                                   video_url=video_url, is_trial=bool(is_trial))
    for i, image in enumerate(checked):
        LessonImage.objects.create(lesson=lesson, image=image, sort=i)
    track("paid.lesson_add", user=author, obj=lesson, course_id=course.pk, trial=lesson.is_trial)
    return lesson


@transaction.atomic
def column_create(*, author: Any, community_id: int, title: str, month_price_fen: int = 0,
                  year_price_fen: int = 0, summary: str = "") -> Column:
    """A column sold by period: a monthly price, a yearly price, or both (0 = that period is not offered)."""
    community = _community_for_seller(author, community_id)
    prices = {Period.MONTH: month_price_fen, Period.YEAR: year_price_fen}
    if not any(prices.values()):
        raise errors.invalid_price()
    for fen in prices.values():
        if fen:
            _price(fen)
        elif not isinstance(fen, int) or isinstance(fen, bool):
            raise errors.invalid_price()
    column = Column.objects.create(author=author, community=community, title=_title(title),
                                   summary=str(summary or "")[:2000], month_price_fen=month_price_fen,
                                   year_price_fen=year_price_fen)
    for period, fen in prices.items():
        if fen:
            sku_id = _sku(author=author, key=f"paid:column:{column.pk}:{period}",
                          title=f"{column.title}（{Period(period).label}）", price_fen=fen)
            setattr(column, f"{period}_sku_id", sku_id)
    column.save(update_fields=["month_sku_id", "year_sku_id"])
    track("paid.create", user=author, community_id=community.pk, kind=ItemKind.COLUMN, item_id=column.pk,
          price_fen=column.month_price_fen or column.year_price_fen)
    return column


@transaction.atomic
def article_add(*, author: Any, column_id: int, title: str, body: str) -> ColumnArticle:
    column = Column.objects.filter(pk=column_id).first()
    if column is None:
        raise errors.not_found()
    _own(author, column.author_id)
    body = str(body or "").strip()
    if not body:
        raise errors.invalid_body()
    _clean(title, body)
    article = ColumnArticle.objects.create(column=column, title=_title(title), body=body[:50000])
    track("paid.article_add", user=author, obj=article, column_id=column.pk)
    return article


@transaction.atomic
def seller_allow(*, owner: Any, community_id: int, user_id: int, allow: bool = True) -> bool:
    """The community's owner lets a member sell paid content there (or stops it). True when something changed."""
    from quanzi.communities.enums import Role
    from quanzi.communities.selectors import active_role

    _authed(owner)
    community = community_by_id(community_id=community_id)
    if community is None or active_role(user=owner, community=community) != Role.OWNER:
        raise errors.cannot_sell_here()
    if allow:
        if active_role(user=type(owner).objects.get(pk=user_id), community=community) is None:
            raise errors.cannot_sell_here()
        _row, changed = SellerAllow.objects.get_or_create(community=community, user_id=user_id,
                                                          defaults={"allowed_by": owner})
    else:
        changed = SellerAllow.objects.filter(community=community, user_id=user_id).delete()[0] > 0
    if changed:
        track("paid.seller_allow", user=owner, community_id=community.pk, member_id=user_id, allow=allow)
    return bool(changed)


# --- buying ------------------------------------------------------------------------------------------------------


def _item(kind: str, item_id: int, viewer: Any) -> PaidPost | Course | Column:
    item: PaidPost | Course | Column | None
    if kind == ItemKind.POST:
        item = selectors.paid_post_of(post_id=item_id)
        if item is not None:
            from quanzi.communities.selectors import can_view
            from quanzi.content.enums import PostStatus

            if item.post.status != PostStatus.PUBLISHED or not can_view(user=viewer, community=item.post.community):
                item = None
    elif kind == ItemKind.COURSE:
        item = selectors.course_get(course_id=item_id, viewer=viewer)
    elif kind == ItemKind.COLUMN:
        item = selectors.column_get(column_id=item_id, viewer=viewer)
    else:
        item = None
    if item is None:
        raise errors.not_found()
    return item


def buy(*, user: Any, kind: str, item_id: int, idempotency_key: str, period: str = "") -> CheckoutSession:
    """Place the order of a paid post (by its post id), a course or a column period (a virtual SKU: no address).
    The buyer pays at the order page's cashier; the `paid` moment opens the content. Refused, changing nothing:
    own content, already bought (a post or a course), an order of it still waiting for payment, a period the column
    does not offer. A replay of `idempotency_key` returns the first checkout."""
    _authed(user)
    item = _item(kind, item_id, user)
    key_item_id = item.pk
    if item.author_id == user.pk:
        raise errors.own_content()
    if kind == ItemKind.COLUMN:
        assert isinstance(item, Column)
        if period not in Period.values or not item.price_of(period):
            raise errors.invalid_period()
        sku_id, price, title = getattr(item, f"{period}_sku_id"), item.price_of(period), item.title
    else:
        assert isinstance(item, PaidPost | Course)
        period = ""
        sku_id, price = item.sku_id, item.price_fen
        title = item.title if isinstance(item, Course) else (item.post.title or item.post.body[:60])
    replay = checkout_by_key(user=user, idempotency_key=idempotency_key)
    if replay is not None:
        return replay
    if kind != ItemKind.COLUMN and selectors.check_access(user, item).allowed:
        raise errors.already_bought()
    pending = selectors.pending_purchase(user=user, kind=kind, item_id=key_item_id)
    if pending is not None:
        raise errors.purchase_pending(pending.order_id)
    try:
        with transaction.atomic():
            checkout = order_services.order_place(user=user, address_id=None, idempotency_key=idempotency_key,
                                                  items=[(int(sku_id), 1)])
            order = checkout.orders.get()
            line = order.lines.get()
            purchase = Purchase.objects.create(
                user=user, kind=kind, item_id=key_item_id, title=title[:120], period=period,
                author_id=item.author_id, order_id=order.pk, order_line_id=line.pk, price_fen=price)
            PurchaseChange.objects.create(purchase=purchase, to_status=PurchaseStatus.PENDING, note="ordered")
    except IntegrityError as exc:  # a twin request placed its order first: it stands, this one rolled back
        pending = selectors.pending_purchase(user=user, kind=kind, item_id=key_item_id)
        if pending is not None:
            raise errors.purchase_pending(pending.order_id) from exc
        raise errors.already_bought() from exc
    track("paid.buy", user=user, obj=purchase, kind=kind, item_id=key_item_id, order_id=order.pk, price_fen=price)
    return checkout


# --- the order's moments -------------------------------------------------------------------------------------------


def _move(purchase: Purchase, to: str, allowed: set[str], note: str, **fields: Any) -> bool:
    """Conditional move with its audit row (the row is locked by the caller)."""
    moved = Purchase.objects.filter(pk=purchase.pk, status__in=list(allowed)).update(
        status=to, updated_at=timezone.now(), **fields)
    if moved == 1:
        PurchaseChange.objects.create(purchase=purchase, from_status=purchase.status, to_status=to, note=note[:200])
        purchase.refresh_from_db()
    return moved == 1


def _start_term(purchase: Purchase, now: dt.datetime) -> ColumnTerm:
    """A paid column period, stacked after the subscriber's running chain (a renewal extends the expiry)."""
    lock_column_subscriber(user_id=purchase.user_id, column_id=purchase.item_id)
    until = selectors.column_until(user_id=purchase.user_id, column_id=purchase.item_id, now=now)
    start = until or now
    days = rules.PERIOD_DAYS[Period(purchase.period)]
    term = ColumnTerm.objects.create(purchase=purchase, user_id=purchase.user_id, column_id=purchase.item_id,
                                     starts_at=start, ends_at=start + dt.timedelta(days=days))
    track("paid.term_start", obj=term, member_id=purchase.user_id, column_id=purchase.item_id, days=days,
          renewal=until is not None)
    return term


@transaction.atomic
def on_order_paid(event: OrderMomentEvent) -> None:
    """The `paid` moment (a verified payment): the purchase opens, the platform's share is booked once."""
    pk = Purchase.objects.filter(order_id=event.order_id).values_list("pk", flat=True).first()
    purchase = lock_purchase(pk) if pk else None
    if purchase is None or purchase.status != PurchaseStatus.PENDING:
        return  # not paid content, or a replay
    order = orders_by_id(order_ids=[event.order_id])[event.order_id]
    line = order.lines.get(pk=purchase.order_line_id)
    now = timezone.now()
    if not _move(purchase, PurchaseStatus.PAID, {PurchaseStatus.PENDING}, "paid", paid_at=now,
                 commission_fen=line.commission_fen):
        return
    RevenueEntry.objects.create(key=f"paid:{purchase.pk}", purchase=purchase, amount_fen=line.commission_fen, at=now)
    if purchase.kind == ItemKind.COLUMN:
        _start_term(purchase, now)
    track("paid.grant", obj=purchase, member_id=purchase.user_id, kind=purchase.kind, item_id=purchase.item_id,
          order_id=event.order_id)


@transaction.atomic
def on_order_refunded(event: OrderMomentEvent) -> None:
    """The `refunded` moment: access ends (a column's term ends now), the commission the refund returns comes off
    the platform's share, once per refund moment."""
    pk = Purchase.objects.filter(order_id=event.order_id).values_list("pk", flat=True).first()
    purchase = lock_purchase(pk) if pk else None
    if purchase is None or purchase.status not in (PurchaseStatus.PAID, PurchaseStatus.REFUNDED):
        return
    key = f"refund:{event.moment_id}"
    if RevenueEntry.objects.filter(key=key).exists():
        return  # a replay
    order = orders_by_id(order_ids=[event.order_id])[event.order_id]
    returned = commission_returned(commission_fen=purchase.commission_fen, paid_fen=order.payable_fen,
                                   refunded_before_fen=purchase.refunded_fen, refund_fen=event.amount_fen)
    Purchase.objects.filter(pk=purchase.pk).update(refunded_fen=F("refunded_fen") + event.amount_fen,
                                                   commission_returned_fen=F("commission_returned_fen") + returned)
    now = timezone.now()
    RevenueEntry.objects.create(key=key, purchase=purchase, amount_fen=-returned, at=now)
    if _move(purchase, PurchaseStatus.REFUNDED, {PurchaseStatus.PAID}, f"refunded ({event.ref})"):
        ColumnTerm.objects.filter(purchase=purchase, status=TermStatus.ACTIVE).update(
            status=TermStatus.REFUNDED, ends_at=now)
        notification_create(recipient=purchase.user_id, kind=NotificationKind.ORDER, url="/paid/me/",
                            message=msg("notify.paid_refunded", title=purchase.title))
        track("paid.revoke", obj=purchase, member_id=purchase.user_id, kind=purchase.kind,
              item_id=purchase.item_id, order_id=event.order_id, why="refunded")


@transaction.atomic
def on_order_cancelled(event: OrderMomentEvent) -> None:
    """The `cancelled` moment: an unpaid order closed (the buyer may order again); a paid one cancelled by an
    operator loses its access too (its money goes back through a refund, booked by that refund's moment)."""
    pk = Purchase.objects.filter(order_id=event.order_id).values_list("pk", flat=True).first()
    purchase = lock_purchase(pk) if pk else None
    if purchase is None:
        return
    if _move(purchase, PurchaseStatus.CANCELLED, {PurchaseStatus.PENDING}, "order cancelled"):
        return
    if _move(purchase, PurchaseStatus.REFUNDED, {PurchaseStatus.PAID}, "order cancelled after payment"):
        ColumnTerm.objects.filter(purchase=purchase, status=TermStatus.ACTIVE).update(
            status=TermStatus.REFUNDED, ends_at=timezone.now())
        track("paid.revoke", obj=purchase, member_id=purchase.user_id, kind=purchase.kind,
              item_id=purchase.item_id, order_id=event.order_id, why="cancelled")


# --- reading ------------------------------------------------------------------------------------------------------


def lesson_read(*, user: Any, lesson: Lesson) -> bool:
    """Record that the reader opened a lesson they may read (progress; once per lesson). Refused without access
    (`paid_content_locked`), recording nothing. True the first time."""
    if not selectors.check_access(user, lesson).allowed:
        raise errors.locked()
    if user is None or not user.is_authenticated:
        return False
    _row, created = LessonRead.objects.get_or_create(user_id=user.pk, lesson=lesson)
    if created:
        track("paid.lesson_read", user=user, obj=lesson, course_id=lesson.course_id)
    return created


# --- column terms: reminders and expiry (jobs) ---------------------------------------------------------------------


def terms_remind_due(*, now: dt.datetime | None = None) -> int:
    """Tell each subscriber whose access ends within `rules.remind_before()` (the last term of their chain, not
    renewed), once per term. Returns how many were told."""
    now = now or timezone.now()
    told = 0
    due = ColumnTerm.objects.filter(status=TermStatus.ACTIVE, reminded_at__isnull=True, ends_at__gt=now,
                                    ends_at__lte=now + rules.remind_before()).select_related("column")
    for term in due.order_by("pk"):
        renewed = ColumnTerm.objects.filter(user_id=term.user_id, column_id=term.column_id,
                                            status=TermStatus.ACTIVE, starts_at__gte=term.ends_at).exists()
        if renewed:
            continue
        with transaction.atomic():
            if ColumnTerm.objects.filter(pk=term.pk, reminded_at__isnull=True).update(reminded_at=now) != 1:
                continue  # a twin job told them
            notification_create(recipient=term.user_id, kind=NotificationKind.MEMBERSHIP,
                                url=f"/paid/columns/{term.column_id}/",
                                message=msg("notify.paid_column_expiring", title=term.column.title,
                                            until=timezone.localtime(term.ends_at).strftime("%Y-%m-%d %H:%M")))
            track("paid.term_remind", obj=term, member_id=term.user_id, column_id=term.column_id)
        told += 1
    return told


def terms_expire_due(*, now: dt.datetime | None = None) -> int:
    """Close the terms that ended (access already stopped at `ends_at`: `check_access` reads the dates); a
    subscriber with no term after it is told their column expired. Returns how many terms closed."""
    now = now or timezone.now()
    closed = 0
    for term in ColumnTerm.objects.filter(status=TermStatus.ACTIVE, ends_at__lte=now).select_related("column")\
            .order_by("pk"):
        with transaction.atomic():
            if ColumnTerm.objects.filter(pk=term.pk, status=TermStatus.ACTIVE).update(status=TermStatus.EXPIRED) != 1:
                continue
            PurchaseChange.objects.create(purchase_id=term.purchase_id, from_status=PurchaseStatus.PAID,
                                          to_status=PurchaseStatus.PAID, note="term expired")
            if selectors.column_until(user_id=term.user_id, column_id=term.column_id, now=now) is None:
                notification_create(recipient=term.user_id, kind=NotificationKind.MEMBERSHIP,
                                    url=f"/paid/columns/{term.column_id}/",
                                    message=msg("notify.paid_column_expired", title=term.column.title))
            track("paid.term_expire", obj=term, member_id=term.user_id, column_id=term.column_id)
        closed += 1
    return closed
