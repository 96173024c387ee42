"""The demo's chat (issue 12): one member↔member conversation (the KOL and the demo member talk about a run) and
one customer-service conversation about the demo member's latest order, answered by the shop, all through the chat
services on the demo clock. The merchant's service queue (/chat/shop/) and the member's 私信 show them."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import transaction

from quanzi.chat import services as chat
from quanzi.orders import selectors as order_selectors
from quanzi.web.demo.clock import clock_at
from quanzi.web.demo.commerce import _try

if TYPE_CHECKING:
    from quanzi.accounts.models import User
    from quanzi.web.demo.build import DemoWorld
    from quanzi.web.demo.commerce import Shop


def build_chat(world: DemoWorld, rng: random.Random, named: dict[str, User], shop: Shop, now: dt.datetime,
               log: Callable[[str], None]) -> None:
    member, kol = named["member"], named["kol"]
    merchant_users = {m.pk: m.user for m in shop.merchants.values()}
    with transaction.atomic():
        with clock_at(now - dt.timedelta(hours=5)):
            direct = _try(world, "chat_conversation", chat.direct_open, sender=kol, recipient_id=member.pk)
        if direct is not None:
            for minutes, sender, body in ((300, kol, "周六早上滨江绿道 10 公里，一起吗？"),
                                          (290, member, "好呀！几点集合？"),
                                          (285, kol, "6:30 在钱塘江边的星巴克门口，记得带水")):
                with clock_at(now - dt.timedelta(minutes=minutes)):
                    _try(world, "chat_message", chat.message_send, sender=sender, conversation_id=direct.pk,
                         body=body)
        order = next((o for o in order_selectors.order_list_for_buyer(user=member)[:20]
                      if o.merchant_id in merchant_users), None)
        if order is not None:
            owner = merchant_users[order.merchant_id]
            with clock_at(now - dt.timedelta(minutes=50)):
                service = _try(world, "chat_conversation", chat.service_open, customer=member, order_id=order.pk)
            if service is not None:
                for minutes, sender, body in ((49, member, "你好，这单能改成顺丰吗？周末要用"),
                                              (40, owner, "可以的，已备注顺丰，今天下午发出"),
                                              (12, member, "太好了，谢谢！")):
                    with clock_at(now - dt.timedelta(minutes=minutes)):
                        _try(world, "chat_message", chat.message_send, sender=sender,
                             conversation_id=service.pk, body=body)
    log(f"  chat: conversations {world.counts.get('chat_conversation', 0)}, "
        f"messages {world.counts.get('chat_message', 0)}")
