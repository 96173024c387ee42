"""Writes of the invites app, one function per business moment: minting a code, a visit of an invite link,
binding a member to an inviter (at sign-up, from a link, from a typed code), the first paid order of an invitee
(qualifying), its completion (the rewards) or its full refund before that (void), and the operators' review of a
flag. Rules: docs/notes/referrals_invites.md."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from quanzi.accounts import selectors as account_selectors
from quanzi.accounts import services as account_services
from quanzi.accounts.enums import NotificationKind
from quanzi.core.enums import TouchKind
from quanzi.core.events import touch_record, track
from quanzi.core.messages import msg
from quanzi.referrals.invites import errors, locks, selectors
from quanzi.referrals.invites.enums import (
    BindPolicy,
    BindSource,
    EndReason,
    FlagKind,
    FlagStatus,
    OutcomeStatus,
)
from quanzi.referrals.invites.models import (
    Binding,
    InviteCode,
    InviteFlag,
    InviteOutcome,
    InvitePolicy,
    InviteVisit,
    OutcomeStatusChange,
)

if TYPE_CHECKING:
    from quanzi.orders.hooks import OrderMomentEvent

log = logging.getLogger(__name__)

# No 0/O, 1/I/L: a code is read off a poster and typed on a phone
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def _authed(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise errors.not_authenticated()


# --- codes and visits ----------------------------------------------------------------------------------------------


def invite_code_ensure(*, user: Any) -> str:
    """The member's invite code, minted the first time (8 characters of an alphabet without look-alikes)."""
    _authed(user)
    existing = selectors.code_of(user_id=user.pk)
    if existing:
        return existing
    for _attempt in range(8):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        try:
            with transaction.atomic():
                InviteCode.objects.create(user_id=user.pk, code=code)
            return code
        except IntegrityError:  # the member minting twice at once, or (rarely) a code already taken
            existing = selectors.code_of(user_id=user.pk)
            if existing:
                return existing
    raise RuntimeError("could not mint a unique invite code")


@transaction.atomic
def invite_visit(*, inviter_id: int, viewer: Any, target_kind: str, target_id: int | None = None,
                 community_id: int | None = None, product_id: int | None = None, code: str = "", ip: str = "",
                 device: str = "") -> InviteVisit:
    """Someone opened an invite link: one row (the inviter's "clicks"). Nothing is bound here; the landing page
    remembers the invite in the session and the binding happens at sign-up (or, by the policy, right here for a
    logged-in member: the view calls `referral_bind`). A product link also records a `link_view` touch with the
    inviter's code as the share token, so an order that follows credits the inviter (orders' last touch)."""
    viewer_id = viewer.pk if getattr(viewer, "is_authenticated", False) else None
    if product_id is not None and code and viewer_id is not None and viewer_id != inviter_id:
        touch_record(user=viewer, kind=TouchKind.LINK_VIEW, product_id=product_id, share_token=code,
                     community_id=community_id)
    visit = InviteVisit.objects.create(inviter_id=inviter_id, viewer_id=viewer_id, target_kind=target_kind,
                                       target_id=target_id, community_id=community_id, ip=ip[:64],
                                       device=device[:64])
    track("invite.visit", user=viewer, obj=visit, community_id=community_id, inviter_id=inviter_id,
          target_kind=str(target_kind))
    return visit


# --- binding -------------------------------------------------------------------------------------------------------


def _may_bind(policy: str, *, current: Binding | None, ever_bound: bool, at_signup: bool,
              now: dt.datetime) -> bool:
    """Whether the policy lets this bind replace what the member has (see the note's table)."""
    in_force = current is not None and (current.expires_at is None or current.expires_at > now)
    if at_signup:
        return not ever_bound
    if policy == BindPolicy.FIRST:
        return False  # bound at sign-up or never
    if policy == BindPolicy.PERMANENT:
        return not ever_bound  # 补绑 once, then for good
    if policy == BindPolicy.DAYS:
        return not in_force  # a lapsed (or no) binding: the next invite binds for N days more
    return True  # last click: the latest invite moves the binding


