"""Real-time delivery: after a message commits, it is sent to the conversation's channel group; every open
conversation page (one consumer per browser tab, `consumers.ConversationConsumer`) is in that group and renders it
for its viewer. Without a channel layer configured (a management command, some tests) nothing is pushed and the
pages still show every message from the database."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from quanzi.core.realtime import group_send

log = logging.getLogger(__name__)


def group_name(conversation_id: int) -> str:
    return f"chat.conversation.{conversation_id}"


def _send(conversation_id: int, event: dict[str, Any]) -> None:
    try:
        group_send(group_name(conversation_id), event)
    except Exception:  # the message is stored: a failed push (Redis away) only means it shows on the next read
        log.exception("chat: push to conversation %s failed", conversation_id)


def message_created(conversation_id: int, payload: dict[str, Any]) -> None:
    """Push after the commit of the transaction that stored the message (never a message that rolled back)."""
    transaction.on_commit(lambda: _send(conversation_id, {"type": "chat.message", "message": payload}))


def conversation_read(conversation_id: int, *, side: str, user_id: int) -> None:
    transaction.on_commit(lambda: _send(conversation_id, {"type": "chat.read", "side": side, "user_id": user_id}))
