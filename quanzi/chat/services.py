"""Chat writes: settings, blocks, opening conversations (direct, or customer service from a product or an order),
sending messages, reading, assignment in the shop's queue, the shop's agents, and reports.

Every refusal raises before anything is written (a validation, permission, then the flood guard), so a refused
message stores nothing and pushes nothing. Counters move by conditional updates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.accounts import selectors as account_selectors
from quanzi.catalog import selectors as catalog_selectors
from quanzi.catalog.enums import MerchantStatus
from quanzi.chat import errors, push, rules, selectors
from quanzi.chat.enums import CardType, ConversationKind, MessageKind, ReportStatus, Side, WhoCanMessage
from quanzi.chat.models import (
    Block,
    ChatReport,
    ChatSetting,
    Conversation,
    Message,
    Participant,
    ServiceAgent,
)
from quanzi.chat.payloads import message_payload
from quanzi.core.errors import DomainError
from quanzi.core.events import track
from quanzi.core.images import clean_image
from quanzi.orders import selectors as order_selectors

if TYPE_CHECKING:
    from quanzi.accounts.models import User


def _require_user(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise errors.not_authenticated()


# --- settings and blocks -------------------------------------------------------------------------------------------


def setting_set(*, user: User, who_can_message: str) -> ChatSetting:
    _require_user(user)
    if who_can_message not in WhoCanMessage.values:
        raise errors.invalid_setting()
    row, _created = ChatSetting.objects.update_or_create(user=user, defaults={"who_can_message": who_can_message})
    track("chat.setting", user=user, who_can_message=who_can_message)
    return row


def block(*, user: User, target_id: int) -> Block:
    _require_user(user)
    if target_id == user.pk:
        raise errors.cannot_message_self()
    if account_selectors.user_get(user_id=target_id, include_inactive=True) is None:
        raise errors.user_not_found()
    row, created = Block.objects.get_or_create(blocker=user, blocked_id=target_id)
    if created:
        track("chat.block", user=user, blocked_id=target_id, on=True)
    return row


def unblock(*, user: User, target_id: int) -> None:
    _require_user(user)
    if Block.objects.filter(blocker=user, blocked_id=target_id).delete()[0]:
        track("chat.block", user=user, blocked_id=target_id, on=False)


def conversation_block(*, user: User, conversation_id: int, on: bool) -> bool:
    """Block (or unblock) the other side of a conversation: a member the other member, a buyer the shop, and an
    agent the buyer on the shop's behalf (the block is the shop owner's, so it holds for every agent)."""
    _require_user(user)
    conversation = selectors.conversation_for(user=user, conversation_id=conversation_id)
    side = selectors.side_of(user=user, conversation=conversation)
    if side == Side.SHOP:
        assert conversation.merchant is not None and conversation.customer_id is not None
        blocker_id, target_id = conversation.merchant.user_id, conversation.customer_id
    else:
        blocker_id = user.pk
        target_id = selectors.other_party_id(user=user, conversation=conversation) or 0
    if on:
        _row, created = Block.objects.get_or_create(blocker_id=blocker_id, blocked_id=target_id)
    else:
        created = bool(Block.objects.filter(blocker_id=blocker_id, blocked_id=target_id).delete()[0])
    if created:
        track("chat.block", user=user, blocked_id=target_id, on=on)
    return True


# --- opening conversations -----------------------------------------------------------------------------------------


def _direct_key(a: int, b: int) -> str:
    low, high = sorted((a, b))
    return f"{low}:{high}"


def direct_open(*, sender: User, recipient_id: int) -> Conversation:
    """The direct conversation of the two members, created on first use. Refused (nothing created) when the
    recipient does not accept the sender's messages, or a block stands either way."""
    _require_user(sender)
    if recipient_id == sender.pk:
        raise errors.cannot_message_self()
    recipient = account_selectors.user_get(user_id=recipient_id)
    if recipient is None:
        raise errors.user_not_found()
    key = _direct_key(sender.pk, recipient.pk)
    existing = Conversation.objects.filter(direct_key=key).first()
    if existing is not None:
        selectors.check_may_write(user=sender, conversation=existing)
        return existing
    selectors.check_direct_allowed(sender=sender, recipient=recipient, replying=False)
    rules.new_direct_allowed(sender.pk)
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(kind=ConversationKind.DIRECT, direct_key=key)
            Participant.objects.bulk_create([Participant(conversation=conversation, user_id=sender.pk),
                                             Participant(conversation=conversation, user_id=recipient.pk)])
            track("chat.open", user=sender, obj=conversation, kind=ConversationKind.DIRECT.value)
    except IntegrityError:  # the other member opened it at the same moment
        conversation = Conversation.objects.get(direct_key=key)
    return conversation


