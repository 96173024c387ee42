"""The WebSocket of a member's notices: `ws/notify/`. Every open page of a signed-in member connects; each notice
written for them arrives as `{"type": "notice", "id", "kind", "text", "url", "unread", ...}` (the text in the
connection's language), and the page updates the bell's badge and shows a toast.

Authorization: the connection joins the group of the user of its own session or token, never one named by the
client, so a member only ever receives their own notices; an anonymous connection is closed with 4401. The
client only listens: any frame it sends is refused (`bad_message`), and a client that keeps sending is closed
with 4429 by the base consumer's rate limit."""

from __future__ import annotations

from typing import Any

from quanzi.core.realtime import QuanziJsonConsumer
from quanzi.notify.services import notice_text, user_group


class NotificationConsumer(QuanziJsonConsumer):
    login_required = True
    actions: frozenset[str] = frozenset()
    group_name = ""

    async def joined(self) -> None:
        self.group_name = user_group(self.user.pk)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.send_json({"type": "ready"})

    async def disconnect(self, code: int) -> None:
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def notify_notice(self, event: dict[str, Any]) -> None:
        notice = dict(event["notice"])
        text = notice_text(notice, self.language)
        await self.send_json({"type": "notice", "id": notice.get("id"), "kind": notice.get("kind"), "text": text,
                              "url": notice.get("url", ""), "unread": notice.get("unread", 0),
                              "created_at": notice.get("created_at", "")})