@transaction.atomic
def referral_bind(*, invitee: Any, inviter_id: int, source: str, community_id: int | None = None, ip: str = "",
                  device: str = "", at_signup: bool = False) -> Binding | None:
    """Bind `invitee` to `inviter_id` as the operators' policy says. Returns the new binding, or None when the
    policy keeps what the member has (a link opened by a member already bound: nothing changes, quietly).

    Refused with a code, changing nothing: the member's own code (`invite_self`), an inviter who is the member
    or below them in the chain (`invite_cycle`: A→B→A), an inactive inviter; and for a code typed by hand
    (`source="code"`) a member the policy does not let bind again (`invite_already_bound`).

    Binds are serialised by the policy row (locks.lock_bind_gate), so the cycle check sees every binding
    committed before. A binding from an IP or a device that made many accounts within the window is flagged,
    not refused (`InviteFlag`, reviewed by operators)."""
    _authed(invitee)
    if invitee.pk == inviter_id:
        raise errors.self_referral()
    if account_selectors.user_get(user_id=inviter_id) is None:
        raise errors.inviter_inactive()
    policy: InvitePolicy = locks.lock_bind_gate()
    now = timezone.now()
    current = selectors.binding_open(user_id=invitee.pk)
    if current is not None and current.inviter_id == inviter_id and (
            current.expires_at is None or current.expires_at > now):
        if source == BindSource.CODE:
            raise errors.already_bound()
        return None
    if not _may_bind(policy.policy, current=current, ever_bound=selectors.ever_bound(user_id=invitee.pk),
                     at_signup=at_signup, now=now):
        if source == BindSource.CODE:
            raise errors.already_bound()
        return None
    if selectors.chain_reaches(start_id=inviter_id, target_id=invitee.pk, now=now):
        raise errors.cycle()
    moved = False
    if current is not None:
        lapsed = current.expires_at is not None and current.expires_at <= now
        moved = Binding.objects.filter(pk=current.pk, ended_at__isnull=True).update(
            ended_at=now, ended_reason=EndReason.EXPIRED if lapsed else EndReason.MOVED) == 1
    expires = now + dt.timedelta(days=policy.valid_days) if policy.policy == BindPolicy.DAYS else None
    try:
        with transaction.atomic():
            binding = Binding.objects.create(
                invitee_id=invitee.pk, inviter_id=inviter_id, source=source, policy=policy.policy,
                community_id=community_id, ip=(ip or "")[:64], device=(device or "")[:64], started_at=now,
                expires_at=expires)
    except IntegrityError:  # another bind of this member won (only without the gate, e.g. SQLite's own timing)
        return None
    track("invite.bind", user=invitee, obj=binding, community_id=community_id, inviter_id=inviter_id,
          source=str(source), policy=str(policy.policy), moved=moved)
    _flag_if_crowded(binding, policy, now)
    account_services.notification_create(recipient=inviter_id, kind=NotificationKind.REFERRAL,
                                         message=msg("notify.invite_bound", n=invitee.nickname), url="/invite/")
    return binding


def _flag_if_crowded(binding: Binding, policy: InvitePolicy, now: dt.datetime) -> None:
    since = now - dt.timedelta(hours=policy.flag_window_hours)
    for kind, field, value in ((FlagKind.IP, "ip", binding.ip), (FlagKind.DEVICE, "device", binding.device)):
        count = selectors.recent_bind_count(field=field, value=value, since=since)
        if value and count >= policy.flag_threshold:
            flag = InviteFlag.objects.create(binding=binding, kind=kind, value=value, count=count)
            track("invite.flag", obj=flag, kind=str(kind), count=count)


def referral_bind_code(*, invitee: Any, code: str, at_signup: bool = False, ip: str = "",
                       device: str = "") -> Binding | None:
    """A member typed an invite code (at sign-up or on the invite page). An unknown code: `invite_code_unknown`."""
    _authed(invitee)
    inviter_id = selectors.user_id_by_code(code=code)
    if inviter_id is None:
        raise errors.code_unknown()
    return referral_bind(invitee=invitee, inviter_id=inviter_id, source=BindSource.CODE, ip=ip, device=device,
                         at_signup=at_signup)


def check_signup_code(code: str) -> None:
    """Before an account is made: a code typed in the sign-up form must exist (else nothing is created)."""
    if (code or "").strip() and selectors.user_id_by_code(code=code) is None:
        raise errors.code_unknown()


@transaction.atomic
def flag_review(*, actor: Any, flag_id: int, status: str) -> bool:
    """An operator marks a flag cleared or confirmed (conditional on it being open). Returns whether it moved."""
    if status not in (FlagStatus.CLEARED, FlagStatus.CONFIRMED):
        raise ValueError(status)
    moved = InviteFlag.objects.filter(pk=flag_id, status=FlagStatus.OPEN).update(status=status) == 1
    if moved:
        track("invite.flag_review", user=actor, obj=InviteFlag.objects.get(pk=flag_id), status=str(status))
    return moved


def _outcome_move(outcome: InviteOutcome, to: str, note: str, **fields: Any) -> bool:
    """Conditional update from the status the row had, plus the audit row."""
    moved = InviteOutcome.objects.filter(pk=outcome.pk, status=outcome.status).update(
        status=to, updated_at=timezone.now(), **fields) == 1
    if moved:
        OutcomeStatusChange.objects.create(outcome=outcome, from_status=outcome.status, to_status=to, note=note)
        outcome.refresh_from_db()
    return moved


# --- the outcome that pays: the invitee's first paid order --------------------------------------------------------