def _card_of_product(customer: User, product_id: int) -> tuple[int, dict[str, Any]]:
    try:
        product = catalog_selectors.product_get(product_id=product_id, user=customer)
    except DomainError as exc:
        raise errors.card_not_found() from exc
    prices = catalog_selectors.price_range(product=product)
    images = list(product.images.all()[:1])
    return product.merchant_id, {
        "title": product.title, "price_fen": prices[0] if prices else None,
        "image": images[0].image.url if images and images[0].image else "", "url": f"/shop/p/{product.pk}/"}


def _card_of_order(customer: User, order_id: int) -> tuple[int, dict[str, Any]]:
    try:
        order = order_selectors.order_get_for_buyer(user=customer, order_id=order_id)
    except DomainError as exc:
        raise errors.card_not_found() from exc
    lines = list(order.lines.all())
    return order.merchant_id, {
        "number": order.number, "payable_fen": order.payable_fen, "status": order_selectors.order_status_now(order),
        "title": lines[0].title if lines else "", "lines": len(lines), "url": f"/orders/{order.pk}/"}


def service_open(*, customer: User, merchant_id: int | None = None, product_id: int | None = None,
                 order_id: int | None = None) -> Conversation:
    """Customer service with a shop (联系商家 / 联系客服): from a product or an order page the conversation gets a
    card of it (unless the last card already is it). One conversation per (shop, buyer)."""
    _require_user(customer)
    card_type, card_id, card = "", None, None
    if order_id is not None:
        merchant_id, card = _card_of_order(customer, order_id)
        card_type, card_id = CardType.ORDER, order_id
    elif product_id is not None:
        merchant_id, card = _card_of_product(customer, product_id)
        card_type, card_id = CardType.PRODUCT, product_id
    merchant = catalog_selectors.merchant_find(merchant_id=merchant_id) if merchant_id else None
    if merchant is None or merchant.is_platform or (
            merchant.status != MerchantStatus.APPROVED and card_type != CardType.ORDER):
        raise errors.merchant_not_found()  # a suspended shop still answers about the orders it sold
    if selectors.is_agent(user=customer, merchant=merchant):
        raise errors.cannot_message_self()
    if selectors.blocked_between(customer.pk, merchant.user_id):
        raise errors.blocked()
    with transaction.atomic():
        conversation = Conversation.objects.filter(kind=ConversationKind.SERVICE, merchant=merchant,
                                                   customer=customer).first()
        if conversation is None:
            try:
                with transaction.atomic():
                    conversation = Conversation.objects.create(kind=ConversationKind.SERVICE, merchant=merchant,
                                                               customer=customer)
                    Participant.objects.create(conversation=conversation, user=customer)
            except IntegrityError:
                conversation = Conversation.objects.get(kind=ConversationKind.SERVICE, merchant=merchant,
                                                        customer=customer)
        if card is not None:
            last = conversation.messages.filter(kind=MessageKind.CARD).order_by("-id").first()
            if last is None or (last.card_type, last.card_id) != (card_type, card_id):
                message = Message.objects.create(conversation=conversation, sender=customer, side=Side.CUSTOMER,
                                                 kind=MessageKind.CARD, card_type=card_type, card_id=card_id,
                                                 card=card)
                Conversation.objects.filter(pk=conversation.pk).update(
                    last_message_at=message.created_at, last_preview=_card_preview(card_type, card))
                push.message_created(conversation.pk, message_payload(message, sender_name=str(customer)))
        track("chat.open", user=customer, obj=conversation, kind=ConversationKind.SERVICE.value,
              card_type=card_type or None)
    return conversation


