"""Flash-sale reads: the sessions a shopper sees (with each item's phase and what is left), a product's flash
price for its page, and the figures merchants and operators watch (units sold, GMV) and export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from quanzi.core.errors import NotAuthenticated
from quanzi.growth.flashsale import errors
from quanzi.growth.flashsale.enums import ReservationStatus, SessionPhase, SessionStatus
from quanzi.growth.flashsale.errors import ErrorCode
from quanzi.growth.flashsale.models import FlashItem, FlashReservation, FlashSession, FlashTicket
from quanzi.growth.flashsale.rules import session_phase
from quanzi.growth.flashsale.services import may_manage
from quanzi.orders.enums import OrderStatus

RECENT_HOURS = 12  # ended sessions stay on the shoppers' page this long (their sold-out state is news too)


@dataclass
class ItemView:
    item: FlashItem
    phase: str
    remaining: int
    sold_percent: int
    image_url: str

    @property
    def sold_out(self) -> bool:
        return self.phase == SessionPhase.LIVE and self.remaining <= 0

    @property
    def state(self) -> str:
        """What the buy button shows: upcoming (a countdown), live, sold_out, paused, ended."""
        return "sold_out" if self.sold_out else str(self.phase)


@dataclass
class SessionView:
    session: FlashSession
    phase: str
    items: list[ItemView]

    @property
    def phase_label(self) -> str:
        return str(SessionPhase(self.phase).label)

    @property
    def starts_ms(self) -> int:
        return int(self.session.starts_at.timestamp() * 1000)

    @property
    def ends_ms(self) -> int:
        return int(self.session.ends_at.timestamp() * 1000)


def _item_views(items: list[FlashItem], phase: str) -> list[ItemView]:
    out = []
    for item in items:
        remaining = item.remaining if item.returned_at is None else 0
        sold = min(item.reserved, item.allotment)
        out.append(ItemView(item=item, phase=phase, remaining=remaining,
                            sold_percent=int(100 * sold / item.allotment) if item.allotment else 100,
                            image_url=_first_image(item)))
    return out


def _first_image(item: FlashItem) -> str:
    images = list(item.sku.product.images.all())  # prefetched
    return images[0].image.url if images else ""


def _items_of(session_ids: list[int]) -> dict[int, list[FlashItem]]:
    by_session: dict[int, list[FlashItem]] = {}
    for item in FlashItem.objects.select_related("sku__product").prefetch_related("sku__product__images")\
            .filter(session_id__in=session_ids).order_by("session_id", "sort", "pk"):
        by_session.setdefault(item.session_id, []).append(item)
    return by_session


def sessions_for_shoppers(*, now: dt.datetime | None = None, limit: int = 12) -> list[SessionView]:
    """Sessions on now, next, and those that ended in the last hours, by start time; drafts never show."""
    now = now or timezone.now()
    sessions = list(FlashSession.objects.exclude(status=SessionStatus.DRAFT)
                    .filter(ends_at__gte=now - dt.timedelta(hours=RECENT_HOURS)).order_by("starts_at", "pk")[:limit])
    items = _items_of([s.pk for s in sessions])
    views = [SessionView(session=s, phase=session_phase(s, now), items=[]) for s in sessions]
    for v in views:
        v.items = _item_views(items.get(v.session.pk, []), v.phase)
    # the live ones first, then upcoming, then those over
    order = {SessionPhase.LIVE: 0, SessionPhase.PAUSED: 1, SessionPhase.UPCOMING: 2, SessionPhase.ENDED: 3}
    return sorted(views, key=lambda v: (order.get(SessionPhase(v.phase), 4), v.session.starts_at))


def session_for_shoppers(*, session_id: int, now: dt.datetime | None = None) -> SessionView:
    now = now or timezone.now()
    session = FlashSession.objects.exclude(status=SessionStatus.DRAFT).filter(pk=session_id).first()
    if session is None:
        raise errors.session_not_found()
    phase = session_phase(session, now)
    return SessionView(session=session, phase=phase, items=_item_views(_items_of([session.pk]).get(session.pk, []),
                                                                       phase))


def item_get(*, item_id: int) -> FlashItem:
    item = FlashItem.objects.select_related("session", "sku__product").filter(pk=item_id).first()
    if item is None or item.session.status == SessionStatus.DRAFT:
        raise errors.item_not_found()
    return item


def ticket_for_buyer(*, user: Any, ticket_id: int) -> FlashTicket:
    """A buyer's own queue ticket (anyone else's reads as not found)."""
    user_id = getattr(user, "pk", None)
    ticket = None if user_id is None else FlashTicket.objects.select_related(
        "item__sku__product", "checkout").filter(pk=ticket_id, user_id=user_id).first()
    if ticket is None:
        raise errors.ticket_not_found()
    return ticket


@dataclass
class ProductFlash:
    item: FlashItem
    phase: str
    remaining: int

    @property
    def starts_ms(self) -> int:
        return int(self.item.session.starts_at.timestamp() * 1000)

    @property
    def ends_ms(self) -> int:
        return int(self.item.session.ends_at.timestamp() * 1000)


def product_flash(*, product_id: int, now: dt.datetime | None = None) -> ProductFlash | None:
    """The product's flash-sale item live now, or else the next one (for the product page's panel)."""
    now = now or timezone.now()
    items = list(FlashItem.objects.select_related("session", "sku__product")
                 .filter(sku__product_id=product_id, session__status=SessionStatus.SCHEDULED,
                         session__ends_at__gt=now, returned_at__isnull=True).order_by("session__starts_at", "pk")[:5])
    if not items:
        return None
    item = next((i for i in items if i.session.starts_at <= now), items[0])
    return ProductFlash(item=item, phase=session_phase(item.session, now), remaining=item.remaining)


# --- merchants and operators ---------------------------------------------------------------------------------------


@dataclass
class ItemStats:
    item: FlashItem
    units_reserved: int  # held by unpaid orders in their window
    units_paid: int
    units_released: int  # came back from cancelled or expired orders
    units_refunded: int
    gmv_fen: int  # goods paid at the flash price (refunds not taken off)
    refunded_fen: int


@dataclass
class SessionStats:
    session: FlashSession
    phase: str
    items: list[ItemStats]

    @property
    def phase_label(self) -> str:
        return str(SessionPhase(self.phase).label)

    @property
    def units_paid(self) -> int:
        return sum(i.units_paid + i.units_refunded for i in self.items)

    @property
    def gmv_fen(self) -> int:
        return sum(i.gmv_fen for i in self.items)

    @property
    def refunded_fen(self) -> int:
        return sum(i.refunded_fen for i in self.items)

    @property
    def allotment(self) -> int:
        return sum(i.item.allotment for i in self.items)


def _require_manager(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(ErrorCode.NOT_AUTHENTICATED)


def sessions_for_manager(*, user: Any, status: str = "") -> QuerySet[FlashSession]:
    """Every session for operators; a merchant's own for a merchant (others see none)."""
    _require_manager(user)
    qs = FlashSession.objects.select_related("merchant").order_by("-starts_at", "-pk")
    if not user.is_staff:
        qs = qs.filter(merchant__user_id=user.pk)
    if status in SessionStatus.values:
        qs = qs.filter(status=status)
    return qs


