"""Live pages: the list, the schedule form, the live page (video, comments, likes and viewers over the room's
WebSocket, pinned products with a buy button, the host's controls), and the replay with its figures. Thin: the
services and selectors decide."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.communities import selectors as community_selectors
from quanzi.core.errors import DomainError, NotFound
from quanzi.core.money import parse_yuan
from quanzi.core.pages import call_service
from quanzi.live import selectors, services
from quanzi.live.enums import SessionStatus
from quanzi.live.errors import ErrorCode, invalid_price, invalid_time
from quanzi.live.models import LiveSession


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else None


def live_list(request: HttpRequest) -> HttpResponse:
    return render(request, "live/list.html", {"sessions": selectors.sessions_visible(user=request.user),
                                              "nav": "discover"})


def _parse_local(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise invalid_time() from exc
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@login_required
def schedule(request: HttpRequest, community_id: int) -> HttpResponse:
    community = community_selectors.community_by_id(community_id=community_id)
    if community is None or not community_selectors.can_view(user=request.user, community=community):
        raise NotFound(ErrorCode.NOT_FOUND, _("社群不存在或无权查看"))
    errors: list[str] = []
    if request.method == "POST":
        try:
            when = _parse_local(request.POST.get("scheduled_at", ""))
        except DomainError as exc:
            errors.append(str(exc.message))
            when = None
        if when is not None:
            session = call_service(errors, services.session_schedule, user=request.user, community_id=community.pk,
                                   title=request.POST.get("title", ""), stream_url=request.POST.get("stream_url", ""),
                                   scheduled_at=when, description=request.POST.get("description", ""),
                                   cover=request.FILES.get("cover"))
            if session is not None:
                messages.success(request, _("直播已预告"))
                return redirect("live-page", session_id=session.pk)
    default_time = timezone.localtime(timezone.now() + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    return render(request, "live/schedule.html", {"community": community, "errors": errors,
                                                  "default_time": default_time},
                  status=400 if errors else 200)


def _page_context(request: HttpRequest, session: LiveSession) -> dict[str, Any]:
    is_host = request.user.is_authenticated and session.host_id == request.user.pk
    context: dict[str, Any] = {
        "session": session, "pins": selectors.pins(session=session, active_only=session.status != "ended"),
        "comments": selectors.recent_comments(session=session, user=request.user), "is_host": is_host,
        "nav": "discover"}
    if is_host and session.status in (SessionStatus.SCHEDULED, SessionStatus.LIVE):
        context["pinnable"] = selectors.pinnable_products(session=session)
    return context


def live_page(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get(session_id=session_id, user=request.user)
    if session.status == SessionStatus.ENDED:
        return redirect("live-replay", session_id=session.pk)
    return render(request, "live/live.html", _page_context(request, session))


def pins_fragment(request: HttpRequest, session_id: int) -> HttpResponse:
    """The pinned products (the page reloads this part when the room says a pin changed)."""
    session = selectors.session_get(session_id=session_id, user=request.user)
    return render(request, "live/_pins.html", _page_context(request, session))


def replay_page(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get(session_id=session_id, user=request.user)
    if session.status != SessionStatus.ENDED:
        return redirect("live-page", session_id=session.pk)
    return render(request, "live/replay.html", {
        "session": session, "pins": selectors.pins(session=session), "figures": selectors.figures(session=session),
        "comments": selectors.recent_comments(session=session, user=request.user, limit=30), "nav": "discover"})


@login_required
@require_POST
def host_action(request: HttpRequest, session_id: int, action: str) -> HttpResponse:
    errors: list[str] = []
    if action == "start":
        call_service(errors, services.session_start, user=request.user, session_id=session_id)
    elif action == "end":
        call_service(errors, services.session_end, user=request.user, session_id=session_id,
                     replay_url=request.POST.get("replay_url", ""))
    elif action == "cancel":
        call_service(errors, services.session_cancel, user=request.user, session_id=session_id)
    elif action == "pin":
        price_text = request.POST.get("live_price", "").strip()
        try:
            price = parse_yuan(price_text, symbol=True) if price_text else None
        except ValueError:
            errors.append(str(invalid_price().message))
        else:
            call_service(errors, services.pin_product, user=request.user, session_id=session_id,
                         product_id=_int(request.POST.get("product_id")) or 0,
                         sku_id=_int(request.POST.get("sku_id")), live_price_fen=price)
    elif action == "unpin":
        call_service(errors, services.unpin_product, user=request.user, session_id=session_id,
                     pin_id=_int(request.POST.get("pin_id")) or 0)
    else:
        raise NotFound(ErrorCode.NOT_FOUND, _("页面不存在"))
    for message in errors:
        messages.error(request, message)
    return redirect("live-page", session_id=session_id)


@login_required
@require_POST
def buy(request: HttpRequest, session_id: int, pin_id: int) -> HttpResponse:
    """The buy button of a pinned product: the touch that credits the order to the session, then the checkout of
    its SKU — at the live price while the session is live (`options.campaign_kind=live`)."""
    session = selectors.session_get(session_id=session_id, user=request.user)
    pin = selectors.pin_get(session=session, pin_id=pin_id)
    services.buy_touch(user=request.user, pin=pin)
    query: dict[str, Any] = {"sku_id": pin.sku_id, "quantity": 1}
    if session.status == SessionStatus.LIVE and pin.active and pin.live_price_fen is not None:
        query.update({"options.campaign_id": pin.pk, "options.extra.campaign_kind": "live"})
    return redirect(f"{reverse('checkout')}?{urlencode(query)}")

