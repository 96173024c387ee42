"""Reads of the invites app: the policy, codes, bindings in force, the inviter chain, invitees and rewards, the
leaderboard, the operators' flags."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from quanzi.referrals.invites.enums import OutcomeStatus
from quanzi.referrals.invites.models import (
    Binding,
    InviteCode,
    InviteFlag,
    InviteOutcome,
    InvitePolicy,
    InviteVisit,
)

# A chain longer than this is not a referral tree but a bug or an attack; the cycle check walks at most this far
CHAIN_WALK_LIMIT = 1000


def policy_get() -> InvitePolicy:
    """The operators' settings (the defaults until an operator saves them)."""
    return InvitePolicy.objects.filter(pk=1).first() or InvitePolicy(pk=1)


def in_force_q(now: dt.datetime | None = None, prefix: str = "") -> Q:
    now = now or timezone.now()
    return Q(**{f"{prefix}ended_at__isnull": True}) & (
        Q(**{f"{prefix}expires_at__isnull": True}) | Q(**{f"{prefix}expires_at__gt": now}))


def binding_in_force(*, user_id: int, now: dt.datetime | None = None) -> Binding | None:
    """The binding of `user_id` to their inviter in force now, or None."""
    return Binding.objects.filter(in_force_q(now), invitee_id=user_id).first()


def binding_open(*, user_id: int) -> Binding | None:
    """The open binding (in force, or lapsed under the N-days policy but not yet replaced)."""
    return Binding.objects.filter(invitee_id=user_id, ended_at__isnull=True).first()


def ever_bound(*, user_id: int) -> bool:
    return Binding.objects.filter(invitee_id=user_id).exists()


def inviter_of(*, user_id: int, now: dt.datetime | None = None) -> int | None:
    binding = binding_in_force(user_id=user_id, now=now)
    return binding.inviter_id if binding is not None else None


def inviter_chain(*, user_id: int, levels: int, now: dt.datetime | None = None) -> list[int]:
    """The user's inviter first, then that inviter's inviter, ...: at most `levels` ids, only bindings in force
    now, never a cycle (binds refuse cycles; the walk also stops at a repeated id, as a second guard)."""
    chain: list[int] = []
    seen = {user_id}
    current = user_id
    now = now or timezone.now()
    while len(chain) < max(levels, 0):
        inviter = inviter_of(user_id=current, now=now)
        if inviter is None or inviter in seen:
            break
        chain.append(inviter)
        seen.add(inviter)
        current = inviter
    return chain


def chain_reaches(*, start_id: int, target_id: int, now: dt.datetime | None = None) -> bool:
    """True when `target_id` is `start_id` or one of its inviters, any level up (bindings in force now)."""
    return target_id == start_id or target_id in inviter_chain(user_id=start_id, levels=CHAIN_WALK_LIMIT, now=now)


def code_of(*, user_id: int) -> str:
    """The member's invite code, or "" before one was minted (`services.invite_code_ensure`)."""
    row = InviteCode.objects.filter(user_id=user_id).only("code").first()
    return row.code if row is not None else ""


def normalise_code(code: str) -> str:
    return "".join((code or "").split()).upper()[:12]


def user_id_by_code(*, code: str) -> int | None:
    code = normalise_code(code)
    if not code:
        return None
    return InviteCode.objects.filter(code=code).values_list("user_id", flat=True).first()


def share_owners(tokens: set[str]) -> dict[str, int]:
    """Who owns each of these share tokens (orders.hooks.share_token_owner): a product invite link carries the
    member's invite code as its share token, so the order that follows credits the inviter."""
    return dict(InviteCode.objects.filter(code__in=tokens).values_list("code", "user_id"))


def invitees_of(*, inviter_id: int) -> QuerySet[Binding]:
    """Every binding the inviter made, newest first (in force or not), with the invitee."""
    return Binding.objects.filter(inviter_id=inviter_id).select_related("invitee").order_by("-started_at", "-pk")


@dataclass(frozen=True)
class InviteStats:
    visits: int
    invitees: int
    in_force: int
    first_orders: int
    rewarded: int


def invite_stats(*, inviter_id: int, since: dt.datetime | None = None) -> InviteStats:
    """Counts for the invite page and the promoter centre (distribution): link visits, members bound, bindings in
    force, invitees whose first order was paid (and not refunded in full), rewards paid."""
    visits = InviteVisit.objects.filter(inviter_id=inviter_id)
    bindings = Binding.objects.filter(inviter_id=inviter_id)
    outcomes = InviteOutcome.objects.filter(inviter_id=inviter_id)
    if since is not None:
        visits, bindings = visits.filter(created_at__gte=since), bindings.filter(started_at__gte=since)
        outcomes = outcomes.filter(paid_at__gte=since)
    return InviteStats(
        visits=visits.count(), invitees=bindings.values("invitee_id").distinct().count(),
        in_force=bindings.filter(in_force_q()).count(),
        first_orders=outcomes.exclude(status=OutcomeStatus.VOID).count(),
        rewarded=outcomes.filter(status=OutcomeStatus.REWARDED).count(),
    )


def outcomes_of(*, inviter_id: int) -> QuerySet[InviteOutcome]:
    return InviteOutcome.objects.filter(inviter_id=inviter_id).select_related("invitee").order_by("-paid_at")


def outcome_of_invitee(*, invitee_id: int) -> InviteOutcome | None:
    return InviteOutcome.objects.filter(invitee_id=invitee_id).first()


@dataclass(frozen=True)
class LeaderRow:
    rank: int
    user_id: int
    nickname: str
    avatar_url: str
    count: int


def leaderboard(*, community_id: int, member_ids: Any = None, since: dt.datetime | None = None,
                limit: int = 20) -> list[LeaderRow]:
    """Inviters of a community ranked by invitees whose first order was paid (not refunded in full) — never by
    sign-ups. An invitee counts for the community whose link bound them, or, bound through a platform link, for
    every community the invitee is a member of (`member_ids`, from communities). Ties: the earlier first order."""
    qs = InviteOutcome.objects.exclude(status=OutcomeStatus.VOID)
    scope = Q(community_id=community_id)
    if member_ids is not None:
        scope |= Q(community_id__isnull=True, invitee_id__in=member_ids)
    qs = qs.filter(scope)
    if since is not None:
        qs = qs.filter(paid_at__gte=since)
    rows = (qs.values("inviter_id", "inviter__nickname", "inviter__avatar")
            .annotate(n=Count("pk"), first=Min("paid_at")).order_by("-n", "first", "inviter_id")[:limit])
    return [LeaderRow(rank=i + 1, user_id=r["inviter_id"], nickname=r["inviter__nickname"],
                      avatar_url=default_storage.url(r["inviter__avatar"]) if r["inviter__avatar"] else "",
                      count=r["n"]) for i, r in enumerate(rows)]


def flags_open() -> QuerySet[InviteFlag]:
    return InviteFlag.objects.filter(status="open").select_related("binding")


def recent_bind_count(*, field: str, value: str, since: dt.datetime) -> int:
    """Bindings made from this IP or device since `since` (the anti-fraud window)."""
    if not value:
        return 0
    return Binding.objects.filter(**{field: value}, started_at__gte=since).values("invitee_id").distinct().count()
