"""Red packets and the member balance: every write.

Money in the balance comes from somewhere real and leaves to somewhere real:

- a packet is funded from its funder's balance (the funder's entry `-amount` and the packet are written in one
  transaction), or through the cashier: the packet waits for its order (a platform virtual good priced at the
  packet's amount, `catalog.virtual_sku_ensure`), opens when the `paid` moment comes and is cancelled with an
  order that is not paid in time;
- a claim moves one share into the claimer's balance (`+share`); on expiry what nobody claimed goes back to the
  funder once (`+rest`);
- checkout spends the balance (the `points` stage of the waterfall, source `balance`, one `-fen` entry per order
  inside the checkout transaction); a cancelled unpaid order gives it back, a refund gives back the balance's
  pro rata share of what it refunds (the `refunded` moment's `sources`);
- an operator can grant balance (`balance_grant`: the platform's marketing budget, with the operator recorded).

Each entry carries a unique reference, so every movement happens once however often its cause is retried."""

from __future__ import annotations

import random
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.catalog.services import virtual_sku_ensure
from quanzi.communities.selectors import active_role, community_by_id, has_perm
from quanzi.core.errors import NotAuthenticated
from quanzi.core.events import track
from quanzi.core.messages import Text, message_columns
from quanzi.core.money import format_yuan
from quanzi.core.statemachine import StateMachine
from quanzi.growth.redpackets import errors, rules
from quanzi.growth.redpackets.enums import BalanceKind, PacketStatus
from quanzi.growth.redpackets.errors import ErrorCode
from quanzi.growth.redpackets.locks import lock_balance_account, lock_packet
from quanzi.growth.redpackets.models import BalanceEntry, RedPacket, RedPacketShare, RedPacketStatusChange
from quanzi.growth.redpackets.pricing import BALANCE_SOURCE
from quanzi.growth.redpackets.selectors import balance_of
from quanzi.orders import selectors as order_selectors
from quanzi.orders.hooks import CheckoutContext, OrderMomentEvent
from quanzi.orders.services import order_place


def _audit(packet: RedPacket, from_status: str, to_status: str, actor: Any, note: Text) -> None:
    RedPacketStatusChange.objects.create(packet=packet, from_status=from_status, to_status=to_status, actor=actor,
                                         **message_columns(note, model=RedPacketStatusChange, text="note"))


PACKET_MACHINE: StateMachine[RedPacket] = StateMachine(
    model=RedPacket, transitions=rules.TRANSITIONS, audit=_audit,
    illegal=lambda c, t: errors.illegal_transition(str(PacketStatus(c).label), str(PacketStatus(t).label)))


def _authed(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))


def _entry(*, user_id: int, amount_fen: int, kind: str, reference: str, packet: RedPacket | None = None,
           order_id: int | None = None, note: str = "") -> BalanceEntry | None:
    """Write one ledger entry, or nothing when its reference is already there (the movement happened)."""
    try:
        with transaction.atomic():
            return BalanceEntry.objects.create(user_id=user_id, amount_fen=amount_fen, kind=kind, reference=reference,
                                               packet=packet, order_id=order_id, note=note[:200])
    except IntegrityError:
        if BalanceEntry.objects.filter(reference=reference).exists():
            return None
        raise


def _spend(*, user: Any, amount_fen: int, kind: str, reference: str, packet: RedPacket | None = None,
           order_id: int | None = None) -> BalanceEntry:
    """Take `amount_fen` out of the member's balance; refused (nothing written) when the balance is short.
    The account lock serialises the member's spends, so the sum never goes below zero."""
    lock_balance_account(user)
    balance = balance_of(user_id=user.pk)
    if balance < amount_fen:
        raise errors.balance_insufficient(balance, amount_fen)
    entry = _entry(user_id=user.pk, amount_fen=-amount_fen, kind=kind, reference=reference, packet=packet,
                   order_id=order_id)
    if entry is None:  # replay of a spend already booked: nothing to take twice
        return BalanceEntry.objects.get(reference=reference)
    return entry


# --- grants (operators) -------------------------------------------------------------------------------------------


