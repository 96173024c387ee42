"""The live room's WebSocket: `ws/live/<session id>/` (the conventions and close codes: core/realtime.py).

Frames from the browser: `{"type": "comment", "body": ...}`, `{"type": "like"}`, and the host's
`{"type": "pin", "product_id": ..., "sku_id": ..., "live_price_fen": ...}` / `{"type": "unpin", "pin_id": ...}`.
Frames to the browser: `state` (on joining: online, likes, status), `comment`, `likes`, `viewers`, `pinned`,
`unpinned`, `status`, `ended` (then the room closes with 4410), `error`.
Who may join: services.room_check (anonymous 4401, an invisible community 4404, banned 4403, ended 4410).
Commenting asks the community's `post` permission on every comment (a non-member, muted or banned member gets
an `error` frame with the communities' code), so a mute takes effect at once on open connections too.
"""

from __future__ import annotations

from typing import Any

from quanzi.core.errors import InvalidInput
from quanzi.core.realtime import QuanziJsonConsumer, database_sync_to_async
from quanzi.live import services
from quanzi.live.enums import CommentStatus, SessionStatus
from quanzi.live.errors import ErrorCode
from quanzi.live.models import LiveSession


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if 0 < number < 2**53 else None


class LiveRoomConsumer(QuanziJsonConsumer):
    actions = frozenset({"comment", "like", "pin", "unpin"})
    message_rate = 2.0  # a comment or a like every half second sustained, eight at once
    message_burst = 8

    session: LiveSession | None = None

    async def authorize(self) -> None:
        session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        self.session = await database_sync_to_async(services.room_check)(user=self.user, session_id=session_id)

    async def joined(self) -> None:
        assert self.session is not None
        await self.channel_layer.group_add(self.session.group_name, self.channel_name)
        online = await database_sync_to_async(services.viewer_join)(user=self.user, session_id=self.session.pk)
        await self.send_json({"type": "state", "online": online, "likes": self.session.like_count,
                              "status": self.session.status, "host": self.session.host_id == self.user.pk})

    async def disconnect(self, code: int) -> None:
        if self.session is not None and not self.refused:
            await self.channel_layer.group_discard(self.session.group_name, self.channel_name)
            await database_sync_to_async(services.viewer_leave)(session_id=self.session.pk)

    async def room_frame(self, event: dict[str, Any]) -> None:
        """A frame a service sent to the room (services.room_send)."""
        frame = event["frame"]
        await self.send_json(frame)
        if frame.get("type") == "ended":
            self.refused = True  # nothing more is accepted; the page shows the replay link
            await self.close(code=4410)
        elif frame.get("type") == "status" and self.session is not None:
            self.session.status = SessionStatus(frame["status"])

    async def on_comment(self, content: dict[str, Any]) -> None:
        assert self.session is not None
        body = content.get("body")
        comment = await database_sync_to_async(services.comment_post)(
            user=self.user, session_id=self.session.pk, body=body if isinstance(body, str) else "")
        if comment.status != CommentStatus.VISIBLE:  # held: only its author sees it, marked as waiting for review
            await self.send_json(services.comment_frame(comment, self.user))

    async def on_like(self, content: dict[str, Any]) -> None:
        assert self.session is not None
        await database_sync_to_async(services.like_add)(user=self.user, session_id=self.session.pk)

    async def on_pin(self, content: dict[str, Any]) -> None:
        assert self.session is not None
        product_id = _int(content.get("product_id"))
        if product_id is None:
            raise InvalidInput(ErrorCode.INVALID_INPUT, "product_id")
        price = content.get("live_price_fen")
        await database_sync_to_async(services.pin_product)(
            user=self.user, session_id=self.session.pk, product_id=product_id,
            sku_id=_int(content.get("sku_id")), live_price_fen=None if price is None else (_int(price) or 0))

    async def on_unpin(self, content: dict[str, Any]) -> None:
        assert self.session is not None
        pin_id = _int(content.get("pin_id"))
        if pin_id is None:
            raise InvalidInput(ErrorCode.INVALID_INPUT, "pin_id")
        await database_sync_to_async(services.unpin_product)(user=self.user, session_id=self.session.pk,
                                                            pin_id=pin_id)
