"""Group-buy writes: campaigns (create, pause, resume, end), places (taken at checkout, counted when paid, freed
when the unpaid order is cancelled, withdrawn when the member takes the money back before the group fills), groups
closing (succeeded at exactly their size, or at expiry short: failed and refunded, or succeeded honestly with the
members who paid when the merchant chose so), the refunds, and the group's share links.

How it stays exact:

- a place is taken by a conditional update (`taken_count < size`) in the checkout transaction, so a group never
  holds more places than its size, under any concurrency; a member is in one open group per campaign (a partial
  unique constraint);
- a place counts once paid (`orders.hooks.on_paid`): the group row is locked, the count moves by a conditional
  update, and the payment that makes `paid_count == size` moves the group to succeeded in the same transaction;
  a payment that arrives for a group that is closed (or past its deadline) is refunded;
- every refund this app makes has the number `GB-<member id>` and moves the member to refunded by a conditional
  update in the same transaction: each member is refunded exactly once, whoever gets there first (the payment
  hook, the closing of the group, the job).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from quanzi.accounts.enums import NotificationKind
from quanzi.accounts.services import notification_create
from quanzi.catalog import selectors as catalog_selectors
from quanzi.communities.selectors import community_by_id
from quanzi.core.enums import TouchKind
from quanzi.core.errors import DomainError
from quanzi.core.events import touch_record, track
from quanzi.core.messages import Message, Text, message_columns, msg
from quanzi.core.money import format_yuan
from quanzi.core.statemachine import StateMachine
from quanzi.growth.groupbuy import errors, rules, selectors
from quanzi.growth.groupbuy.enums import (
    CampaignStatus,
    CloseReason,
    GroupStatus,
    MemberRole,
    MemberStatus,
)
from quanzi.growth.groupbuy.errors import ErrorCode
from quanzi.growth.groupbuy.locks import lock_campaign, lock_group
from quanzi.growth.groupbuy.models import (
    DEFAULT_FILL_MINUTES,
    CampaignStatusChange,
    GroupBuyCampaign,
    GroupBuyGroup,
    GroupBuyMember,
    GroupShare,
    GroupStatusChange,
)
from quanzi.orders import selectors as order_selectors
from quanzi.orders.hooks import CheckoutContext, OrderMomentEvent
from quanzi.orders.services import (
    order_hold_add,
    order_hold_release,
    order_payment_window_shorten,
    order_place,
)
from quanzi.payments.enums import RefundKind
from quanzi.payments.services import refund_create

log = logging.getLogger(__name__)


def _audit_group(group: GroupBuyGroup, from_status: str, to_status: str, actor: Any, note: Text) -> None:
    GroupStatusChange.objects.create(group=group, from_status=from_status, to_status=to_status, actor=actor,
                                     **message_columns(note, model=GroupStatusChange, text="note"))


def _audit_campaign(campaign: GroupBuyCampaign, from_status: str, to_status: str, actor: Any, note: Text) -> None:
    CampaignStatusChange.objects.create(campaign=campaign, from_status=from_status, to_status=to_status,
                                        actor=actor, **message_columns(note, model=CampaignStatusChange, text="note"))


GROUP_MACHINE: StateMachine[GroupBuyGroup] = StateMachine(
    model=GroupBuyGroup, transitions=rules.GROUP_TRANSITIONS, audit=_audit_group,
    illegal=lambda c, t: errors.illegal_transition(
        _("拼团"), str(GroupStatus(c).label), str(GroupStatus(t).label)))
CAMPAIGN_MACHINE: StateMachine[GroupBuyCampaign] = StateMachine(
    model=GroupBuyCampaign, transitions=rules.CAMPAIGN_TRANSITIONS, audit=_audit_campaign,
    illegal=lambda c, t: errors.illegal_transition(
        _("拼团活动"), str(CampaignStatus(c).label), str(CampaignStatus(t).label)))


def _site_text(message: Message) -> str:
    """A message in the site's language, for a text column another app stores as plain text (a refund's
    reason, read by operators)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message)


def _notify(user_id: int, message: Message, group: GroupBuyGroup) -> None:
    notification_create(recipient=user_id, kind=NotificationKind.GROUPBUY, message=message,
                        url=f"/groupbuy/g/{group.pk}/")