@transaction.atomic
def balance_grant(*, operator: Any, user_id: int, amount_fen: int, reference: str, note: str = "") -> BalanceEntry:
    """An operator credits a member's balance from the platform's budget (a reward, a compensation). `reference`
    is the caller's idempotency key: granting again with it returns the first entry."""
    if not (getattr(operator, "is_authenticated", False) and operator.is_staff):
        raise errors.not_operator()
    if not isinstance(amount_fen, int) or amount_fen < 1 or amount_fen > rules.max_amount_fen():
        raise errors.invalid_amount(rules.max_amount_fen())
    ref = f"grant:{reference}"
    entry = _entry(user_id=user_id, amount_fen=amount_fen, kind=BalanceKind.GRANT, reference=ref, note=note)
    if entry is None:
        return BalanceEntry.objects.get(reference=ref)
    track("balance.grant", user=operator, obj=entry, member_id=user_id, amount_fen=amount_fen)
    return entry


# --- packets ------------------------------------------------------------------------------------------------------


def _check_packet_input(amount_fen: Any, shares: Any, greeting: str) -> None:
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or not 1 <= amount_fen <= rules.max_amount_fen():
        raise errors.invalid_amount(rules.max_amount_fen())
    if not isinstance(shares, int) or isinstance(shares, bool) or not 1 <= shares <= rules.max_shares():
        raise errors.invalid_shares(rules.max_shares())
    if shares > amount_fen:
        raise errors.shares_exceed_amount()
    if len(greeting) > rules.GREETING_MAX:
        raise errors.invalid_greeting(rules.GREETING_MAX)


@transaction.atomic
def redpacket_create_and_fund(*, funder: Any, community_id: int, amount_fen: int, shares: int, greeting: str = "",
                              rng: random.Random | None = None) -> RedPacket:
    """Fund a packet from the funder's balance and post it into a community where the funder may post. The split
    is drawn now (`rules.split_double_mean`); the packet is open for `rules.lifetime()`."""
    _authed(funder)
    greeting = (greeting or "").strip()
    _check_packet_input(amount_fen, shares, greeting)
    community = community_by_id(community_id=community_id)
    if community is None:
        raise errors.community_not_found()
    if not has_perm(user=funder, community=community, perm="post"):
        raise errors.post_not_allowed(community.name)
    now = timezone.now()
    packet = RedPacket.objects.create(funder=funder, community=community, amount_fen=amount_fen, shares=shares,
                                      greeting=greeting or _("恭喜发财，大吉大利"), expires_at=now + rules.lifetime())
    _spend(user=funder, amount_fen=amount_fen, kind=BalanceKind.PACKET_FUND, reference=f"redpacket-fund:{packet.pk}",
           packet=packet)
    RedPacketShare.objects.bulk_create([
        RedPacketShare(packet=packet, position=i, amount_fen=fen)
        for i, fen in enumerate(rules.split_double_mean(amount_fen, shares, rng))])
    track("redpacket.create", user=funder, obj=packet, community_id=community.pk, amount_fen=amount_fen,
          shares=shares)
    return packet


def redpacket_create_for_payment(*, funder: Any, community_id: int, amount_fen: int, shares: int,
                                 idempotency_key: str, greeting: str = "",
                                 rng: random.Random | None = None) -> RedPacket:
    """A packet paid through the cashier (WeChat Pay, Alipay …) rather than from the balance: the packet and its
    order are written together, the packet waits (待支付) and opens when the order is paid (`on_order_paid`); its
    lifetime counts from then. The same `idempotency_key` again returns the first packet. The split is drawn
    now, like a balance-funded packet's."""
    _authed(funder)
    greeting = (greeting or "").strip()
    _check_packet_input(amount_fen, shares, greeting)
    community = community_by_id(community_id=community_id)
    if community is None:
        raise errors.community_not_found()
    if not has_perm(user=funder, community=community, perm="post"):
        raise errors.post_not_allowed(community.name)
    sku_id = virtual_sku_ensure(key=f"redpacket:{amount_fen}", title=_("社群红包 %(yuan)s") % {
        "yuan": format_yuan(amount_fen)}, price_fen=amount_fen)
    with transaction.atomic():
        checkout = order_place(user=funder, address_id=None, idempotency_key=idempotency_key,
                               items=[(sku_id, 1)])
        order_id = order_selectors.checkout_order_ids(checkout_id=checkout.pk)[0]
        earlier = RedPacket.objects.filter(order_id=order_id).first()
        if earlier is not None:  # the same key again
            return earlier
        packet = RedPacket.objects.create(
            funder=funder, community=community, amount_fen=amount_fen, shares=shares,
            greeting=greeting or _("恭喜发财，大吉大利"), status=PacketStatus.AWAITING_PAYMENT, order_id=order_id,
            expires_at=timezone.now() + rules.lifetime())
        RedPacketShare.objects.bulk_create([
            RedPacketShare(packet=packet, position=i, amount_fen=fen)
            for i, fen in enumerate(rules.split_double_mean(amount_fen, shares, rng))])
    return packet


