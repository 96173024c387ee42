"""/api/v1/live: sessions (schedule, start, end), pinned products, comments and likes for app clients, the buy
touch and the replay's figures. The live room itself is the WebSocket `ws/live/<id>/` (consumers.py), which app
clients open with `Authorization: Bearer <token>`. Thin: each handler calls one service or selector."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from quanzi.api_auth import current_user, optional, required
from quanzi.live import selectors, services
from quanzi.live.enums import CommentStatus, SessionStatus
from quanzi.live.models import LivePin, LiveSession
from quanzi.live.schemas import (
    BuyOut,
    CommentIn,
    CommentOut,
    EndIn,
    FiguresOut,
    PinIn,
    PinOut,
    SessionIn,
    SessionOut,
)

router = Router(tags=["live 直播"])


def _session_out(session: LiveSession) -> dict[str, Any]:
    return {**{f: getattr(session, f) for f in (
        "id", "community_id", "host_id", "merchant_id", "title", "description", "stream_url", "replay_url",
        "status", "scheduled_at", "started_at", "ended_at", "like_count", "comment_count", "viewer_count",
        "peak_viewers")}, "websocket_path": f"/ws/live/{session.pk}/"}


def _pin_out(pin: LivePin) -> dict[str, Any]:
    return {"id": pin.pk, "product_id": pin.product_id, "sku_id": pin.sku_id, "title": pin.product.title,
            "price_fen": pin.sku.price_fen, "live_price_fen": pin.live_price_fen, "active": pin.active}


@router.post("/sessions", response={201: SessionOut}, auth=required)
def session_schedule(request: HttpRequest, data: SessionIn) -> tuple[int, dict[str, Any]]:
    """Schedule a session in a community (its owner, an admin or a KOL)."""
    session = services.session_schedule(user=current_user(request), community_id=data.community_id,
                                        title=data.title, stream_url=data.stream_url,
                                        scheduled_at=data.scheduled_at, description=data.description)
    return 201, _session_out(session)


@router.get("/communities/{community_id}/sessions", response=list[SessionOut], auth=optional)
def session_list(request: HttpRequest, community_id: int) -> list[dict[str, Any]]:
    return [_session_out(s) for s in selectors.session_list(community_id=community_id, user=request.user)[:50]]


@router.get("/sessions/{session_id}", response=SessionOut, auth=optional)
def session_get(request: HttpRequest, session_id: int) -> dict[str, Any]:
    return _session_out(selectors.session_get(session_id=session_id, user=request.user))


@router.post("/sessions/{session_id}/start", response=SessionOut, auth=required)
def session_start(request: HttpRequest, session_id: int) -> dict[str, Any]:
    return _session_out(services.session_start(user=current_user(request), session_id=session_id))


@router.post("/sessions/{session_id}/end", response=SessionOut, auth=required)
def session_end(request: HttpRequest, session_id: int, data: EndIn) -> dict[str, Any]:
    return _session_out(services.session_end(user=current_user(request), session_id=session_id,
                                             replay_url=data.replay_url))


@router.get("/sessions/{session_id}/pins", response=list[PinOut], auth=optional)
def pin_list(request: HttpRequest, session_id: int) -> list[dict[str, Any]]:
    session = selectors.session_get(session_id=session_id, user=request.user)
    return [_pin_out(p) for p in selectors.pins(session=session, active_only=session.status != SessionStatus.ENDED)]


@router.post("/sessions/{session_id}/pins", response={201: PinOut}, auth=required)
def pin_product(request: HttpRequest, session_id: int, data: PinIn) -> tuple[int, dict[str, Any]]:
    """Pin a product (the host): on the community's shelf, of the session's merchant when it has one."""
    pin = services.pin_product(user=current_user(request), session_id=session_id, product_id=data.product_id,
                               sku_id=data.sku_id, live_price_fen=data.live_price_fen)
    return 201, _pin_out(pin)


@router.post("/sessions/{session_id}/pins/{pin_id}/unpin", response=PinOut, auth=required)
def unpin_product(request: HttpRequest, session_id: int, pin_id: int) -> dict[str, Any]:
    pin = services.unpin_product(user=current_user(request), session_id=session_id, pin_id=pin_id)
    return _pin_out(selectors.pin_get(session=pin.session, pin_id=pin.pk))


@router.post("/sessions/{session_id}/pins/{pin_id}/buy", response=BuyOut, auth=required)
def buy(request: HttpRequest, session_id: int, pin_id: int) -> dict[str, Any]:
    """Record the buy touch (the order is credited to the session) and answer what to send to
    `POST /api/v1/orders/checkout`: the SKU and, while live, the options of the live price."""
    user = current_user(request)
    session = selectors.session_get(session_id=session_id, user=user)
    pin = selectors.pin_get(session=session, pin_id=pin_id)
    services.buy_touch(user=user, pin=pin)
    options: dict[str, object] = {}
    if session.status == SessionStatus.LIVE and pin.active and pin.live_price_fen is not None:
        options = {"campaign_id": pin.pk, "campaign_kind": "live"}
    return {"sku_id": pin.sku_id, "quantity": 1, "options": options}


@router.post("/sessions/{session_id}/comments", response={201: CommentOut}, auth=required)
def comment_post(request: HttpRequest, session_id: int, data: CommentIn) -> tuple[int, dict[str, Any]]:
    """A comment (the same as the WebSocket's `comment` frame); held by the sensitive-word filter: `held`."""
    user = current_user(request)
    comment = services.comment_post(user=user, session_id=session_id, body=data.body)
    return 201, {"id": comment.pk, "user": str(user), "body": comment.body,
                 "held": comment.status == CommentStatus.HELD}


@router.post("/sessions/{session_id}/likes", response=dict[str, int], auth=required)
def like_add(request: HttpRequest, session_id: int) -> dict[str, int]:
    return {"likes": services.like_add(user=current_user(request), session_id=session_id)}


@router.get("/sessions/{session_id}/figures", response=FiguresOut, auth=optional)
def figures(request: HttpRequest, session_id: int) -> selectors.Figures:
    return selectors.figures(session=selectors.session_get(session_id=session_id, user=request.user))
