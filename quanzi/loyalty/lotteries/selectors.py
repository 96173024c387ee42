"""Lottery reads: the state now, a member's numbers, the odds, the winners, and the published document anyone
recomputes the draw from (`published_data`, served as /lotteries/<id>/data.json and read by `verify.py`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from quanzi.communities.enums import Role
from quanzi.communities.selectors import active_role, can_view, visible_communities_q
from quanzi.loyalty.lotteries import verify
from quanzi.loyalty.lotteries.enums import (
    Eligibility,
    EntryStatus,
    Fulfilment,
    LotteryState,
    LotteryStatus,
)
from quanzi.loyalty.lotteries.models import Lottery, LotteryEntry, LotteryPrize, LotteryWinner


def _authed(user: Any) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def lottery_get(*, lottery_id: int) -> Lottery | None:
    return Lottery.objects.select_related("community", "product", "created_by").filter(pk=lottery_id).first()


def lottery_visible(*, lottery: Lottery, user: Any) -> bool:
    """A lottery of an invite-only community is seen by its members only (existence is not leaked)."""
    return lottery.community is None or can_view(user=user, community=lottery.community)


def can_manage(*, user: Any, community: Any) -> bool:
    """Who runs a community's lotteries: its owner and admins, and platform operators (the only ones for a
    platform campaign's lottery, which has no community)."""
    if not _authed(user):
        return False
    if user.is_staff:
        return True
    return community is not None and active_role(user=user, community=community) in (Role.OWNER, Role.ADMIN)