def session_for_manager(*, user: Any, session_id: int) -> FlashSession:
    _require_manager(user)
    session = FlashSession.objects.select_related("merchant").filter(pk=session_id).first()
    if session is None or not may_manage(user, session):
        raise errors.session_not_found()  # someone else's session reads as missing
    return session


def session_stats(*, sessions: list[FlashSession], now: dt.datetime | None = None) -> list[SessionStats]:
    """Units and GMV per item of these sessions, from the reservations (one grouped query)."""
    now = now or timezone.now()
    items = _items_of([s.pk for s in sessions])
    all_ids = [i.pk for group in items.values() for i in group]
    paid_like = [ReservationStatus.PAID, ReservationStatus.REFUNDED]
    rows: dict[int, dict[str, Any]] = {r["item_id"]: dict(r) for r in FlashReservation.objects.filter(item_id__in=all_ids).values("item_id").annotate(
        reserved=Sum("quantity", filter=Q(status=ReservationStatus.RESERVED)),
        paid=Sum("quantity", filter=Q(status=ReservationStatus.PAID)),
        released=Sum("quantity", filter=Q(status=ReservationStatus.RELEASED)),
        refunded=Sum("quantity", filter=Q(status=ReservationStatus.REFUNDED)),
        gmv=Sum("goods_fen", filter=Q(status__in=paid_like)),
        refunded_fen=Sum("refunded_fen", filter=Q(status__in=paid_like)),
        n=Count("pk"))}
    out = []
    for s in sessions:
        stats = []
        for item in items.get(s.pk, []):
            r = rows.get(item.pk, {})
            stats.append(ItemStats(item=item, units_reserved=r.get("reserved") or 0, units_paid=r.get("paid") or 0,
                                   units_released=r.get("released") or 0, units_refunded=r.get("refunded") or 0,
                                   gmv_fen=r.get("gmv") or 0, refunded_fen=r.get("refunded_fen") or 0))
        out.append(SessionStats(session=s, phase=session_phase(s, now), items=stats))
    return out


def reservations_of(*, session: FlashSession) -> QuerySet[FlashReservation]:
    return FlashReservation.objects.select_related("item__sku__product", "order", "user")\
        .filter(item__session=session).order_by("pk")


def open_item_ids(*, now: dt.datetime | None = None) -> list[int]:
    """Items of sessions not ended yet (live, upcoming, paused): the reconcile job keeps Redis right for these."""
    now = now or timezone.now()
    return list(FlashItem.objects.filter(session__status__in=[SessionStatus.SCHEDULED, SessionStatus.PAUSED],
                                         session__ends_at__gt=now - dt.timedelta(minutes=10))
                .values_list("pk", flat=True))


def sessions_due_to_end(*, now: dt.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(FlashSession.objects.filter(status__in=[SessionStatus.SCHEDULED, SessionStatus.PAUSED],
                                            ends_at__lte=now).order_by("pk").values_list("pk", flat=True)[:200])


def expired_units_back_to_allotment(sku_ids: list[int]) -> dict[int, int]:
    """For `catalog.hooks.stock_freed`: orders reports the units of unpaid orders past their window as free stock,
    but a flash-sale order's units go back to its open allotment, not to normal sale. Negative counts take them
    off again, so the product page does not offer units that are not for it."""
    now = timezone.now()
    rows = FlashReservation.objects.filter(
        status=ReservationStatus.RESERVED, item__sku_id__in=sku_ids, item__returned_at__isnull=True,
        order__status=OrderStatus.PENDING_PAYMENT, order__expires_at__lte=now, order__stock_released=False,
    ).values("item__sku_id").annotate(n=Sum("quantity"))
    return {int(r["item__sku_id"]): -int(r["n"] or 0) for r in rows}

