"""A message as the pages, the API and the WebSocket see it: one plain dict built once, so the page render, the
HTMX fragment and the real-time push show exactly the same thing (the template is `chat/_message.html`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone

from quanzi.chat.enums import MessageKind
from quanzi.core.timeutil import SHANGHAI

if TYPE_CHECKING:
    from quanzi.chat.models import Message


def image_url(message_id: int) -> str:
    # served by chat's own view, which checks the viewer is in the conversation (views.message_image)
    return f"/chat/images/{message_id}/"


def message_payload(message: Message, *, sender_name: str | None = None) -> dict[str, Any]:
    created = message.created_at or timezone.now()
    if sender_name is None:
        sender_name = str(message.sender) if message.sender_id else ""
    return {
        "id": message.pk,
        "conversation_id": message.conversation_id,
        "sender_id": message.sender_id,
        "sender_name": sender_name,
        "side": message.side,
        "kind": message.kind,
        "body": message.body,
        "image_url": image_url(message.pk) if message.kind == MessageKind.IMAGE and message.image else "",
        "card_type": message.card_type,
        "card": dict(message.card or {}),
        "at": created.isoformat(),
        "time": created.astimezone(SHANGHAI).strftime("%m-%d %H:%M"),
    }
