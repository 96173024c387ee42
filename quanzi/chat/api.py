"""/api/v1/chat: conversations (direct, and customer service from a shop, a product or an order), messages, read
marks, the unread total, the member's "who can message me", blocks and reports. Real time is the WebSocket
`/ws/chat/<conversation id>/` (quanzi/chat/consumers.py). Thin: parse, call one service or selector, return a
schema."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Router, Status
from ninja.files import UploadedFile

from quanzi.api_auth import current_user, required
from quanzi.chat import selectors, services
from quanzi.chat.models import Conversation
from quanzi.chat.payloads import message_payload
from quanzi.chat.schemas import (
    BlockIn,
    ConversationOut,
    DirectIn,
    MessageIn,
    MessageOut,
    ReportIn,
    ReportOut,
    ServiceIn,
    SettingIn,
    SettingOut,
    UnreadOut,
)

router = Router(tags=["chat 私信与客服"], auth=required)


def _conversation_out(conversation: Conversation, user: Any) -> dict[str, Any]:
    title = conversation.merchant.business_name if conversation.merchant and conversation.customer_id == user.pk \
        else ""
    if not title:
        other_id = selectors.other_party_id(user=user, conversation=conversation)
        title = str(conversation.customer) if conversation.customer_id and conversation.customer_id != user.pk \
            else str(other_id or "")
    return {"id": conversation.pk, "kind": conversation.kind, "title": title,
            "unread": selectors.unread_in(user=user, conversation=conversation),
            "last_preview": conversation.last_preview, "last_message_at": conversation.last_message_at,
            "merchant_id": conversation.merchant_id}


@router.get("/conversations", response=list[ConversationOut])
def conversation_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The member's conversations, latest first (a shop's queue is the page /chat/shop/)."""
    return [{"id": r.conversation.pk, "kind": r.conversation.kind, "title": r.title, "unread": r.unread,
             "last_preview": r.preview, "last_message_at": r.at, "merchant_id": r.conversation.merchant_id}
            for r in selectors.conversation_list(user=current_user(request))]


@router.get("/unread", response=UnreadOut)
def unread(request: HttpRequest) -> dict[str, int]:
    return {"total": selectors.unread_total(user=current_user(request))}


@router.post("/conversations/direct", response=ConversationOut)
def direct_open(request: HttpRequest, data: DirectIn) -> dict[str, Any]:
    user = current_user(request)
    return _conversation_out(services.direct_open(sender=user, recipient_id=data.user_id), user)


@router.post("/conversations/service", response=ConversationOut)
def service_open(request: HttpRequest, data: ServiceIn) -> dict[str, Any]:
    user = current_user(request)
    conversation = services.service_open(customer=user, merchant_id=data.merchant_id, product_id=data.product_id,
                                         order_id=data.order_id)
    return _conversation_out(selectors.conversation_for(user=user, conversation_id=conversation.pk), user)


@router.get("/conversations/{conversation_id}/messages", response=list[MessageOut])
def messages(request: HttpRequest, conversation_id: int, after: int | None = None) -> list[dict[str, Any]]:
    conversation = selectors.conversation_for(user=current_user(request), conversation_id=conversation_id)
    return selectors.messages_of(conversation=conversation, after_id=after)


@router.post("/conversations/{conversation_id}/messages", response={201: MessageOut})
def message_send(request: HttpRequest, conversation_id: int, data: MessageIn) -> Status:
    user = current_user(request)
    message = services.message_send(sender=user, conversation_id=conversation_id, body=data.body)
    return Status(201, _message_out(message))


@router.post("/conversations/{conversation_id}/images", response={201: MessageOut})
def image_send(request: HttpRequest, conversation_id: int, image: UploadedFile = File(...)) -> Status:  # noqa: B008
    user = current_user(request)
    message = services.message_send(sender=user, conversation_id=conversation_id,
                                    body=request.POST.get("body", ""), image=image)
    return Status(201, _message_out(message))


def _message_out(message: Any) -> dict[str, Any]:
    return message_payload(message)


@router.post("/conversations/{conversation_id}/read", response={204: None})
def read(request: HttpRequest, conversation_id: int) -> Status:
    services.conversation_mark_read(user=current_user(request), conversation_id=conversation_id)
    return Status(204, None)


@router.post("/conversations/{conversation_id}/report", response={201: ReportOut})
def report(request: HttpRequest, conversation_id: int, data: ReportIn) -> Status:
    row = services.report_create(reporter=current_user(request), conversation_id=conversation_id,
                                 reason=data.reason, message_id=data.message_id)
    return Status(201, {"id": row.pk, "status": row.status})


@router.get("/settings", response=SettingOut)
def setting_get(request: HttpRequest) -> dict[str, str]:
    return {"who_can_message": selectors.who_can_message(user=current_user(request))}


@router.put("/settings", response=SettingOut)
def setting_set(request: HttpRequest, data: SettingIn) -> dict[str, str]:
    row = services.setting_set(user=current_user(request), who_can_message=data.who_can_message)
    return {"who_can_message": row.who_can_message}


@router.post("/blocks", response={204: None})
def block(request: HttpRequest, data: BlockIn) -> Status:
    services.block(user=current_user(request), target_id=data.user_id)
    return Status(204, None)


@router.delete("/blocks/{user_id}", response={204: None})
def unblock(request: HttpRequest, user_id: int) -> Status:
    services.unblock(user=current_user(request), target_id=user_id)
    return Status(204, None)
