"""Chat reads: who is in a conversation and on which side, whether someone may write, the lists (a member's
conversations, a shop's queue), the messages, and the unread total of the site's top bar."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet, Sum

from quanzi.accounts import selectors as account_selectors
from quanzi.catalog import selectors as catalog_selectors
from quanzi.chat import errors, rules
from quanzi.chat.enums import ConversationKind, QueueFilter, Side, WhoCanMessage
from quanzi.chat.models import Block, ChatSetting, Conversation, Message, Participant, ServiceAgent
from quanzi.chat.payloads import message_payload
from quanzi.core.errors import DomainError

if TYPE_CHECKING:
    import datetime as dt

    from quanzi.accounts.models import User
    from quanzi.catalog.models import Merchant


def _authenticated(user: Any) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def is_agent(*, user: Any, merchant: Merchant) -> bool:
    """The merchant's own account, or one of the shop's customer-service agents."""
    if not _authenticated(user):
        return False
    return merchant.user_id == user.pk or ServiceAgent.objects.filter(merchant=merchant, user=user).exists()


def agent_merchant_ids_q(user: Any) -> Q:
    """Conversations of the shops `user` answers for (as the owner or an agent), as a filter on Conversation."""
    return Q(merchant__user=user) | Q(merchant__in=ServiceAgent.objects.filter(user=user).values("merchant_id"))


def blocked_between(a: int, b: int) -> bool:
    return Block.objects.filter(Q(blocker_id=a, blocked_id=b) | Q(blocker_id=b, blocked_id=a)).exists()


def block_exists(*, blocker_id: int, target_id: int) -> bool:
    return Block.objects.filter(blocker_id=blocker_id, blocked_id=target_id).exists()


def blocked_list(*, user: User) -> QuerySet[Block]:
    return Block.objects.filter(blocker=user).select_related("blocked").order_by("-id")


def who_can_message(*, user: Any) -> str:
    row = ChatSetting.objects.filter(user_id=getattr(user, "pk", user)).values_list("who_can_message",
                                                                                    flat=True).first()
    return row or WhoCanMessage.EVERYONE


def check_direct_allowed(*, sender: User, recipient: User, replying: bool) -> None:
    """Raise unless `sender` may write to `recipient`: no block either way, and the recipient's setting allows it
    (everyone / people the recipient follows / nobody) — unless the recipient has written in this conversation
    themselves (`replying`): an answer to someone who wrote to you always goes through."""
    if blocked_between(sender.pk, recipient.pk):
        raise errors.blocked()
    if replying:
        return
    setting = who_can_message(user=recipient)
    if setting == WhoCanMessage.NOBODY:
        raise errors.not_accepting()
    if setting == WhoCanMessage.FOLLOWING and not account_selectors.is_following(follower=recipient,
                                                                                 followee_id=sender.pk):
        raise errors.not_accepting()


def may_message(*, sender: Any, recipient_id: int) -> bool:
    """Whether a 私信 button to `recipient_id` would work for `sender` (a profile page's button)."""
    if not _authenticated(sender) or sender.pk == recipient_id:
        return False
    recipient = account_selectors.user_get(user_id=recipient_id)
    if recipient is None:
        return False
    key = ":".join(str(i) for i in sorted((sender.pk, recipient_id)))
    conversation = Conversation.objects.filter(direct_key=key).first()
    try:
        if conversation is not None:
            check_may_write(user=sender, conversation=conversation)
        else:
            check_direct_allowed(sender=sender, recipient=recipient, replying=False)
    except DomainError:
        return False
    return True


def conversation_for(*, user: Any, conversation_id: int) -> Conversation:
    """The conversation, if `user` is in it: 404 `conversation_not_found` when there is none, 403
    `not_participant` when it is someone else's."""
    if not _authenticated(user):
        raise errors.not_authenticated()
    conversation = (Conversation.objects.select_related("merchant", "customer", "assigned_to")
                    .filter(pk=conversation_id).first())
    if conversation is None:
        raise errors.conversation_not_found()
    if conversation.kind == ConversationKind.DIRECT:
        inside = Participant.objects.filter(conversation=conversation, user=user).exists()
    else:
        inside = conversation.customer_id == user.pk or (
            conversation.merchant is not None and is_agent(user=user, merchant=conversation.merchant))
    if not inside:
        raise errors.not_participant()
    return conversation


def side_of(*, user: Any, conversation: Conversation) -> str:
    if conversation.kind == ConversationKind.DIRECT:
        return Side.MEMBER
    return Side.CUSTOMER if conversation.customer_id == user.pk else Side.SHOP


def other_party_id(*, user: Any, conversation: Conversation) -> int | None:
    if conversation.kind == ConversationKind.SERVICE:
        return conversation.merchant.user_id if conversation.customer_id == user.pk and conversation.merchant \
            else conversation.customer_id
    return (Participant.objects.filter(conversation=conversation).exclude(user=user)
            .values_list("user_id", flat=True).first())


def check_may_write(*, user: Any, conversation: Conversation) -> str:
    """Raise unless `user` (already known to be in it) may write in `conversation` now; the side they write as."""
    side = side_of(user=user, conversation=conversation)
    if conversation.kind == ConversationKind.SERVICE:
        assert conversation.merchant is not None and conversation.customer_id is not None
        if blocked_between(conversation.customer_id, conversation.merchant.user_id):
            raise errors.blocked()
        return side
    other_id = other_party_id(user=user, conversation=conversation)
    other = account_selectors.user_get(user_id=other_id) if other_id else None
    if other is None:
        raise errors.user_not_found()
    replying = Message.objects.filter(conversation=conversation, sender=other).exists()
    check_direct_allowed(sender=user, recipient=other, replying=replying)
    return side


# --- lists -------------------------------------------------------------------------------------------------------


@dataclass
class ConversationRow:
    conversation: Conversation
    title: str
    subtitle: str
    unread: int
    preview: str
    at: dt.datetime | None
    avatar: str

    @property
    def url(self) -> str:
        return f"/chat/c/{self.conversation.pk}/"


def conversation_list(*, user: User) -> list[ConversationRow]:
    """The member's conversations (direct ones, and customer service as the buyer), latest first."""
    parts = list(Participant.objects.filter(user=user).select_related("conversation__merchant")
                 .order_by("-conversation__last_message_at", "-conversation_id")[:200])
    direct_ids = [p.conversation_id for p in parts if p.conversation.kind == ConversationKind.DIRECT]
    others = {p.conversation_id: p.user for p in Participant.objects.filter(conversation_id__in=direct_ids)
              .exclude(user=user).select_related("user")}
    rows = []
    for p in parts:
        c = p.conversation
        if c.kind == ConversationKind.DIRECT:
            other = others.get(c.pk)
            if c.last_message_at is None and other is not None:
                continue  # opened but never written in: not a conversation yet
            title, sub = (str(other) if other else "?"), ""
            avatar = other.avatar.url if other is not None and other.avatar else ""
        else:
            title, sub, avatar = (c.merchant.business_name if c.merchant else "?"), str(_kind_label()), ""
        rows.append(ConversationRow(conversation=c, title=title, subtitle=sub, unread=p.unread,
                                    preview=c.last_preview, at=c.last_message_at, avatar=avatar))
    return rows


def _kind_label() -> Any:
    return ConversationKind.SERVICE.label


def merchants_served(*, user: Any) -> list[Merchant]:
    """The shops whose customer service `user` answers (their own shop first)."""
    if not _authenticated(user):
        return []
    from_agent = [a.merchant for a in ServiceAgent.objects.filter(user=user).select_related("merchant")]
    mine = catalog_selectors.merchant_get_for_user(user=user)
    own = [mine] if mine is not None else []
    return own + [m for m in from_agent if m.pk not in {o.pk for o in own}]


def shop_queue(*, user: User, merchant: Merchant, which: str = QueueFilter.UNASSIGNED) -> QuerySet[Conversation]:
    """A shop's customer-service conversations: waiting for an agent, this agent's, or all; latest first."""
    if not is_agent(user=user, merchant=merchant):
        raise errors.not_agent()
    qs = (Conversation.objects.filter(kind=ConversationKind.SERVICE, merchant=merchant, last_message_at__isnull=False)
          .select_related("customer", "assigned_to"))
    if which == QueueFilter.UNASSIGNED:
        qs = qs.filter(assigned_to__isnull=True)
    elif which == QueueFilter.MINE:
        qs = qs.filter(assigned_to=user)
    return qs.order_by("-last_message_at", "-id")


def queue_counts(*, user: User, merchant: Merchant) -> dict[str, int]:
    base = Conversation.objects.filter(kind=ConversationKind.SERVICE, merchant=merchant,
                                       last_message_at__isnull=False)
    return {
        QueueFilter.UNASSIGNED: base.filter(assigned_to__isnull=True).count(),
        QueueFilter.MINE: base.filter(assigned_to=user).count(),
        QueueFilter.ALL: base.count(),
    }


def agents_of(*, merchant: Merchant) -> list[Any]:
    """Who answers the shop: its owner, then its agents."""
    staff = [a.user for a in ServiceAgent.objects.filter(merchant=merchant).select_related("user").order_by("id")]
    return [merchant.user, *staff]


def unread_total(*, user: Any) -> int:
    """The top bar's badge: unread messages of the member's own conversations, plus those of the customer-service
    conversations of the shops they answer for that wait for them (unassigned or assigned to them). One query."""
    if not _authenticated(user):
        return 0
    own = Participant.objects.filter(user=user, unread__gt=0).values_list("unread")
    shop = (Conversation.objects.filter(agent_merchant_ids_q(user), kind=ConversationKind.SERVICE, shop_unread__gt=0)
            .filter(Q(assigned_to__isnull=True) | Q(assigned_to=user)).values_list("shop_unread"))
    return sum(n for (n,) in own.union(shop, all=True))


def unread_in(*, user: User, conversation: Conversation) -> int:
    if side_of(user=user, conversation=conversation) == Side.SHOP:
        return conversation.shop_unread
    total = Participant.objects.filter(conversation=conversation, user=user).aggregate(n=Sum("unread"))["n"]
    return int(total or 0)


def messages_of(*, conversation: Conversation, after_id: int | None = None,
                limit: int | None = None) -> list[dict[str, Any]]:
    """The last `limit` messages (oldest first), or those after `after_id` (a page catching up), as payloads."""
    qs = Message.objects.filter(conversation=conversation).select_related("sender")
    if after_id is not None:
        rows = list(qs.filter(pk__gt=after_id).order_by("id")[: limit or rules.conf("PAGE")])
    else:
        rows = list(qs.order_by("-id")[: limit or rules.conf("PAGE")])[::-1]
    return [message_payload(m) for m in rows]


def message_for_image(*, user: Any, message_id: int) -> Message:
    """An image message the viewer may see (they are in its conversation)."""
    message = Message.objects.filter(pk=message_id).first()
    if message is None or not message.image:
        raise errors.message_not_found()
    conversation_for(user=user, conversation_id=message.conversation_id)
    return message