def _card_preview(card_type: str, card: dict[str, Any]) -> str:
    if card_type == CardType.ORDER:
        return rules.preview(_("[订单] %(n)s") % {"n": card.get("number", "")})
    return rules.preview(_("[商品] %(t)s") % {"t": card.get("title", "")})


# --- messages ------------------------------------------------------------------------------------------------------


@transaction.atomic
def message_send(*, sender: User, conversation_id: int, body: str = "", image: Any = None) -> Message:
    """Store one message (text and/or an image: an image with a caption is one image message) and push it to the
    conversation's open pages after the commit. Refusals: not logged in, no such conversation, not in it, a block,
    the receiver does not accept it, empty, too long, control characters, a bad image, flooding."""
    _require_user(sender)
    conversation = selectors.conversation_for(user=sender, conversation_id=conversation_id)
    text = rules.clean_body(body)
    if not text and not image:
        raise errors.message_empty()
    side = selectors.check_may_write(user=sender, conversation=conversation)
    cleaned = clean_image(image) if image else None
    rules.message_allowed(sender.pk)
    message = Message.objects.create(conversation=conversation, sender=sender, side=side, body=text,
                                     kind=MessageKind.IMAGE if cleaned else MessageKind.TEXT)
    if cleaned is not None:
        message.image.save(str(cleaned.name), cleaned, save=True)
    preview = rules.preview(text) if text else _("[图片]")
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=message.created_at, last_preview=preview)
    others = Participant.objects.filter(conversation=conversation).exclude(user=sender)
    others.update(unread=F("unread") + 1)
    Participant.objects.filter(conversation=conversation, user=sender).update(unread=0,
                                                                               last_read_at=message.created_at)
    if conversation.kind == ConversationKind.SERVICE:
        if side == Side.CUSTOMER:
            Conversation.objects.filter(pk=conversation.pk).update(shop_unread=F("shop_unread") + 1)
        else:  # the shop answered: it has read the conversation, and an unassigned one is now this agent's
            Conversation.objects.filter(pk=conversation.pk).update(shop_unread=0)
            Conversation.objects.filter(pk=conversation.pk, assigned_to__isnull=True).update(assigned_to=sender)
    track("chat.message", user=sender, obj=message, conversation_kind=conversation.kind, side=side,
          kind=message.kind)
    push.message_created(conversation.pk, message_payload(message, sender_name=str(sender)))
    return message


def conversation_mark_read(*, user: User, conversation_id: int) -> None:
    """The viewer has seen everything in it: their counter (or, on the shop's side, the shop's) goes to 0."""
    _require_user(user)
    conversation = selectors.conversation_for(user=user, conversation_id=conversation_id)
    side = selectors.side_of(user=user, conversation=conversation)
    if side == Side.SHOP:
        changed = Conversation.objects.filter(pk=conversation.pk, shop_unread__gt=0).update(shop_unread=0)
    else:
        changed = Participant.objects.filter(conversation=conversation, user=user).exclude(
            unread=0, last_read_at__isnull=False).update(unread=0, last_read_at=timezone.now())
    if changed:
        push.conversation_read(conversation.pk, side=side, user_id=user.pk)


# --- the shop's side: assignment and agents ------------------------------------------------------------------------