@transaction.atomic
def on_order_paid(event: OrderMomentEvent) -> None:
    """The `paid` moment of a packet's order: the packet opens (once; its lifetime counts from now)."""
    packet = RedPacket.objects.filter(order_id=event.order_id).first()
    if packet is None:
        return
    packet = lock_packet(packet.pk)
    if packet.status != PacketStatus.AWAITING_PAYMENT:
        return
    PACKET_MACHINE.move(packet, PacketStatus.OPEN, actor=packet.funder, note="paid",
                        expires_at=event.at + rules.lifetime())
    track("redpacket.create", user=packet.funder, obj=packet, community_id=packet.community_id,
          amount_fen=packet.amount_fen, shares=packet.shares)


def _packet(packet_id: int) -> RedPacket:
    packet = RedPacket.objects.select_related("community").filter(pk=packet_id).first()
    if packet is None:
        raise errors.packet_not_found()
    return packet


@transaction.atomic
def redpacket_claim(*, user: Any, packet_id: int) -> RedPacketShare:
    """Take the next unclaimed share into the member's balance. One per member; members of the packet's community
    only; refused once all are taken or the packet expired. The packet's counter moves by a conditional update
    (it holds the packet row to the commit, so concurrent claims take positions one by one); a second claim of
    the same member breaks the (packet, claimer) unique constraint and rolls back."""
    _authed(user)
    packet = _packet(packet_id)
    if active_role(user=user, community=packet.community) is None:
        raise errors.not_community_member(packet.community.name)
    if RedPacketShare.objects.filter(packet=packet, claimer=user).exists():
        raise errors.already_claimed()
    now = timezone.now()
    taken = RedPacket.objects.filter(pk=packet.pk, status=PacketStatus.OPEN, expires_at__gt=now,
                                     claimed_count__lt=F("shares")).update(claimed_count=F("claimed_count") + 1,
                                                                            updated_at=now)
    if taken != 1:
        packet.refresh_from_db()
        if packet.status in (PacketStatus.AWAITING_PAYMENT, PacketStatus.CANCELLED):
            raise errors.packet_not_paid()
        if packet.status == PacketStatus.EXPIRED or packet.expires_at <= now:
            raise errors.packet_expired()
        raise errors.packet_finished()
    packet.refresh_from_db(fields=["claimed_count", "shares"])
    position = packet.claimed_count - 1
    try:
        with transaction.atomic():
            moved = RedPacketShare.objects.filter(packet=packet, position=position, claimer__isnull=True)\
                .update(claimer=user, claimed_at=now)
    except IntegrityError:  # this member claimed meanwhile (their other request committed first)
        raise errors.already_claimed() from None
    if moved != 1:  # cannot happen while positions follow the counter; refuse rather than pay twice
        raise errors.packet_finished()
    share = RedPacketShare.objects.get(packet=packet, position=position)
    RedPacket.objects.filter(pk=packet.pk).update(claimed_fen=F("claimed_fen") + share.amount_fen)
    _entry(user_id=user.pk, amount_fen=share.amount_fen, kind=BalanceKind.PACKET_CLAIM,
           reference=f"redpacket-share:{share.pk}", packet=packet)
    if packet.claimed_count == packet.shares:
        PACKET_MACHINE.move(packet, PacketStatus.FINISHED, note="all shares claimed")
    track("redpacket.claim", user=user, obj=packet, community_id=packet.community_id, amount_fen=share.amount_fen,
          position=position)
    return share


@transaction.atomic
def redpacket_expire(*, packet_id: int, operator: Any = None) -> int:
    """Close an open packet past its deadline (or now, when an operator ends it) and return what nobody claimed
    to its funder, once. Returns the fen returned (0 when there was nothing to do). Locks the packet so every
    claim in flight has committed; a claim after this sees the status and is refused."""
    if operator is not None and not (getattr(operator, "is_authenticated", False) and operator.is_staff):
        raise errors.not_operator()
    packet = lock_packet(packet_id)
    now = timezone.now()
    if packet.status != PacketStatus.OPEN or (operator is None and packet.expires_at > now):
        return 0
    rest = packet.amount_fen - packet.claimed_fen
    PACKET_MACHINE.move(packet, PacketStatus.EXPIRED, actor=operator, note="ended by an operator" if operator
                        else "expired", returned_fen=rest, expires_at=min(packet.expires_at, now))
    if rest > 0:
        _entry(user_id=packet.funder_id, amount_fen=rest, kind=BalanceKind.PACKET_RETURN,
               reference=f"redpacket-return:{packet.pk}", packet=packet)
    track("redpacket.expire", obj=packet, community_id=packet.community_id, returned_fen=rest)
    return rest


