"""/api/v1/growth/flashsale: sessions for shoppers, the buy, and the tools of merchants and operators. Thin: each
handler parses, calls one service or selector, and answers a schema."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Status
from ninja.pagination import paginate

from quanzi.accounts.throttle import client_ip
from quanzi.api_auth import current_user, optional, required
from quanzi.core.errors import DomainError
from quanzi.core.pagination import PageNumber
from quanzi.core.request_id import quiet_refusal
from quanzi.growth.flashsale import excel, selectors, services
from quanzi.growth.flashsale.errors import EXPECTED_REFUSALS
from quanzi.growth.flashsale.models import FlashSession, FlashTicket
from quanzi.growth.flashsale.schemas import (
    BuyIn,
    ItemIn,
    ReasonIn,
    SessionIn,
    SessionOut,
    SessionStatsOut,
    TicketOut,
)
from quanzi.orders.schemas import CheckoutOut

router = Router(tags=["growth 秒杀"])


@router.get("/sessions", response=list[SessionOut], auth=optional)
@paginate(PageNumber)
def session_list(request: HttpRequest):  # type: ignore[no-untyped-def]
    """Sessions on now, next, and those that ended in the last hours (live first)."""
    return selectors.sessions_for_shoppers(limit=100)


@router.get("/sessions/{session_id}", response=SessionOut, auth=optional)
def session_get(request: HttpRequest, session_id: int) -> Any:
    return selectors.session_for_shoppers(session_id=session_id)


@router.post("/items/{item_id}/buy", response={201: CheckoutOut, 202: TicketOut}, auth=required)
def buy(request: HttpRequest, item_id: int, data: BuyIn) -> Status:
    """Buy a flash-sale item: answered at once when it is not on, sold out, over the member's limit or too fast
    (flashsale_not_started, flashsale_ended, flashsale_paused, flashsale_sold_out, flashsale_limit_reached,
    too_many_requests). Otherwise the unit is the shopper's: **202** with a ticket (排队中) when the sale is gated
    by Redis — poll `GET /tickets/{id}` until it names the order — or **201** with the order, placed now (no
    Redis). Either way the order is at the flash price, to be paid within the session's window. A retry with the
    same idempotency key answers the first buy's ticket or order."""
    try:
        outcome = services.flash_buy_start(user=current_user(request), item_id=item_id,
                                           address_id=data.address_id, idempotency_key=data.idempotency_key,
                                           quantity=data.quantity, ip=client_ip(request))
    except DomainError as exc:
        if exc.code in EXPECTED_REFUSALS:
            # Django logs every 4xx as a WARNING; 1,900 shoppers told "sold out" within a second are not 1,900
            # problems, and formatting and writing those lines was a measurable part of each refusal. These go to
            # INFO (core.request_id.QuietRefusalFilter); any other 4xx and every 5xx of this endpoint stay loud.
            quiet_refusal(request)
        raise
    if isinstance(outcome, FlashTicket):
        return Status(202, outcome)
    return Status(201, outcome)


@router.get("/tickets/{ticket_id}", response=TicketOut, auth=required)
def ticket_get(request: HttpRequest, ticket_id: int) -> Any:
    """The buyer's own ticket (another member's: 404 flashsale_ticket_not_found)."""
    return selectors.ticket_for_buyer(user=current_user(request), ticket_id=ticket_id)


# --- merchants and operators -----------------------------------------------------------------------------------


class _StatsPages(Sequence[selectors.SessionStats]):
    """Sessions as a sequence the paginator slices; only the page it takes gets its figures computed."""

    def __init__(self, sessions: QuerySet[FlashSession]) -> None:
        self.sessions = sessions

    def __len__(self) -> int:
        return self.sessions.count()

    @overload
    def __getitem__(self, index: int) -> selectors.SessionStats: ...

    @overload
    def __getitem__(self, index: slice) -> list[selectors.SessionStats]: ...

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return selectors.session_stats(sessions=list(self.sessions[index]))
        return selectors.session_stats(sessions=[self.sessions[index]])[0]


@router.get("/manage/sessions", response=list[SessionStatsOut], auth=required)
@paginate(PageNumber)
def manage_list(request: HttpRequest, status: str = ""):  # type: ignore[no-untyped-def]
    """Operators: every session; merchants: their own. With units sold and GMV per item."""
    return _StatsPages(selectors.sessions_for_manager(user=current_user(request), status=status))


@router.get("/manage/sessions/export.xlsx", response={200: None}, auth=required)
def manage_export(request: HttpRequest, status: str = "") -> HttpResponse:
    user = current_user(request)
    sessions = list(selectors.sessions_for_manager(user=user, status=status)[:2000])
    return excel.sessions_response(user=user, sessions=sessions)


@router.post("/manage/sessions", response={201: SessionStatsOut}, auth=required)
def manage_create(request: HttpRequest, data: SessionIn) -> Status:
    session = services.session_create(user=current_user(request), title=data.title, starts_at=data.starts_at,
                                      ends_at=data.ends_at, pay_minutes=data.pay_minutes,
                                      merchant_id=data.merchant_id)
    return Status(201, selectors.session_stats(sessions=[session])[0])


@router.get("/manage/sessions/{session_id}", response=SessionStatsOut, auth=required)
def manage_get(request: HttpRequest, session_id: int) -> Any:
    session = selectors.session_for_manager(user=current_user(request), session_id=session_id)
    return selectors.session_stats(sessions=[session])[0]


@router.get("/manage/sessions/{session_id}/export.xlsx", response={200: None}, auth=required)
def manage_session_export(request: HttpRequest, session_id: int) -> HttpResponse:
    user = current_user(request)
    session = selectors.session_for_manager(user=user, session_id=session_id)
    return excel.session_response(user=user, session=session)


@router.post("/manage/sessions/{session_id}/items", response={201: SessionStatsOut}, auth=required)
def manage_item_add(request: HttpRequest, session_id: int, data: ItemIn) -> Status:
    user = current_user(request)
    services.item_add(user=user, session_id=session_id, sku_id=data.sku_id, flash_price_fen=data.flash_price_fen,
                      allotment=data.allotment, per_member_limit=data.per_member_limit, sort=data.sort)
    session = selectors.session_for_manager(user=user, session_id=session_id)
    return Status(201, selectors.session_stats(sessions=[session])[0])


@router.delete("/manage/items/{item_id}", response={204: None}, auth=required)
def manage_item_remove(request: HttpRequest, item_id: int) -> Status:
    services.item_remove(user=current_user(request), item_id=item_id)
    return Status(204, None)


@router.post("/manage/sessions/{session_id}/{action}", response=SessionStatsOut, auth=required)
def manage_move(request: HttpRequest, session_id: int, action: str, data: ReasonIn) -> Any:
    """schedule (its units leave stock), pause, resume, end (what is left goes back to stock)."""
    user = current_user(request)
    if action == "schedule":
        session = services.session_schedule(user=user, session_id=session_id)
    elif action == "pause":
        session = services.session_pause(user=user, session_id=session_id, reason=data.reason)
    elif action == "resume":
        session = services.session_resume(user=user, session_id=session_id)
    elif action == "end":
        session = services.session_end(user=user, session_id=session_id, reason=data.reason)
    else:
        raise Http404
    return selectors.session_stats(sessions=[session])[0]
