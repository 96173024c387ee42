"""Flash-sale pages: the shoppers' page (sessions with a countdown that turns into the buy button, and a clear
sold-out state) and the merchants' and operators' tools (create, schedule, pause, end, units sold, GMV, Excel).
Thin: the services and selectors decide."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.accounts.throttle import client_ip
from quanzi.core.errors import DomainError
from quanzi.core.events import track
from quanzi.core.money import parse_yuan
from quanzi.core.pages import call_service, page_of
from quanzi.growth.flashsale import excel, selectors, services
from quanzi.growth.flashsale.enums import SessionStatus, TicketStatus
from quanzi.growth.flashsale.models import FlashTicket
from quanzi.orders import selectors as order_selectors
from quanzi.orders import services as order_services


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else None


def _ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def _shopper_context(request: HttpRequest, views: list[selectors.SessionView]) -> dict[str, Any]:
    addresses = list(order_selectors.address_list(user=request.user)) if request.user.is_authenticated else []
    return {"sessions": views, "address": addresses[0] if addresses else None, "nav": "discover",
            "server_now_ms": _ms(timezone.now()), "buy_key": uuid.uuid4().hex}


def flash_page(request: HttpRequest) -> HttpResponse:
    """/flashsale/: the sessions on now and next."""
    views = selectors.sessions_for_shoppers()
    track("page.flashsale", user=request.user)
    return render(request, "flashsale/page.html", _shopper_context(request, views))


def session_page(request: HttpRequest, session_id: int) -> HttpResponse:
    view = selectors.session_for_shoppers(session_id=session_id)
    track("page.flashsale", user=request.user, obj=view.session)
    return render(request, "flashsale/page.html", {**_shopper_context(request, [view]), "one": True})


def _back(request: HttpRequest, item_id: int | None = None) -> HttpResponse:
    target = request.POST.get("next") or "/flashsale/"
    if not target.startswith("/") or target.startswith("//"):
        target = "/flashsale/"
    return redirect(f"{target}#item-{item_id}" if item_id else target)


def _to_order(request: HttpRequest, checkout: Any, item_id: int) -> HttpResponse:
    """Off to the order to pay it, with the payment window in a message."""
    minutes = selectors.item_get(item_id=item_id).session.pay_minutes
    messages.success(request, _("抢到了！请在 %(n)d 分钟内完成支付，超时名额会释放给别人") % {"n": minutes})
    order = checkout.orders.order_by("id").first()
    return redirect("order_detail", order_id=order.pk) if order else redirect("/orders/?status=pending_payment")


@login_required
@require_POST
def buy(request: HttpRequest, item_id: int) -> HttpResponse:
    try:
        outcome = services.flash_buy_start(user=request.user, item_id=item_id,
                                           address_id=_int(request.POST.get("address_id")),
                                           idempotency_key=request.POST.get("idempotency_key", ""),
                                           quantity=_int(request.POST.get("quantity")) or 1, ip=client_ip(request))
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _back(request, item_id)
    if isinstance(outcome, FlashTicket):  # the unit is ours; a worker is placing the order: follow the ticket
        return redirect("flashsale-ticket", ticket_id=outcome.pk)
    return _to_order(request, outcome, item_id)


@login_required
def ticket_page(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """排队中: the winner's ticket until its order is placed (then straight to the order) or failed (why, and back
    to the sale). The page asks again every second (HTMX; a plain refresh without JavaScript)."""
    try:
        ticket = selectors.ticket_for_buyer(user=request.user, ticket_id=ticket_id)
    except DomainError as exc:
        raise Http404 from exc
    if ticket.status == TicketStatus.PLACED and ticket.checkout is not None:
        if request.headers.get("HX-Request"):  # the poll: HTMX follows this header with a full page load
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("flashsale-ticket", args=[ticket.pk])
            return response
        return _to_order(request, ticket.checkout, ticket.item_id)
    template = "flashsale/_ticket.html" if request.headers.get("HX-Request") else "flashsale/ticket.html"
    return render(request, template, {"t": ticket, "nav": "discover",
                                      "waiting": ticket.status in (TicketStatus.QUEUED, TicketStatus.PLACING)})


@login_required
@require_POST
def address_add(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    call_service(errors, order_services.address_create, user=request.user, name=request.POST.get("name", ""),
                 phone=request.POST.get("phone", ""), province=request.POST.get("province", ""),
                 city=request.POST.get("city", ""), district=request.POST.get("district", ""),
                 detail=request.POST.get("detail", ""))
    for e in errors:
        messages.error(request, e)
    return _back(request)


# --- merchants and operators ---------------------------------------------------------------------------------------


def _when(value: str) -> dt.datetime | None:
    try:
        naive = dt.datetime.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return timezone.make_aware(naive) if timezone.is_naive(naive) else naive


@login_required
def manage_list(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    if request.method == "POST":
        session = call_service(errors, services.session_create, user=request.user,
                               title=request.POST.get("title", ""), starts_at=_when(request.POST.get("starts_at", "")),
                               ends_at=_when(request.POST.get("ends_at", "")),
                               pay_minutes=_int(request.POST.get("pay_minutes")))
        if session is not None:
            messages.success(request, _("场次已创建，请添加秒杀商品后排期"))
            return redirect("flashsale-manage-session", session_id=session.pk)
    status = request.GET.get("status", "")
    status = status if status in SessionStatus.values else ""
    try:
        sessions = selectors.sessions_for_manager(user=request.user, status=status)
    except DomainError as exc:
        raise Http404 from exc
    page = page_of(request, sessions)
    start = timezone.localtime() + dt.timedelta(hours=1)
    return render(request, "flashsale/manage_list.html", {
        "page": page, "stats": selectors.session_stats(sessions=list(page.object_list)), "status": status,
        "statuses": SessionStatus.choices, "errors": errors, "nav": "me",
        "default_start": start.strftime("%Y-%m-%dT%H:00"),
        "default_end": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:00")},
        status=400 if errors else 200)


@login_required
def manage_session(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.session_for_manager(user=request.user, session_id=session_id)
    errors: list[str] = []
    if request.method == "POST":
        try:
            price = parse_yuan(request.POST.get("flash_price", ""), symbol=True)
        except ValueError:
            errors.append(_("请填写正确的秒杀价（元）"))
            price = 0
        if not errors:
            item = call_service(errors, services.item_add, user=request.user, session_id=session.pk,
                                sku_id=_int(request.POST.get("sku_id")), flash_price_fen=price,
                                allotment=_int(request.POST.get("allotment")),
                                per_member_limit=_int(request.POST.get("per_member_limit")) or 1)
            if item is not None:
                return redirect("flashsale-manage-session", session_id=session.pk)
    stats = selectors.session_stats(sessions=[session])[0]
    return render(request, "flashsale/manage_session.html", {
        "s": stats, "session": session, "errors": errors, "nav": "me",
        "reservations": selectors.reservations_of(session=session)[:50]}, status=400 if errors else 200)


_ACTIONS = {"schedule": services.session_schedule, "pause": services.session_pause,
            "resume": services.session_resume, "end": services.session_end}


@login_required
@require_POST
def manage_action(request: HttpRequest, session_id: int, action: str) -> HttpResponse:
    fn = _ACTIONS.get(action)
    if fn is None:
        raise Http404
    errors: list[str] = []
    kwargs: dict[str, Any] = {"reason": request.POST.get("reason", "")} if action in ("pause", "end") else {}
    if call_service(errors, fn, user=request.user, session_id=session_id, **kwargs) is not None:
        messages.success(request, _("已更新场次状态"))
    for e in errors:
        messages.error(request, e)
    return redirect("flashsale-manage-session", session_id=session_id)


@login_required
@require_POST
def manage_item_remove(request: HttpRequest, session_id: int, item_id: int) -> HttpResponse:
    errors: list[str] = []
    call_service(errors, services.item_remove, user=request.user, item_id=item_id)
    for e in errors:
        messages.error(request, e)
    return redirect("flashsale-manage-session", session_id=session_id)


@login_required
def manage_export(request: HttpRequest) -> HttpResponse:
    sessions = list(selectors.sessions_for_manager(user=request.user, status=request.GET.get("status", ""))[:2000])
    return excel.sessions_response(user=request.user, sessions=sessions)


@login_required
def manage_session_export(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.session_for_manager(user=request.user, session_id=session_id)
    return excel.session_response(user=request.user, session=session)
