from __future__ import annotations

from datetime import datetime
from typing import Any

from quanzi.core.schema import Schema


class DirectIn(Schema):
    user_id: int


class ServiceIn(Schema):
    merchant_id: int | None = None
    product_id: int | None = None
    order_id: int | None = None


class MessageIn(Schema):
    body: str = ""


class SettingIn(Schema):
    who_can_message: str


class BlockIn(Schema):
    user_id: int


class ReportIn(Schema):
    reason: str
    message_id: int | None = None


class ConversationOut(Schema):
    id: int
    kind: str
    title: str
    unread: int
    last_preview: str
    last_message_at: datetime | None
    merchant_id: int | None


class MessageOut(Schema):
    id: int
    conversation_id: int
    sender_id: int | None
    sender_name: str
    side: str
    kind: str
    body: str
    image_url: str
    card_type: str
    card: dict[str, Any]
    at: str


class UnreadOut(Schema):
    total: int


class SettingOut(Schema):
    who_can_message: str


class ReportOut(Schema):
    id: int
    status: str