def redpackets_expire_due(*, funder_id: int | None = None) -> int:
    """Expire every open packet past its deadline (of one funder, when given), each in its own transaction."""
    qs = RedPacket.objects.filter(status=PacketStatus.OPEN, expires_at__lte=timezone.now())
    if funder_id is not None:
        qs = qs.filter(funder_id=funder_id)
    return sum(1 for pk in list(qs.values_list("pk", flat=True).order_by("pk")[:500]) if redpacket_expire(packet_id=pk))


# --- checkout and the order's moments -----------------------------------------------------------------------------


def balance_redeem(ctx: CheckoutContext) -> None:
    """The checkout hook (inside the checkout transaction): book what the quote took off as balance, one entry
    per order. A balance spent meanwhile elsewhere refuses the checkout (`balance_insufficient`): all rolls back."""
    per_order = {o.order_id: sum(ln.adjustments.get(BALANCE_SOURCE, 0) for ln in o.lines) for o in ctx.orders}
    per_order = {k: v for k, v in per_order.items() if v > 0}
    if not per_order:
        return
    _authed(ctx.user)
    lock_balance_account(ctx.user)
    balance = balance_of(user_id=ctx.user.pk)
    total = sum(per_order.values())
    if balance < total:
        raise errors.balance_insufficient(balance, total)
    for order_id, fen in sorted(per_order.items()):
        _entry(user_id=ctx.user.pk, amount_fen=-fen, kind=BalanceKind.CHECKOUT_SPEND, reference=f"order-spend:{order_id}",
               order_id=order_id)
    track("balance.spend", user=ctx.user, checkout_id=ctx.checkout_id, order_ids=sorted(per_order),
          amount_fen=total)


@transaction.atomic
def on_order_cancelled(event: OrderMomentEvent) -> None:
    """The `cancelled` moment (cancelled or expired unpaid): the balance the order spent comes back, once; a packet
    waiting for this order is cancelled."""
    waiting = RedPacket.objects.filter(order_id=event.order_id, status=PacketStatus.AWAITING_PAYMENT).first()
    if waiting is not None:
        packet = lock_packet(waiting.pk)
        if packet.status == PacketStatus.AWAITING_PAYMENT:
            PACKET_MACHINE.move(packet, PacketStatus.CANCELLED, note="not paid")
    spent = BalanceEntry.objects.filter(reference=f"order-spend:{event.order_id}").first()
    if spent is None:
        return
    entry = _entry(user_id=spent.user_id, amount_fen=-spent.amount_fen, kind=BalanceKind.ORDER_RETURN,
                   reference=f"order-return:{event.order_id}", order_id=event.order_id)
    if entry is not None:
        track("balance.return", user=spent.user, obj=entry, order_id=event.order_id, amount_fen=entry.amount_fen,
              reason="cancelled")


@transaction.atomic
def on_order_refunded(event: OrderMomentEvent) -> None:
    """The `refunded` moment: the balance's pro rata share of this refund (the moment's `sources`) comes back,
    once per moment; over all refunds never more than the order spent."""
    fen = int(event.sources.get(BALANCE_SOURCE, 0))
    if fen <= 0:
        return
    spent = BalanceEntry.objects.filter(reference=f"order-spend:{event.order_id}").first()
    if spent is None:
        return
    back = sum(BalanceEntry.objects.filter(order_id=event.order_id, kind=BalanceKind.REFUND_RETURN)
               .values_list("amount_fen", flat=True))
    fen = min(fen, -spent.amount_fen - back)
    if fen <= 0:
        return
    entry = _entry(user_id=spent.user_id, amount_fen=fen, kind=BalanceKind.REFUND_RETURN,
                   reference=f"refund-return:{event.moment_id}", order_id=event.order_id)
    if entry is not None:
        track("balance.return", user=spent.user, obj=entry, order_id=event.order_id, amount_fen=fen, reason="refunded")
