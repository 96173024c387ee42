"""Distribution reads: the settings and overrides, who may promote, the rates of a line, a promoter's balances
(the ledger's sums; the account row caches them) and the promoter centre."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from quanzi.accounts.selectors import user_get
from quanzi.core.events import events_with_prop
from quanzi.core.timeutil import local_date, local_today
from quanzi.orders.selectors import order_list_for_buyer
from quanzi.referrals.distribution import rules
from quanzi.referrals.distribution.enums import (
    Bucket,
    EntryKind,
    PromoterMode,
    PromoterSource,
    PromoterStatus,
    WithdrawalStatus,
)
from quanzi.referrals.distribution.models import (
    CommissionEntry,
    CommunityRule,
    DistributionSettings,
    ProductRate,
    Promoter,
    Withdrawal,
)
from quanzi.referrals.invites.selectors import invite_stats

# the events that mean "someone opened a member's share link" (they carry the sharer in `sharer_id`); the visits of
# the member's invite links come from the invites app (`invite_stats`)
SHARE_VIEW_EVENTS = ("post.view", "groupbuy.group_view")


def platform_settings() -> DistributionSettings:
    conf = DistributionSettings.objects.filter(pk=1).first()
    if conf is None:
        conf, _created = DistributionSettings.objects.get_or_create(pk=1)
    return conf


def community_rule(*, community_id: int | None) -> CommunityRule | None:
    if community_id is None:
        return None
    return CommunityRule.objects.filter(community_id=community_id).first()


def product_rates(*, product_ids: Any) -> dict[int, ProductRate]:
    return {r.product_id: r for r in ProductRate.objects.filter(product_id__in=list(product_ids))}


def community_rules(*, community_ids: Any) -> dict[int, CommunityRule]:
    ids = [c for c in community_ids if c is not None]
    return {r.community_id: r for r in CommunityRule.objects.filter(community_id__in=ids)}


def rates_for(*, conf: DistributionSettings, community: CommunityRule | None, product: ProductRate | None) -> rules.Rates:
    """The rates of one line: the product's own, else the community's, else the platform's, per field."""
    def pick(name: str) -> Any:
        return rules.first_set(getattr(product, name, None), getattr(community, name, None), getattr(conf, name))

    levels = community.levels if community is not None and community.levels is not None else conf.levels
    return rules.Rates(levels=min(int(levels), rules.MAX_LEVELS),
                       by_level=(pick("level1_rate"), pick("level2_rate"), pick("level3_rate")),
                       kol=pick("kol_rate"))


def mode_and_threshold(*, conf: DistributionSettings, community: CommunityRule | None) -> tuple[str, int]:
    mode = rules.effective_mode(conf.promoter_mode, community.promoter_mode if community else "")
    threshold = community.spend_threshold_fen if community is not None and community.spend_threshold_fen \
        is not None else conf.spend_threshold_fen
    return mode, int(threshold)


def promoter_get(*, user_id: int) -> Promoter | None:
    return Promoter.objects.filter(user_id=user_id).select_related("user").first()


def member_spend_fen(*, user_id: int) -> int:
    """What a member has paid for orders, net of refunds (the spending threshold's measure)."""
    user = user_get(user_id=user_id)
    if user is None:
        return 0
    sums = order_list_for_buyer(user=user).filter(paid_at__isnull=False).aggregate(
        paid=Sum("paid_fen"), refunded=Sum("refunded_fen"))
    return int(sums["paid"] or 0) - int(sums["refunded"] or 0)


def may_promote(*, promoter: Promoter | None, mode: str, threshold_fen: int, spend: Any) -> bool:
    """Whether a member earns commission under a mode. A suspended or rejected promoter never does; an
    appointed or approved one always does; under "everyone" any other member does; under "threshold" a member
    whose net spending reached it does (`spend()` is only called then)."""
    if promoter is not None and promoter.status in (PromoterStatus.SUSPENDED, PromoterStatus.REJECTED):
        return False
    if promoter is not None and promoter.status == PromoterStatus.ACTIVE \
            and promoter.source in (PromoterSource.APPOINTED, PromoterSource.APPLIED):
        return True
    if mode == PromoterMode.EVERYONE:
        return True
    if mode == PromoterMode.THRESHOLD:
        return int(spend()) >= threshold_fen
    return False


# --- balances -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    pending_fen: int
    available_fen: int
    withdrawn_fen: int  # paid out
    in_flight_fen: int  # requested or approved, not paid yet


def ledger_totals(*, promoter_id: int) -> Totals:
    """The promoter's money summed from the ledger and the withdrawals (the truth the account row caches)."""
    sums = dict(CommissionEntry.objects.filter(promoter_id=promoter_id).values("bucket")
                .annotate(s=Sum("amount_fen")).values_list("bucket", "s"))
    w = dict(Withdrawal.objects.filter(promoter_id=promoter_id).values("status").annotate(s=Sum("amount_fen"))
             .values_list("status", "s"))
    return Totals(pending_fen=int(sums.get(Bucket.PENDING) or 0), available_fen=int(sums.get(Bucket.AVAILABLE) or 0),
                  withdrawn_fen=int(w.get(WithdrawalStatus.PAID) or 0),
                  in_flight_fen=int((w.get(WithdrawalStatus.REQUESTED) or 0) + (w.get(WithdrawalStatus.APPROVED) or 0)))


def entries_of(*, promoter_id: int) -> QuerySet[CommissionEntry]:
    return CommissionEntry.objects.filter(promoter_id=promoter_id).order_by("-id")