def lottery_state(lottery: Lottery, *, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    if lottery.status != LotteryStatus.OPEN:
        return str(lottery.status)
    if now < lottery.opens_at:
        return LotteryState.UPCOMING
    if now < lottery.closes_at:
        return LotteryState.OPEN
    return LotteryState.CLOSED


def prizes_of(lottery: Lottery) -> list[LotteryPrize]:
    return list(LotteryPrize.objects.filter(lottery=lottery).order_by("tier"))


def valid_numbers(*, lottery_id: int) -> list[int]:
    """The valid lucky numbers, ascending: the entry list the draw hashes."""
    return list(LotteryEntry.objects.filter(lottery_id=lottery_id, status=EntryStatus.VALID)
                .order_by("number").values_list("number", flat=True))


def my_entries(*, lottery: Lottery, user: Any) -> list[LotteryEntry]:
    if not _authed(user):
        return []
    return list(LotteryEntry.objects.filter(lottery=lottery, user=user).order_by("number"))


def winners_of(*, lottery: Lottery) -> list[LotteryWinner]:
    return list(LotteryWinner.objects.filter(lottery=lottery).select_related("prize", "entry", "user")
                .order_by("rank"))


def masked_name(user: Any) -> str:
    """A winner as the page shows them: the first character of the nickname, then **."""
    name = str(getattr(user, "nickname", "") or "")
    return f"{name[:1]}**" if name else "**"


def percent(part: int, whole: int) -> str:
    """part/whole as a percentage with two decimals, in integer arithmetic ("—" when nobody entered yet)."""
    if whole <= 0:
        return "—"
    bp = min(part, whole) * 10000 // whole
    return f"{bp // 100}.{bp % 100:02d}%"


@dataclass(frozen=True)
class PrizeOdds:
    prize: LotteryPrize
    odds: str  # the chance one number wins this tier, with the entries so far


@dataclass(frozen=True)
class LotteryView:
    lottery: Lottery
    state: str
    prizes: list[PrizeOdds]
    total_prizes: int
    entries: int
    any_prize_odds: str
    mine: list[LotteryEntry]
    winners: list[LotteryWinner]
    my_wins: list[LotteryWinner]
    can_manage: bool
    is_member: bool
    streak: int | None  # the viewer's streak, for a check-in-streak lottery

    @property
    def state_label(self) -> str:
        return str(LotteryState(self.state).label)

    @property
    def my_valid(self) -> list[LotteryEntry]:
        return [e for e in self.mine if e.status == EntryStatus.VALID]


def lottery_view(*, lottery: Lottery, user: Any) -> LotteryView:
    prizes = prizes_of(lottery)
    if lottery.status == LotteryStatus.DRAWN:
        entries = lottery.entries_at_draw
    else:
        entries = LotteryEntry.objects.filter(lottery=lottery, status=EntryStatus.VALID).count()
    total = sum(p.count for p in prizes)
    winners = winners_of(lottery=lottery) if lottery.status == LotteryStatus.DRAWN else []
    is_member = lottery.community is not None and active_role(user=user, community=lottery.community) is not None
    streak = None
    if lottery.eligibility == Eligibility.CHECKIN_STREAK and _authed(user) and lottery.community is not None:
        from quanzi.content.selectors import checkin_streak

        streak = checkin_streak(user=user, community=lottery.community)
    return LotteryView(
        lottery=lottery, state=lottery_state(lottery), total_prizes=total, entries=entries,
        prizes=[PrizeOdds(prize=p, odds=percent(p.count, entries)) for p in prizes],
        any_prize_odds=percent(total, entries), mine=my_entries(lottery=lottery, user=user), winners=winners,
        my_wins=[w for w in winners if _authed(user) and w.user_id == user.pk],
        can_manage=can_manage(user=user, community=lottery.community), is_member=is_member, streak=streak)


def published_data(*, lottery: Lottery) -> dict[str, Any]:
    """Everything needed to recompute the draw, as published: the seed's hash (from creation), the valid numbers
    and their digest, the revoked numbers (for transparency), the prize counts, and after the draw the seed and
    the winners. `verify.verify(doc)` checks it; before the draw the seed is null."""
    numbers = valid_numbers(lottery_id=lottery.pk)
    revoked = list(LotteryEntry.objects.filter(lottery=lottery, status=EntryStatus.REVOKED)
                   .order_by("number").values_list("number", flat=True))
    drawn = lottery.status == LotteryStatus.DRAWN
    return {
        "lottery_id": lottery.pk,
        "title": lottery.title,
        "algorithm": verify.ALGORITHM,
        "status": lottery.status,
        "seed_hash": lottery.seed_hash,
        "seed": lottery.seed_public,
        "opens_at": lottery.opens_at.isoformat(),
        "closes_at": lottery.closes_at.isoformat(),
        "draw_at": lottery.draw_at.isoformat(),
        "drawn_at": lottery.drawn_at.isoformat() if lottery.drawn_at else None,
        "prizes": [{"tier": p.tier, "name": p.name, "count": p.count} for p in prizes_of(lottery)],
        "entries": numbers,
        "entries_digest": lottery.entries_digest if drawn else verify.entries_digest(numbers),
        "revoked": revoked,
        "winners": [{"tier": w.prize.tier, "number": w.entry.number, "rank": w.rank,
                     "member": masked_name(w.user)} for w in winners_of(lottery=lottery)] if drawn else [],
    }


def community_lotteries(*, community_id: int, limit: int = 5) -> list[Lottery]:
    """A community's lotteries: the running and upcoming ones first (soonest close first), then the drawn ones of
    the last 30 days, newest first."""
    now = timezone.now()
    running = list(Lottery.objects.filter(community_id=community_id, status=LotteryStatus.OPEN)
                   .order_by("closes_at", "pk")[:limit])
    recent = list(Lottery.objects.filter(community_id=community_id, status=LotteryStatus.DRAWN,
                                         drawn_at__gte=now - dt.timedelta(days=30)).order_by("-drawn_at")
                  [:max(0, limit - len(running))])
    return running + recent


def lottery_list(*, user: Any, community_id: int | None = None, status: str | None = None) -> QuerySet[Lottery]:
    """Lotteries the viewer may see (none of an invite-only community they are not in), newest first."""
    qs = Lottery.objects.select_related("community").filter(
        Q(community__isnull=True) | visible_communities_q(user=user, prefix="community__"))
    if community_id is not None:
        qs = qs.filter(community_id=community_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-id")


def due_lottery_ids(*, now: dt.datetime | None = None, limit: int = 200) -> list[int]:
    return list(Lottery.objects.filter(status=LotteryStatus.OPEN, draw_at__lte=now or timezone.now())
                .order_by("draw_at", "pk").values_list("pk", flat=True)[:limit])


def pending_grant_lottery_ids(*, limit: int = 200) -> list[int]:
    """Drawn lotteries with a reward not granted yet (a granter failed: the job retries)."""
    return list(LotteryWinner.objects.filter(fulfilment=Fulfilment.PENDING).order_by("lottery_id")
                .values_list("lottery_id", flat=True).distinct()[:limit])
