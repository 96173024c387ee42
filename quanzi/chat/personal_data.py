"""Chat's part of a member's personal data (core/personal_data.py), registered in `ChatConfig.ready()`.

Export: the member's setting, blocks, the conversations they are in and every message they wrote (text, the image
file's name, cards), and the reports they filed. Deletion: what they wrote is erased — text emptied, images
deleted, the sender link cut (the other side's history shows "消息已删除") — their setting, blocks, agent roles and
places in conversations go; the other side's messages stay theirs (and a shop's answers are its business record)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from quanzi.chat.models import (
    Block,
    ChatReport,
    ChatSetting,
    Conversation,
    Message,
    Participant,
    ServiceAgent,
)
from quanzi.core import personal_data


def export_chat(user_id: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for setting in personal_data.rows_of(ChatSetting.objects.filter(user_id=user_id)):
        rows.append({"record": "setting", **setting})
    for blocked in personal_data.rows_of(Block.objects.filter(blocker_id=user_id)):
        rows.append({"record": "block", **blocked})
    conversation_ids = set(Participant.objects.filter(user_id=user_id).values_list("conversation_id", flat=True))
    for conversation in personal_data.rows_of(Conversation.objects.filter(pk__in=conversation_ids)):
        rows.append({"record": "conversation", **conversation})
    for message in personal_data.rows_of(Message.objects.filter(sender_id=user_id)):
        rows.append({"record": "message", **message})
    for report in personal_data.rows_of(ChatReport.objects.filter(reporter_id=user_id)):
        rows.append({"record": "report", **report})
    for agent in personal_data.rows_of(ServiceAgent.objects.filter(user_id=user_id)):
        rows.append({"record": "service_agent", **agent})
    return rows


@transaction.atomic
def erase_chat(user_id: int) -> None:
    for message in Message.objects.filter(sender_id=user_id).exclude(image=""):
        message.image.delete(save=False)
    Message.objects.filter(sender_id=user_id).update(body="", image="", card={}, sender=None)
    ChatSetting.objects.filter(user_id=user_id).delete()
    Block.objects.filter(blocker_id=user_id).delete()
    Block.objects.filter(blocked_id=user_id).delete()
    Conversation.objects.filter(assigned_to_id=user_id).update(assigned_to=None)
    ServiceAgent.objects.filter(user_id=user_id).delete()
    Participant.objects.filter(user_id=user_id).delete()
    ChatReport.objects.filter(reporter_id=user_id).delete()


def register() -> None:
    personal_data.register("chat", export=export_chat, erase=erase_chat, erase_order=60,
                           models=("chat.ChatSetting", "chat.Block", "chat.ServiceAgent", "chat.Participant",
                                   "chat.Message", "chat.ChatReport", "chat.Conversation"))
