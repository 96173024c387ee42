"""The conversation's WebSocket (`/ws/chat/<conversation id>/`): an open conversation page joins its channel group
and gets every new message rendered for its viewer; it may also send text and mark the conversation read.

Authorization (the base consumer's conventions, quanzi/core/realtime.py): no login → 4401; a conversation that
does not exist → 4404; someone not in it (another member, an agent of another shop) → 4403 `not_participant`;
a conversation with a block standing between its two sides → 4403 `blocked` (nothing can be said in it). A
`send` goes through `services.message_send`, the same checks as a page post: a refusal is an `error` frame with
the service's code and nothing is stored; past the flood guard the frame is `rate_limited`, and a client that
keeps going is closed with 4429 by the base consumer's own limiter."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from quanzi.chat import errors, push, selectors, services
from quanzi.chat.enums import ConversationKind, Side
from quanzi.core.realtime import QuanziJsonConsumer, database_sync_to_async


def is_mine(payload: dict[str, Any], *, side: str, user_id: int) -> bool:
    """Whether a message shows on the viewer's own side: the shop's agents all write as the shop."""
    if side == Side.MEMBER:
        return bool(payload.get("sender_id") == user_id)
    return bool(payload.get("side") == side)


def render_message(payload: dict[str, Any], *, side: str, user_id: int) -> str:
    return render_to_string("chat/_message.html", {"m": payload, "mine": is_mine(payload, side=side,
                                                                                  user_id=user_id),
                                                   "viewer_side": side})


class ConversationConsumer(QuanziJsonConsumer):
    actions = frozenset({"send", "read"})
    max_frame_chars = 6000  # a 1000-character message as JSON with escapes fits; the service bounds the text

    conversation_id: int = 0
    side: str = ""
    in_group: bool = False

    async def authorize(self) -> None:
        self.conversation_id = int(self.scope["url_route"]["kwargs"]["conversation_id"])
        self.side = await database_sync_to_async(self._authorize)()

    def _authorize(self) -> str:
        conversation = selectors.conversation_for(user=self.user, conversation_id=self.conversation_id)
        if conversation.kind == ConversationKind.SERVICE:
            assert conversation.merchant is not None and conversation.customer_id is not None
            if selectors.blocked_between(conversation.customer_id, conversation.merchant.user_id):
                raise errors.blocked()
        else:
            other = selectors.other_party_id(user=self.user, conversation=conversation)
            if other is not None and selectors.blocked_between(self.user.pk, other):
                raise errors.blocked()
        return selectors.side_of(user=self.user, conversation=conversation)

    async def joined(self) -> None:
        await self.channel_layer.group_add(push.group_name(self.conversation_id), self.channel_name)
        self.in_group = True
        await self.send_json({"type": "ready", "conversation_id": self.conversation_id})

    async def disconnect(self, code: int) -> None:
        if self.in_group:
            await self.channel_layer.group_discard(push.group_name(self.conversation_id), self.channel_name)

    async def on_send(self, content: dict[str, Any]) -> None:
        body = content.get("body")
        if not isinstance(body, str):
            raise errors.message_empty()
        message = await database_sync_to_async(services.message_send)(
            sender=self.user, conversation_id=self.conversation_id, body=body)
        # the message itself arrives through the group like everyone else's; this tells the sender it was stored
        await self.send_json({"type": "sent", "id": message.pk, "client_key": str(content.get("client_key", ""))[:40]})

    async def on_read(self, content: dict[str, Any]) -> None:
        await database_sync_to_async(services.conversation_mark_read)(user=self.user,
                                                                      conversation_id=self.conversation_id)

    async def chat_message(self, event: dict[str, Any]) -> None:
        payload = event["message"]
        with translation.override(self.language):
            html = render_message(payload, side=self.side, user_id=self.user.pk)
        await self.send_json({"type": "message", "id": payload["id"], "html": html,
                              "mine": is_mine(payload, side=self.side, user_id=self.user.pk)})

    async def chat_read(self, event: dict[str, Any]) -> None:
        if event.get("user_id") != self.user.pk:
            await self.send_json({"type": "read", "side": event.get("side", "")})
