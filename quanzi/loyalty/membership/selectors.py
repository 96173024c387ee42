"""Levels and paid-membership reads. Growth value is the sum of the member's ledger; the level is read from the
operator's table now; a period past its end reads as over (no job needs to run for benefits to stop)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.loyalty.membership import rules
from quanzi.loyalty.membership.enums import PeriodStatus, PlanKind, RefundAfterUse
from quanzi.loyalty.membership.models import (
    BenefitUse,
    GrowthEntry,
    Level,
    MemberAccount,
    MembershipPeriod,
    Plan,
)
from quanzi.orders.enums import OrderStatus
from quanzi.orders.selectors import orders_by_id


@dataclass(frozen=True)
class LevelView:
    id: int
    name: str
    threshold: int
    member_price: bool
    free_shipping_threshold_fen: int | None
    monthly_coupon_ids: tuple[int, ...] = ()
    description: str = ""
    birthday_coupon_ids: tuple[int, ...] = ()


def _view(level: Level) -> LevelView:
    return LevelView(id=level.pk, name=level.name, threshold=level.threshold, member_price=level.member_price,
                     free_shipping_threshold_fen=level.free_shipping_threshold_fen,
                     monthly_coupon_ids=tuple(sorted(t.pk for t in level.monthly_coupons.all())),
                     description=level.description,
                     birthday_coupon_ids=tuple(sorted(t.pk for t in level.birthday_coupons.all())))


def levels() -> list[LevelView]:
    """The active levels, lowest threshold first."""
    return [_view(lv) for lv in Level.objects.filter(is_active=True).prefetch_related("monthly_coupons", "birthday_coupons")
            .order_by("threshold")]


def level_for(growth: int, table: list[LevelView]) -> LevelView | None:
    """The highest level whose threshold `growth` reaches (None below the lowest)."""
    reached = [lv for lv in table if lv.threshold <= growth]
    return reached[-1] if reached else None


def growth_of(*, user_id: int | None) -> int:
    """The member's growth value: the sum of their ledger."""
    if user_id is None:
        return 0
    return int(GrowthEntry.objects.filter(user_id=user_id).aggregate(s=Sum("amount"))["s"] or 0)


def growth_cached(*, user_id: int) -> int:
    return int(MemberAccount.objects.filter(user_id=user_id).values_list("growth", flat=True).first() or 0)


def member_level(*, user_id: int | None) -> LevelView | None:
    """The member's level now (the interface other apps read)."""
    if user_id is None:
        return None
    return level_for(growth_cached(user_id=user_id), levels())


def growth_entries(*, user: Any) -> QuerySet[GrowthEntry]:
    return GrowthEntry.objects.filter(user=user).order_by("-id")


def growth_granted(*, key: str) -> bool:
    return GrowthEntry.objects.filter(key=key).exists()


# --- paid membership -----------------------------------------------------------------------------------------------


def period_now(*, user_id: int, now: dt.datetime | None = None) -> MembershipPeriod | None:
    """The paid (or trial) period running now, if any."""
    now = now or timezone.now()
    return (MembershipPeriod.objects.select_related("plan")
            .filter(user_id=user_id, status=PeriodStatus.ACTIVE, starts_at__lte=now, ends_at__gt=now)
            .order_by("starts_at").first())


def is_paid_member(*, user_id: int | None) -> bool:
    """True while a paid (or trial) period runs (the interface other apps read)."""
    return user_id is not None and period_now(user_id=user_id) is not None