def withdrawals_of(*, promoter_id: int) -> QuerySet[Withdrawal]:
    return Withdrawal.objects.filter(promoter_id=promoter_id).order_by("-id")


def withdrawal_queue(*, status: str = WithdrawalStatus.REQUESTED) -> QuerySet[Withdrawal]:
    qs = Withdrawal.objects.select_related("promoter__user").order_by("id")
    return qs.filter(status=status) if status in WithdrawalStatus.values else qs


def withdrawal_get(*, withdrawal_id: int) -> Withdrawal | None:
    return Withdrawal.objects.select_related("promoter__user").filter(pk=withdrawal_id).first()


def promoters_applied() -> QuerySet[Promoter]:
    return Promoter.objects.filter(status=PromoterStatus.APPLIED).select_related("user").order_by("id")


# --- the promoter centre ------------------------------------------------------------------------------------------


@dataclass
class CentreView:
    promoter: Promoter | None
    mode: str
    threshold_fen: int
    spend_fen: int
    can_earn: bool
    pending_fen: int = 0
    available_fen: int = 0
    withdrawn_fen: int = 0
    in_flight_fen: int = 0
    clicks: int = 0
    invited: int = 0
    orders: int = 0
    chart: list[tuple[str, int]] = field(default_factory=list)  # (MM-DD, commission earned that day, net)
    levels: int = 0
    rates: tuple[str, ...] = ()


def chart_days(*, promoter_id: int, days: int = 14) -> list[tuple[str, int]]:
    """Commission earned per day (Asia/Shanghai) over the last `days` days: accruals less refund reversals."""
    today = local_today()
    start = today - dt.timedelta(days=days - 1)
    since = timezone.now() - dt.timedelta(days=days + 1)
    per_day: dict[dt.date, int] = defaultdict(int)
    for at, fen in CommissionEntry.objects.filter(
            promoter_id=promoter_id, kind__in=(EntryKind.ACCRUE, EntryKind.REVERSE), created_at__gte=since)\
            .values_list("created_at", "amount_fen"):
        per_day[local_date(at)] += int(fen)
    return [((start + dt.timedelta(days=i)).strftime("%m-%d"), per_day.get(start + dt.timedelta(days=i), 0))
            for i in range(days)]


def promoter_centre(*, user: Any) -> CentreView:
    conf = platform_settings()
    promoter = promoter_get(user_id=user.pk)
    spend = member_spend_fen(user_id=user.pk)
    mode, threshold = mode_and_threshold(conf=conf, community=None)
    view = CentreView(promoter=promoter, mode=mode, threshold_fen=threshold, spend_fen=spend,
                      can_earn=may_promote(promoter=promoter, mode=mode, threshold_fen=threshold, spend=lambda: spend),
                      levels=min(conf.levels, rules.MAX_LEVELS),
                      rates=tuple(f"{r * 100:.1f}%" for r in (conf.level1_rate, conf.level2_rate,
                                                              conf.level3_rate)[: min(conf.levels, rules.MAX_LEVELS)]))
    invites = invite_stats(inviter_id=user.pk)
    view.clicks = events_with_prop(names=SHARE_VIEW_EVENTS, prop="sharer_id", value=user.pk) + invites.visits
    view.invited = invites.invitees
    if promoter is None:
        return view
    view.pending_fen, view.available_fen = promoter.pending_fen, promoter.available_fen
    view.withdrawn_fen = promoter.withdrawn_fen
    view.in_flight_fen = int(Withdrawal.objects.filter(
        promoter=promoter, status__in=(WithdrawalStatus.REQUESTED, WithdrawalStatus.APPROVED))
        .aggregate(s=Sum("amount_fen"))["s"] or 0)
    view.orders = CommissionEntry.objects.filter(promoter=promoter, kind=EntryKind.ACCRUE)\
        .aggregate(n=Count("order_id", distinct=True))["n"] or 0
    view.chart = chart_days(promoter_id=promoter.pk)
    return view


def queue_counts() -> dict[str, int]:
    return dict(Withdrawal.objects.values("status").annotate(n=Count("id")).values_list("status", "n"))


def order_commission(*, order_id: int) -> dict[int, int]:
    """Net commission per level of one order (tests and the admin)."""
    out: dict[int, int] = defaultdict(int)
    for level, fen in CommissionEntry.objects.filter(order_id=order_id).exclude(kind=EntryKind.RELEASE)\
            .values_list("level", "amount_fen"):
        out[int(level or 0)] += int(fen)
    return dict(out)


def released_by_order(*, order_id: int) -> dict[int, int]:
    """user id -> fen of commission that became available (withdrawable) when the order completed (notify tells
    each promoter)."""
    rows = (CommissionEntry.objects.filter(order_id=order_id, kind=EntryKind.RELEASE, bucket=Bucket.AVAILABLE)
            .values("promoter__user_id").annotate(fen=Sum("amount_fen")))
    return {int(r["promoter__user_id"]): int(r["fen"] or 0) for r in rows if r["fen"]}


def commission_rows_after(*, after_id: int, limit: int) -> list[dict[str, Any]]:
    """The commission ledger in id order after `after_id` (the analytics export follows it incrementally: entries
    are never updated nor deleted). Ids, amounts and what caused them; the promoter as their user id."""
    rows = CommissionEntry.objects.filter(pk__gt=after_id).order_by("pk").values(
        "id", "promoter__user_id", "kind", "bucket", "amount_fen", "order_id", "order_line_id", "level",
        "community_id", "is_kol", "created_at")[:limit]
    return [dict(r) for r in rows]