# --- campaigns -----------------------------------------------------------------------------------------------------


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_campaign(*, price_fen: int, group_price_fen: Any, leader_price_fen: Any, group_size: Any,
                    fill_minutes: Any, member_limit: Any, starts_at: Any, ends_at: Any, title: str) -> str:
    if not _whole(group_price_fen) or not 1 <= group_price_fen < price_fen:
        raise errors.invalid(ErrorCode.INVALID_GROUP_PRICE,
                             _("拼团价需低于原价 %(p)s 且大于 0") % {"p": format_yuan(price_fen)})
    if leader_price_fen is not None and (not _whole(leader_price_fen)
                                         or not 1 <= leader_price_fen <= group_price_fen):
        raise errors.invalid(ErrorCode.INVALID_LEADER_PRICE, _("团长价需大于 0 且不高于拼团价"))
    if not _whole(group_size) or not rules.MIN_SIZE <= group_size <= rules.MAX_SIZE:
        raise errors.invalid(ErrorCode.INVALID_GROUP_SIZE, _("成团人数需为 2–100 人"))
    if not _whole(fill_minutes) or not rules.MIN_FILL_MINUTES <= fill_minutes <= rules.MAX_FILL_MINUTES:
        raise errors.invalid(ErrorCode.INVALID_FILL_TIME, _("成团时限需为 5 分钟到 7 天"))
    if not _whole(member_limit) or not 0 <= member_limit <= rules.MAX_MEMBER_LIMIT:
        raise errors.invalid(ErrorCode.INVALID_MEMBER_LIMIT, _("每人限购需为 0–99 件（0 为不限）"))
    if not isinstance(starts_at, dt.datetime) or not isinstance(ends_at, dt.datetime) \
            or timezone.is_naive(starts_at) or timezone.is_naive(ends_at) or ends_at <= starts_at \
            or ends_at <= timezone.now() or ends_at - starts_at > dt.timedelta(days=rules.MAX_CAMPAIGN_DAYS):
        raise errors.invalid(ErrorCode.INVALID_SCHEDULE,
                             _("活动时间无效：结束时间需晚于开始时间和当前时间，且活动不超过 180 天"))
    title = (title or "").strip()
    if len(title) > 60:
        raise errors.invalid(ErrorCode.INVALID_TITLE, _("活动名称最多 60 个字符"))
    return title