def paid_until(*, user_id: int, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the member's stacked periods end (None when none runs or waits)."""
    now = now or timezone.now()
    end = MembershipPeriod.objects.filter(user_id=user_id, status=PeriodStatus.ACTIVE, ends_at__gt=now)\
        .order_by("-ends_at").values_list("ends_at", flat=True).first()
    return end


def periods_of(*, user_id: int) -> list[MembershipPeriod]:
    return list(MembershipPeriod.objects.select_related("plan").filter(user_id=user_id).order_by("-starts_at", "-id"))


def period_state(period: MembershipPeriod, now: dt.datetime | None = None) -> str:
    """How a period reads now: refunded, ended, waiting (a renewal not started yet) or running."""
    now = now or timezone.now()
    if period.status == PeriodStatus.REFUNDED:
        return str(_("已退款"))
    if period.ends_at <= now:
        return str(_("已结束"))
    if period.starts_at > now:
        return str(_("待生效"))
    return str(_("生效中"))


def period_get(*, user_id: int, period_id: int) -> MembershipPeriod | None:
    return MembershipPeriod.objects.select_related("plan").filter(user_id=user_id, pk=period_id).first()


def plans_for_sale() -> list[Plan]:
    return list(Plan.objects.filter(is_active=True).order_by("sort", "id"))


def plan_get(*, plan_id: int) -> Plan | None:
    return Plan.objects.filter(pk=plan_id).first()


def plan_by_sku(*, sku_ids: Any) -> dict[int, Plan]:
    """The plans sold as these SKUs (sku id -> plan)."""
    return {p.sku_id: p for p in Plan.objects.filter(sku_id__in=list(sku_ids)) if p.sku_id is not None}


def plan_sku_ids() -> set[int]:
    return {int(s) for s in Plan.objects.filter(sku_id__isnull=False).values_list("sku_id", flat=True) if s is not None}


def trial_available(*, user_id: int | None) -> bool:
    """The trial is for members who never had a period (paid or trial)."""
    return user_id is None or not MembershipPeriod.objects.filter(user_id=user_id).exists()


# --- benefits ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Benefits:
    """What the member gets in the price waterfall now."""

    level: LevelView | None = None
    period: MembershipPeriod | None = None

    @property
    def plan(self) -> Plan | None:
        return self.period.plan if self.period is not None else None

    @property
    def member_price(self) -> bool:
        return self.period is not None or bool(self.level and self.level.member_price)

    @property
    def level_member_price(self) -> bool:
        return bool(self.level and self.level.member_price)

    @property
    def extra_discount_percent(self) -> int:
        return self.plan.extra_discount_percent if self.plan is not None else 0

    @property
    def plan_free_shipping(self) -> bool:
        return self.plan is not None and self.plan.free_shipping

    @property
    def free_shipping_threshold_fen(self) -> int | None:
        return self.level.free_shipping_threshold_fen if self.level is not None else None


def benefits_of(*, user: Any) -> Benefits:
    if user is None or not getattr(user, "is_authenticated", False):
        return Benefits()
    return Benefits(level=member_level(user_id=user.pk), period=period_now(user_id=user.pk))


# --- the refund rule -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefundQuote:
    amount_fen: int
    rule: str  # "full" | "pro_rata" | "none"
    days_unused: int
    benefit_used: bool
    why: str = ""  # when nothing can be refunded: the sentence the member reads

    @property
    def allowed(self) -> bool:
        return self.amount_fen > 0


def benefit_used(*, period: MembershipPeriod) -> bool:
    """An order took a paid member's benefit during the period and was not cancelled unpaid."""
    ids = list(BenefitUse.objects.filter(period=period).values_list("order_id", flat=True))
    if not ids:
        return False
    return any(o.status != OrderStatus.CANCELLED for o in orders_by_id(order_ids=ids).values())


def refund_quote(*, period: MembershipPeriod, now: dt.datetime | None = None) -> RefundQuote:
    """What a refund of this period would pay now (the rule in `rules`)."""
    now = now or timezone.now()
    plan = period.plan
    due = period.paid_fen - period.refunded_fen
    if plan.kind == PlanKind.TRIAL or period.order_id is None:
        return RefundQuote(0, "none", 0, False, _("免费试用无需退款"))
    if period.status != PeriodStatus.ACTIVE or due <= 0:
        return RefundQuote(0, "none", 0, False, _("该会员期已退款"))
    if period.ends_at <= now:
        return RefundQuote(0, "none", 0, False, _("该会员期已结束"))
    days_total = max(1, (period.ends_at - period.starts_at) // rules.DAY)
    left = rules.unused_days(starts_at=period.starts_at, ends_at=period.ends_at, now=now)
    used = benefit_used(period=period)
    if not used and now < period.created_at + dt.timedelta(days=plan.full_refund_days):
        return RefundQuote(due, "full", left, used)
    if plan.refund_after_use == RefundAfterUse.NONE:
        return RefundQuote(0, "none", left, used, _("已超过 %(d)s 天或已使用会员权益，该方案不支持退款")
                           % {"d": plan.full_refund_days})
    amount = min(due, rules.pro_rata_fen(paid_fen=period.paid_fen, days_total=days_total, days_unused=left))
    if amount <= 0:
        return RefundQuote(0, "pro_rata", left, used, _("没有剩余的整天可退"))
    return RefundQuote(amount, "pro_rata", left, used)


# --- the member's page ---------------------------------------------------------------------------------------------


@dataclass
class MemberStatus:
    growth: int
    level: LevelView | None
    next_level: LevelView | None
    table: list[LevelView]
    period: MembershipPeriod | None
    paid_until: dt.datetime | None
    trial_available: bool
    periods: list[MembershipPeriod] = field(default_factory=list)

    @property
    def to_next(self) -> int:
        return max(0, self.next_level.threshold - self.growth) if self.next_level else 0

    @property
    def progress_percent(self) -> int:
        """Progress from this level's threshold to the next one's, 0-100."""
        if self.next_level is None:
            return 100
        base = self.level.threshold if self.level else 0
        span = max(1, self.next_level.threshold - base)
        return max(0, min(100, (self.growth - base) * 100 // span))


def member_status(*, user: Any) -> MemberStatus:
    table = levels()
    growth = growth_cached(user_id=user.pk)
    level = level_for(growth, table)
    higher = [lv for lv in table if lv.threshold > growth]
    return MemberStatus(growth=growth, level=level, next_level=higher[0] if higher else None, table=table,
                        period=period_now(user_id=user.pk), paid_until=paid_until(user_id=user.pk),
                        trial_available=trial_available(user_id=user.pk), periods=periods_of(user_id=user.pk))


# --- the platform's membership revenue (the operators' revenue mix, quanzi/ads/revenue.py) -----------------------


def _paid_periods() -> QuerySet[MembershipPeriod]:
    return MembershipPeriod.objects.filter(order_id__isnull=False)


def paid_revenue_by_day(*, since: dt.date | None = None) -> dict[dt.date, int]:
    """What paid membership earned per day (Asia/Shanghai, the day the period was bought): paid − refunded."""
    qs = _paid_periods()
    if since is not None:
        qs = qs.filter(created_at__date__gte=since)
    rows = (qs.annotate(day=TruncDate("created_at")).values("day")
            .annotate(s=Sum(F("paid_fen") - F("refunded_fen"))).values_list("day", "s"))
    return {day: int(s or 0) for day, s in rows}


def paid_revenue_total() -> int:
    agg = _paid_periods().aggregate(paid=Sum("paid_fen"), refunded=Sum("refunded_fen"))
    return int(agg["paid"] or 0) - int(agg["refunded"] or 0)