def outcome_on_paid(event: OrderMomentEvent) -> None:
    """orders.hooks.on_paid: the buyer's first paid order, with an inviter bound now, qualifies (one row per
    invitee, unique). Nothing is paid yet: the rewards wait for the order to complete."""
    from quanzi.growth.coupons.services import is_first_paid_order

    binding = selectors.binding_in_force(user_id=event.buyer_id)
    if binding is None or not is_first_paid_order(buyer_id=event.buyer_id, order_id=event.order_id):
        return
    try:
        with transaction.atomic():
            outcome = InviteOutcome.objects.create(
                invitee_id=event.buyer_id, inviter_id=binding.inviter_id, binding=binding,
                community_id=binding.community_id, order_id=event.order_id, order_payable_fen=event.amount_fen,
                paid_at=event.at)
    except IntegrityError:  # the invitee already has their first order recorded
        return
    track("invite.first_order", obj=outcome, community_id=outcome.community_id, inviter_id=binding.inviter_id,
          order_id=event.order_id)


def _reward_text(kind: str, amount: int) -> str:
    return f"{kind}:{amount}" if amount > 0 else ""


def outcome_on_completed(event: OrderMomentEvent) -> None:
    """orders.hooks.on_completed: the qualifying first order closed its after-sales window, so it is kept: the
    inviter gets the configured reward and the invitee the new-member gift, each once by its key, and the task
    centre hears of it (`invite_first_order`). Never on sign-up or on sharing."""
    from quanzi.loyalty.rewards import Reward, reward_grant

    outcome = locks.lock_outcome(event.buyer_id)
    if outcome is None or outcome.order_id != event.order_id or outcome.status != OutcomeStatus.QUALIFIED:
        return
    policy = selectors.policy_get()
    inviter_reward = Reward(policy.inviter_reward_kind, policy.inviter_reward_amount)
    gift = Reward(policy.invitee_reward_kind, policy.invitee_reward_amount)
    if not _outcome_move(outcome, OutcomeStatus.REWARDED, "completed", rewarded_at=timezone.now(),
                         inviter_reward=_reward_text(inviter_reward.kind, inviter_reward.amount),
                         invitee_reward=_reward_text(gift.kind, gift.amount)):
        return
    invitee_id = outcome.invitee_id
    # The granters write their own ledgers, keyed: a retry of this hook pays nothing twice
    reward_grant(user_id=outcome.inviter_id, reward=inviter_reward, key=f"invite:inviter:{invitee_id}",
                 reason="invite_first_order")
    reward_grant(user_id=invitee_id, reward=gift, key=f"invite:gift:{invitee_id}", reason="invite_new_member_gift")
    _task_progress(outcome.inviter_id, invitee_id)
    track("invite.reward", obj=outcome, community_id=outcome.community_id, inviter_id=outcome.inviter_id,
          order_id=outcome.order_id)
    invitee = account_selectors.user_get(user_id=invitee_id, include_inactive=True)
    if outcome.inviter_reward:
        account_services.notification_create(
            recipient=outcome.inviter_id, kind=NotificationKind.REFERRAL, url="/invite/",
            message=msg("notify.invite_rewarded", n=invitee.nickname if invitee else "", r=outcome.inviter_reward))
    if outcome.invitee_reward:
        account_services.notification_create(recipient=invitee_id, kind=NotificationKind.REFERRAL, url="/invite/",
                                             message=msg("notify.invite_gift", r=outcome.invitee_reward))


def _task_progress(inviter_id: int, invitee_id: int) -> None:
    """Tell the task centre (loyalty.tasks), when it is installed, that an invitation paid off."""
    try:
        from quanzi.loyalty.tasks.services import task_progress  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return
    task_progress(user_id=inviter_id, trigger="invite_first_order", key=f"invite:{invitee_id}")


def outcome_on_refunded(event: OrderMomentEvent) -> None:
    """orders.hooks.on_refunded: the qualifying first order refunded in full before it completed: void, no reward
    ever (nothing was paid, so nothing is clawed back), and the invitation does not count on the leaderboard. The
    invitee's later orders are not "first" (an earlier paid order exists), so buy-and-refund farms nothing."""
    from quanzi.orders import selectors as order_selectors
    from quanzi.orders.enums import OrderStatus

    outcome = locks.lock_outcome(event.buyer_id)
    if outcome is None or outcome.order_id != event.order_id or outcome.status != OutcomeStatus.QUALIFIED:
        return
    order = order_selectors.orders_by_id(order_ids=[event.order_id]).get(event.order_id)
    if order is None or order.status != OrderStatus.REFUNDED:
        return  # a partial refund keeps the order, and the invitation
    if _outcome_move(outcome, OutcomeStatus.VOID, "refunded"):
        track("invite.void", obj=outcome, community_id=outcome.community_id, order_id=outcome.order_id)