def campaign_check(*, user: Any, sku_id: Any, group_price_fen: Any, group_size: Any, starts_at: Any, ends_at: Any,
                   leader_price_fen: Any = None, fill_minutes: Any = DEFAULT_FILL_MINUTES, member_limit: Any = 0,
                   community_id: Any = None, title: str = "") -> tuple[Any, Any, str]:
    """Everything `campaign_create` refuses, without writing (the back office's form checks with it too).
    Returns the SKU, the community (or None) and the cleaned title."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise errors.not_authenticated()
    sku = catalog_selectors.skus_by_id(sku_ids=[sku_id]).get(sku_id) if _whole(sku_id) else None
    if sku is None or not sku.is_active:
        raise errors.sku_not_found()
    selectors.require_manager(user=user, merchant_id=sku.product.merchant_id)
    title = _check_campaign(price_fen=sku.price_fen, group_price_fen=group_price_fen,
                            leader_price_fen=leader_price_fen, group_size=group_size, fill_minutes=fill_minutes,
                            member_limit=member_limit, starts_at=starts_at, ends_at=ends_at, title=title)
    community = None
    if community_id is not None:
        community = community_by_id(community_id=community_id) if _whole(community_id) else None
        if community is None:
            raise errors.community_not_found()
    overlapping = GroupBuyCampaign.objects.filter(
        sku=sku, status__in=[CampaignStatus.ACTIVE, CampaignStatus.PAUSED], starts_at__lt=ends_at,
        ends_at__gt=starts_at)
    if overlapping.exists():
        raise errors.campaign_overlap()
    return sku, community, title


@transaction.atomic
def campaign_create(*, user: Any, sku_id: int, group_price_fen: int, group_size: int, starts_at: dt.datetime,
                    ends_at: dt.datetime, leader_price_fen: int | None = None,
                    fill_minutes: int = DEFAULT_FILL_MINUTES, member_limit: int = 0, community_id: int | None = None,
                    succeed_at_expiry: bool = False, title: str = "") -> GroupBuyCampaign:
    """A merchant (for its own SKU) or an operator creates a campaign; it runs from `starts_at` (a later start
    schedules it) to `ends_at`. Refuses a second campaign of the same SKU over the same time."""
    sku, community, title = campaign_check(
        user=user, sku_id=sku_id, group_price_fen=group_price_fen, group_size=group_size, starts_at=starts_at,
        ends_at=ends_at, leader_price_fen=leader_price_fen, fill_minutes=fill_minutes, member_limit=member_limit,
        community_id=community_id, title=title)
    product = sku.product
    campaign = GroupBuyCampaign.objects.create(
        merchant_id=product.merchant_id, product=product, sku=sku, title=title or product.title[:60],
        group_price_fen=group_price_fen, leader_price_fen=leader_price_fen, group_size=group_size,
        fill_minutes=fill_minutes, member_limit=member_limit, community=community, starts_at=starts_at,
        ends_at=ends_at, succeed_at_expiry=bool(succeed_at_expiry), created_by=user)
    _audit_campaign(campaign, "", CampaignStatus.ACTIVE, user, msg("groupbuy.campaign_created"))
    track("groupbuy.campaign_create", user=user, obj=campaign, community_id=community_id, sku_id=sku.pk,
          group_size=group_size, group_price_fen=group_price_fen)
    return campaign


def _campaign_move(*, user: Any, campaign_id: int, to: str, note: Message) -> GroupBuyCampaign:
    with transaction.atomic():
        campaign = lock_campaign(campaign_id)
        if campaign is None:
            raise errors.campaign_not_found()
        selectors.require_manager(user=user, merchant_id=campaign.merchant_id)
        if campaign.status == to:  # a second click: nothing to do
            return campaign
        before = campaign.status
        campaign = CAMPAIGN_MACHINE.move(campaign, to, actor=user, note=note)
        track("groupbuy.campaign_status", user=user, obj=campaign, community_id=campaign.community_id,
              from_status=before, to_status=to)
    return campaign


def campaign_pause(*, user: Any, campaign_id: int) -> GroupBuyCampaign:
    """No new group and no new place while paused; places already taken can still be paid, and open groups run
    to their deadline."""
    return _campaign_move(user=user, campaign_id=campaign_id, to=CampaignStatus.PAUSED,
                          note=msg("groupbuy.campaign_paused"))


def campaign_resume(*, user: Any, campaign_id: int) -> GroupBuyCampaign:
    return _campaign_move(user=user, campaign_id=campaign_id, to=CampaignStatus.ACTIVE,
                          note=msg("groupbuy.campaign_resumed"))


def campaign_end(*, user: Any, campaign_id: int) -> GroupBuyCampaign:
    """End for good: its open groups close now, as at their deadline (refunded, or succeeded with the members who
    paid when the campaign says so), each in its own transaction."""
    campaign = _campaign_move(user=user, campaign_id=campaign_id, to=CampaignStatus.ENDED,
                              note=msg("groupbuy.campaign_ended"))
    for group_id in GroupBuyGroup.objects.filter(campaign=campaign, status=GroupStatus.OPEN)\
            .order_by("pk").values_list("pk", flat=True):
        group_close_due(group_id=group_id)
    return campaign


# --- opening and joining: a normal order with the group-buy options -----------------------------------------------


def group_open(*, user: Any, campaign_id: int, address_id: int, idempotency_key: str, quantity: int = 1) -> Any:
    """Open a group of a campaign: an order of its SKU at the leader's (or the group) price, through the normal
    checkout (`orders.services.order_place`), whose hook takes the place. Returns the checkout."""
    campaign = selectors.campaign_get(campaign_id=campaign_id, viewer=user)
    return order_place(user=user, address_id=address_id, idempotency_key=idempotency_key,
                       items=[(campaign.sku_id, quantity)],
                       options={"campaign_id": campaign.pk, "campaign_kind": rules.CAMPAIGN_KIND})


def group_join(*, user: Any, group_id: int, address_id: int, idempotency_key: str, quantity: int = 1,
               share_token: str = "") -> Any:
    """Join a group (from its link: `share_token` says whose): an order through the normal checkout."""
    group = selectors.group_get(group_id=group_id, viewer=user)
    options: dict[str, Any] = {"group_id": group.pk}
    if share_token:
        options["groupbuy_token"] = share_token[:32]
    return order_place(user=user, address_id=address_id, idempotency_key=idempotency_key,
                       items=[(group.campaign.sku_id, quantity)], options=options)


# --- places: taken at checkout ---------------------------------------------------------------------------------------


def _shorten_payment_window(order_id: int, deadline: dt.datetime, now: dt.datetime) -> None:
    """A place waits for its payment no longer than the group waits: the order's payment deadline is brought
    forward to the group's deadline when that comes first (never pushed later)."""
    minutes = max(1, min(24 * 60, int((deadline - now).total_seconds() // 60)))
    try:
        order_payment_window_shorten(order_id=order_id, minutes=minutes)
    except DomainError:
        pass  # the group waits longer than an order waits for payment: the usual deadline stands


def place_reserve(ctx: CheckoutContext) -> None:
    """`orders.hooks.on_checkout`: take the place the buyer's options ask for (open a group or join one), inside
    the checkout transaction; refusing raises and rolls the whole checkout back. The order is held from shipping
    until the group succeeds."""
    lines = [(ln.sku_id, ln.quantity) for ln in ctx.quote.lines]
    target = selectors.place_target(user=ctx.user, options=ctx.options, lines=lines)
    if target is None:
        return
    campaign, user = target.campaign, ctx.user
    source = rules.adjustment_source(campaign.pk)
    if any(a.stage == "campaign" and a.amount_fen > 0 and a.source != source for a in ctx.quote.adjustments):
        raise errors.campaign_conflict()  # another campaign price (a flash sale) on the same line
    order_id = ctx.orders[0].order_id
    now = timezone.now()
    if target.group is None:
        group = GroupBuyGroup.objects.create(campaign=campaign, leader=user, size=campaign.group_size,
                                             taken_count=1, opened_at=now,
                                             deadline=rules.group_deadline(campaign, now))
        _audit_group(group, "", GroupStatus.OPEN, user, msg("groupbuy.group_opened"))
    else:
        group = target.group
        took = GroupBuyGroup.objects.filter(pk=group.pk, status=GroupStatus.OPEN, deadline__gt=now,
                                            taken_count__lt=F("size")).update(taken_count=F("taken_count") + 1)
        if took != 1:
            group.refresh_from_db()
            if group.status != GroupStatus.OPEN:
                raise errors.group_closed()
            raise errors.group_expired() if group.deadline <= now else errors.group_full()
    token = str(ctx.options.get("groupbuy_token") or "")
    share = selectors.share_for(token=token, group=group) if target.group is not None else None
    try:
        with transaction.atomic():
            GroupBuyMember.objects.create(
                group=group, campaign=campaign, user=user, order_id=order_id, role=target.role,
                quantity=target.quantity, unit_price_fen=target.unit_price_fen, joined_at=now,
                via_token=share.token if share is not None else "")
    except IntegrityError as exc:  # the same member in a concurrent checkout got there first
        raise errors.already_in_open_group() from exc
    order_hold_add(order_id=order_id, source=rules.HOLD_SOURCE, reason=msg("groupbuy.hold", left=group.pk))
    _shorten_payment_window(order_id, group.deadline, now)
    track("groupbuy.group_open" if target.group is None else "groupbuy.group_join", user=user, obj=group,
          community_id=campaign.community_id, share_token=share.token if share is not None else "",
          campaign_id=campaign.pk, order_id=order_id, quantity=target.quantity)


# --- places: paid, freed, withdrawn (after-commit order hooks) -------------------------------------------------------


def _member_of(order_id: int) -> GroupBuyMember | None:
    return GroupBuyMember.objects.filter(order_id=order_id).first()


@transaction.atomic
def place_pay(event: OrderMomentEvent) -> None:
    """`orders.hooks.on_paid`: the place counts, and the payment that fills the group makes it succeed. A payment
    that cannot count (the group closed, or its deadline passed) is refunded, and the member told."""
    member = _member_of(event.order_id)
    if member is None:
        return
    group = lock_group(member.group_id)
    assert group is not None
    member.refresh_from_db()
    if member.status not in (MemberStatus.RESERVED, MemberStatus.RELEASED):
        return  # counted or refunded before: a replay
    now = timezone.now()
    if member.status == MemberStatus.RESERVED and rules.group_is_open(group, now):
        counted = GroupBuyGroup.objects.filter(pk=group.pk, status=GroupStatus.OPEN,
                                               paid_count__lt=F("taken_count"))\
            .update(paid_count=F("paid_count") + 1)
        if counted == 1:  # always, as this member holds one of the places taken; else it is refunded below
            GroupBuyMember.objects.filter(pk=member.pk, status=MemberStatus.RESERVED)\
                .update(status=MemberStatus.PAID, paid_at=now)
            group.refresh_from_db()
            track("groupbuy.place_paid", user=member.user, obj=group, community_id=group.campaign.community_id,
                  order_id=event.order_id, paid_count=group.paid_count)
            if member.role != MemberRole.LEADER:
                _notify(group.leader_id, msg("notify.groupbuy_member_paid", n=member.user.nickname,
                                             t=group.campaign.title), group)
            if group.paid_count == group.size:
                _succeed(group, short=False)
            return
    if group.status == GroupStatus.OPEN and not rules.group_is_open(group, now):
        _close_locked(group, now)
    member_refund(member_id=member.pk, from_status=member.status, late=True)


@transaction.atomic
def place_release(event: OrderMomentEvent) -> None:
    """`orders.hooks.on_cancelled`: an unpaid order was cancelled or expired; its place is free again."""
    member = _member_of(event.order_id)
    if member is None:
        return
    group = lock_group(member.group_id)
    assert group is not None
    moved = GroupBuyMember.objects.filter(pk=member.pk, status=MemberStatus.RESERVED)\
        .update(status=MemberStatus.RELEASED, active=False, released_at=timezone.now())
    if not moved:
        return
    if group.status == GroupStatus.OPEN:
        GroupBuyGroup.objects.filter(pk=group.pk, taken_count__gt=F("paid_count"))\
            .update(taken_count=F("taken_count") - 1)
    order_hold_release(order_id=event.order_id, source=rules.HOLD_SOURCE)
    track("groupbuy.place_release", obj=group, community_id=group.campaign.community_id, order_id=event.order_id)


@transaction.atomic
def place_withdraw(event: OrderMomentEvent) -> None:
    """`orders.hooks.on_refunded`: a paid member of a group still open took all their money back (after-sales):
    they leave and their place is free again; the group can only succeed with members who kept their payment.
    A refund after the group succeeded is ordinary after-sales; our own refunds are ours."""
    if event.ref.startswith(rules.REFUND_PREFIX):
        return
    member = _member_of(event.order_id)
    if member is None or member.status != MemberStatus.PAID:
        return
    order = order_selectors.orders_by_id(order_ids=[event.order_id]).get(event.order_id)
    if order is None or order.refunded_fen < order.paid_fen:
        return  # a part refunded: the member still paid for their place
    group = lock_group(member.group_id)
    assert group is not None
    if group.status != GroupStatus.OPEN:
        return
    moved = GroupBuyMember.objects.filter(pk=member.pk, status=MemberStatus.PAID).update(
        status=MemberStatus.REFUNDED, active=False, refunded_at=timezone.now(), refund_no=event.ref[:64])
    if moved:
        GroupBuyGroup.objects.filter(pk=group.pk, paid_count__gt=0, taken_count__gt=0)\
            .update(paid_count=F("paid_count") - 1, taken_count=F("taken_count") - 1)
        order_hold_release(order_id=event.order_id, source=rules.HOLD_SOURCE)
        track("groupbuy.place_withdraw", obj=group, community_id=group.campaign.community_id,
              order_id=event.order_id)


# --- groups closing ----------------------------------------------------------------------------------------------


def _succeed(group: GroupBuyGroup, *, short: bool) -> None:
    """The group (locked) succeeds: every paid member's hold is released so the merchant can ship. `short`: at
    expiry with the members who paid, because the campaign says so (no one is made up: the page says so)."""
    now = timezone.now()
    note = msg("groupbuy.group_succeeded_at_expiry", n=str(group.paid_count)) if short \
        else msg("groupbuy.group_filled")
    GROUP_MACHINE.move(group, GroupStatus.SUCCEEDED, note=note, closed_at=now,
                       close_reason=CloseReason.SUCCEEDED_AT_EXPIRY if short else CloseReason.FILLED)
    GroupBuyMember.objects.filter(group=group, active=True).update(active=False)
    paid = list(GroupBuyMember.objects.filter(group=group, status=MemberStatus.PAID).order_by("pk"))
    title = group.campaign.title
    for member in paid:
        order_hold_release(order_id=member.order_id, source=rules.HOLD_SOURCE)
        _notify(member.user_id, msg("notify.groupbuy_succeeded_short", t=title, n=str(len(paid))) if short
                else msg("notify.groupbuy_succeeded", t=title), group)
    track("groupbuy.group_succeed", obj=group, community_id=group.campaign.community_id,
          campaign_id=group.campaign_id, members=len(paid), short=short)


def _fail(group: GroupBuyGroup, *, reason: str) -> None:
    """The group (locked) fails: nobody's place is held any more, and every paid member is refunded once (after
    this commits, each in their own transaction; the job retries any that did not go through)."""
    note = msg("groupbuy.group_campaign_ended") if reason == CloseReason.CAMPAIGN_ENDED \
        else msg("groupbuy.group_expired_short")
    GROUP_MACHINE.move(group, GroupStatus.FAILED, note=note, closed_at=timezone.now(), close_reason=reason)
    GroupBuyMember.objects.filter(group=group, active=True).update(active=False)
    track("groupbuy.group_fail", obj=group, community_id=group.campaign.community_id,
          campaign_id=group.campaign_id, paid=group.paid_count, reason=reason)
    transaction.on_commit(partial(members_refund_due, group_id=group.pk))


def _close_locked(group: GroupBuyGroup, now: dt.datetime) -> str:
    """Close an open group (locked) that is past its deadline or whose campaign ended, as the rules say."""
    campaign = group.campaign
    if campaign.succeed_at_expiry and group.paid_count >= 1:
        _succeed(group, short=True)
        return GroupStatus.SUCCEEDED
    ended = campaign.status == CampaignStatus.ENDED and group.deadline > now
    _fail(group, reason=CloseReason.CAMPAIGN_ENDED if ended else CloseReason.EXPIRED_SHORT)
    return GroupStatus.FAILED


def group_close_due(*, group_id: int) -> str | None:
    """Close one group if it is open and due (its deadline passed, or its campaign ended): idempotent; returns
    the status it moved to, or None when there was nothing to do."""
    with transaction.atomic():
        group = lock_group(group_id)
        if group is None or group.status != GroupStatus.OPEN:
            return None
        now = timezone.now()
        campaign = group.campaign
        if group.deadline > now and campaign.status != CampaignStatus.ENDED and campaign.ends_at > now:
            return None
        return _close_locked(group, now)


# --- refunds -------------------------------------------------------------------------------------------------------


@transaction.atomic
def member_refund(*, member_id: int, from_status: str, late: bool = False) -> bool:
    """Refund a member once: the member moves from `from_status` to refunded by a conditional update in the same
    transaction as the refund (number `GB-<member id>`, idempotent), so two callers never both refund. `late`: the
    payment came after the group closed (else: the group failed). True when this call refunded."""
    member = GroupBuyMember.objects.select_related("group__campaign").get(pk=member_id)
    number = rules.refund_no(member.pk)
    moved = GroupBuyMember.objects.filter(pk=member.pk, status=from_status).update(
        status=MemberStatus.REFUNDED, active=False, refunded_at=timezone.now(), refund_no=number)
    if moved != 1:
        return False
    order = order_selectors.orders_by_id(order_ids=[member.order_id])[member.order_id]
    amount = order.paid_fen - order.refunded_fen
    if amount > 0:
        refund_create(order_id=order.pk, amount_fen=amount, refund_no=number, kind=RefundKind.OPERATOR,
                      reason=_site_text(msg("groupbuy.refund_late" if late else "groupbuy.refund_failed")))
    order_hold_release(order_id=member.order_id, source=rules.HOLD_SOURCE)
    group = member.group
    title, money = group.campaign.title, format_yuan(amount)
    _notify(member.user_id, msg("notify.groupbuy_late", t=title, amount=money) if late
            else msg("notify.groupbuy_failed", t=title, amount=money), group)
    track("groupbuy.member_refund", obj=group, community_id=group.campaign.community_id, order_id=member.order_id,
          amount_fen=amount, reason="late" if late else "failed")
    return True


def members_refund_due(*, group_id: int) -> int:
    """Refund every paid member of a failed group not refunded yet, each in its own transaction; a refund that
    cannot go through now (an after-sales refund of the same payment still in flight) is left for the job."""
    done = 0
    ids = list(GroupBuyMember.objects.filter(group_id=group_id, group__status=GroupStatus.FAILED,
                                             status=MemberStatus.PAID).order_by("pk").values_list("pk", flat=True))
    for member_id in ids:
        try:
            done += member_refund(member_id=member_id, from_status=MemberStatus.PAID)
        except DomainError:
            log.exception("group-buy refund of member %s (group %s) did not go through", member_id, group_id)
    return done


def groups_settle_due(*, limit: int | None = None) -> int:
    """The job's work: close the open groups that are due, then refund any paid member of a failed group still
    waiting for their refund. Returns how many groups closed."""
    now = timezone.now()
    limit = limit or rules.expiry_sweep_limit()
    due = list(GroupBuyGroup.objects.filter(status=GroupStatus.OPEN)
               .filter(deadline__lte=now).order_by("pk").values_list("pk", flat=True)[:limit])
    ended = list(GroupBuyGroup.objects.filter(status=GroupStatus.OPEN, campaign__status=CampaignStatus.ENDED)
                 .order_by("pk").values_list("pk", flat=True)[:limit])
    closed = sum(1 for group_id in sorted(set(due) | set(ended)) if group_close_due(group_id=group_id))
    waiting = (GroupBuyMember.objects.filter(group__status=GroupStatus.FAILED, status=MemberStatus.PAID)
               .order_by("group_id").values_list("group_id", flat=True).distinct()[:limit])
    for group_id in list(waiting):
        members_refund_due(group_id=group_id)
    return closed


# --- share links -------------------------------------------------------------------------------------------------


@transaction.atomic
def group_share(*, user: Any, group_id: int) -> GroupShare:
    """The viewer's own share link of a group (one per sharer, minted once): views through it credit the sharer."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise errors.not_authenticated()
    group = selectors.group_get(group_id=group_id, viewer=user)
    share = GroupShare.objects.filter(group=group, sharer=user).first()
    if share is None:
        try:
            with transaction.atomic():
                share = GroupShare.objects.create(group=group, sharer=user, token=secrets.token_urlsafe(16))
        except IntegrityError:  # the same member minting twice at once
            share = GroupShare.objects.get(group=group, sharer=user)
    track("groupbuy.group_share", user=user, obj=group, community_id=group.campaign.community_id,
          share_token=share.token)
    return share


@transaction.atomic
def group_visit(*, viewer: Any, group: GroupBuyGroup, token: str = "", via: str = "page") -> GroupShare | None:
    """Someone opened a group (`via` page or api). Through a member's share link (`token`), the view counts on
    the share and records a touch for the product, so an order that follows credits the sharer."""
    share = selectors.share_for(token=token, group=group)
    if share is not None:
        GroupShare.objects.filter(pk=share.pk).update(view_count=F("view_count") + 1)
    campaign = group.campaign
    track("groupbuy.group_view", user=viewer, obj=group, community_id=campaign.community_id,
          share_token=share.token if share is not None else "", via=via,
          sharer_id=share.sharer_id if share is not None else None)
    if share is not None and getattr(viewer, "pk", None) != share.sharer_id:
        touch_record(user=viewer, kind=TouchKind.LINK_VIEW, product_id=campaign.product_id, share_token=share.token,
                     community_id=campaign.community_id)
    return share