@transaction.atomic
def conversation_assign(*, actor: User, conversation_id: int, agent_id: int | None) -> Conversation:
    """Give a customer-service conversation to one of the shop's agents (None: back to the unassigned queue).
    The owner assigns to anyone of the shop; an agent takes an unassigned one for themselves or gives back theirs."""
    _require_user(actor)
    conversation = selectors.conversation_for(user=actor, conversation_id=conversation_id)
    merchant = conversation.merchant
    if conversation.kind != ConversationKind.SERVICE or merchant is None \
            or not selectors.is_agent(user=actor, merchant=merchant):
        raise errors.not_agent()
    if agent_id is not None:
        agent = account_selectors.user_get(user_id=agent_id)
        if agent is None or not selectors.is_agent(user=agent, merchant=merchant):
            raise errors.not_agent()
    is_owner = merchant.user_id == actor.pk
    if not is_owner:
        taking = agent_id == actor.pk and conversation.assigned_to_id in (None, actor.pk)
        releasing = agent_id is None and conversation.assigned_to_id == actor.pk
        if not (taking or releasing):
            raise errors.not_agent()
    Conversation.objects.filter(pk=conversation.pk).update(assigned_to_id=agent_id)
    conversation.assigned_to_id = agent_id
    track("chat.assign", user=actor, obj=conversation, agent_id=agent_id)
    return conversation


def agent_add(*, owner: User, user_id: int) -> ServiceAgent:
    """The merchant's owner adds a member as a customer-service agent of the shop."""
    _require_user(owner)
    merchant = catalog_selectors.merchant_get_for_user(user=owner)
    if merchant is None:
        raise errors.not_agent()
    if user_id == owner.pk:
        raise errors.agent_exists()
    if account_selectors.user_get(user_id=user_id) is None:
        raise errors.user_not_found()
    row, created = ServiceAgent.objects.get_or_create(merchant=merchant, user_id=user_id)
    if not created:
        raise errors.agent_exists()
    track("chat.agent", user=owner, obj=row, on=True)
    return row


@transaction.atomic
def agent_remove(*, owner: User, user_id: int) -> None:
    _require_user(owner)
    merchant = catalog_selectors.merchant_get_for_user(user=owner)
    if merchant is None:
        raise errors.not_agent()
    row = ServiceAgent.objects.filter(merchant=merchant, user_id=user_id).first()
    if row is None:
        raise errors.user_not_found()
    track("chat.agent", user=owner, obj=row, on=False)
    row.delete()
    # their conversations go back to the queue
    Conversation.objects.filter(merchant=merchant, assigned_to_id=user_id).update(assigned_to=None)


# --- reports -------------------------------------------------------------------------------------------------------


def report_create(*, reporter: User, conversation_id: int, reason: str, message_id: int | None = None) -> ChatReport:
    """Report a conversation (or one message in it) to the platform's operators."""
    _require_user(reporter)
    conversation = selectors.conversation_for(user=reporter, conversation_id=conversation_id)
    reason = " ".join((reason or "").split())
    if not reason or len(reason) > 200:
        raise errors.invalid_reason()
    message = None
    if message_id is not None:
        message = Message.objects.filter(pk=message_id, conversation=conversation).first()
        if message is None:
            raise errors.message_not_found()
    if ChatReport.objects.filter(reporter=reporter, conversation=conversation, status=ReportStatus.OPEN).exists():
        raise errors.already_reported()
    reported = message.sender_id if message is not None and message.sender_id != reporter.pk else \
        selectors.other_party_id(user=reporter, conversation=conversation)
    report = ChatReport.objects.create(reporter=reporter, conversation=conversation, message=message,
                                       reported_user_id=reported, reason=reason)
    track("chat.report", user=reporter, obj=report)
    return report


def report_close(*, operator: User, report_id: int, resolved: bool, note: str = "") -> ChatReport:
    """An operator closes a report (the back office's actions): resolved (acted on) or dismissed."""
    if not getattr(operator, "is_staff", False):
        raise errors.not_agent()
    status = ReportStatus.RESOLVED if resolved else ReportStatus.DISMISSED
    ChatReport.objects.filter(pk=report_id, status=ReportStatus.OPEN).update(
        status=status, handled_by=operator, handled_at=timezone.now(), note=(note or "")[:200])
    report = ChatReport.objects.get(pk=report_id)
    track("chat.report_close", user=operator, obj=report, status=report.status)
    return report

