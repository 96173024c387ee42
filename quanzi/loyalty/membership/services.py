"""Levels and paid membership: every write.

Growth value (成长值) moves only by ledger entries with a unique key, under the member's account lock
(`locks.lock_member_account`): the entry, the cached total and — when the level moved — a `LevelChange` row and a
notification are written in one transaction, so twenty concurrent grants of one key pay once and two grants of
different keys both count.

- spending: the order's `completed` moment grants `rules.growth_for_goods(goods still paid for)` once
  (`order:<id>`); a later refund reverses what the order no longer earns (`refund:<moment id>`);
- activity: `growth_grant` (the `growth` kind of `loyalty.rewards`: tasks, check-in streaks, lottery prizes);
- an operator's adjustment (`growth_adjust`, back office).

Paid membership is bought as a virtual SKU through the normal order and payment flow (`plan_buy` places the
order, the buyer pays at the order page's cashier): the `paid` moment starts a period per plan line, stacked after
the member's current one; the `refunded` moment ends it (`period_refund` is the member's own request, by the
plan's refund rule). The trial starts here directly (it costs nothing), once per member ever (`trial:<user>`)."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.accounts.enums import NotificationKind
from quanzi.accounts.selectors import user_get
from quanzi.accounts.services import notification_create
from quanzi.catalog import services as catalog_services
from quanzi.core.errors import DomainError, NotAuthenticated
from quanzi.core.events import track
from quanzi.core.messages import msg
from quanzi.core.money import format_yuan
from quanzi.loyalty.membership import errors, rules, selectors
from quanzi.loyalty.membership.enums import GrowthKind, PeriodStatus, PlanKind
from quanzi.loyalty.membership.errors import ErrorCode
from quanzi.loyalty.membership.locks import lock_member_account
from quanzi.loyalty.membership.models import (
    BenefitUse,
    GrowthEntry,
    Level,
    LevelChange,
    MemberAccount,
    MembershipPeriod,
    PeriodChange,
    Plan,
)
from quanzi.loyalty.membership.pricing import PLAN_SHIPPING_SOURCE, PLAN_SOURCE
from quanzi.orders import services as order_services
from quanzi.orders.hooks import CheckoutContext, OrderMomentEvent
from quanzi.orders.selectors import orders_by_id
from quanzi.payments import services as payment_services

if TYPE_CHECKING:
    from quanzi.orders.models import CheckoutSession

MEMBER_SOURCE = "member"  # the member-price step's source in the order's line adjustments


def _authed(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))


def _check_key(key: Any) -> str:
    if not isinstance(key, str) or not 1 <= len(key.strip()) <= 100:
        raise errors.invalid_key()
    return key.strip()


# --- growth --------------------------------------------------------------------------------------------------------


def _grant(*, user_id: int, amount: int, kind: str, key: str, reason: str = "",
           order_id: int | None = None) -> GrowthEntry | None:
    """Write one growth entry under the member's lock, move the cached total and the level. None when the key
    was already granted (nothing written). Runs inside the caller's transaction."""
    if GrowthEntry.objects.filter(key=key).exists():
        return None
    account = lock_member_account(user_id)
    try:
        with transaction.atomic():
            entry = GrowthEntry.objects.create(user_id=user_id, amount=amount, kind=kind, key=key,
                                               reason=reason[:200], order_id=order_id)
    except IntegrityError:
        if GrowthEntry.objects.filter(key=key).exists():
            return None  # a twin committed first: it paid
        raise
    MemberAccount.objects.filter(pk=account.pk).update(growth=F("growth") + amount, updated_at=timezone.now())
    account.refresh_from_db(fields=["growth", "level"])
    _level_follow(account, entry)
    track("growth.grant", obj=entry, member_id=user_id, amount=amount, kind=kind, order_id=order_id)
    return entry


def _level_follow(account: MemberAccount, entry: GrowthEntry) -> None:
    """Move the account's level to the one its growth reaches now (holding the account lock); an upgrade is
    announced to the member, a fall (a refund reversed growth) only recorded."""
    table = selectors.levels()
    level = selectors.level_for(account.growth, table)
    new_id = level.id if level else None
    if new_id == account.level_id:
        return
    old = next((lv for lv in table if lv.id == account.level_id), None)
    # the account row is locked: the condition only states what we moved from
    MemberAccount.objects.filter(pk=account.pk).update(level_id=new_id)
    LevelChange.objects.create(user_id=account.user_id, from_level_id=account.level_id, to_level_id=new_id,
                               growth=account.growth, entry=entry)
    up = level is not None and (old is None or level.threshold > old.threshold)
    if up and level is not None and level.threshold > 0:
        notification_create(recipient=account.user_id, kind=NotificationKind.MEMBERSHIP,
                            message=msg("notify.level_up", name=level.name), url="/membership/")
    track("level.change", obj=entry, member_id=account.user_id, from_level=old.name if old else "",
          to_level=level.name if level else "", growth=account.growth, up=up)


@transaction.atomic
def growth_grant(*, user_id: int, amount: int, key: str, reason: str) -> None:
    """Activity growth (the `growth` reward of `loyalty.rewards`): `amount` once per `key`; a replay changes
    nothing. Refused: an amount outside 1..`rules.max_grant()`, an empty or too long key, an unknown member."""
    if not isinstance(amount, int) or isinstance(amount, bool) or not 1 <= amount <= rules.max_grant():
        raise errors.invalid_growth(rules.max_grant())
    key = _check_key(key)
    if user_get(user_id=user_id) is None:
        raise errors.user_not_found()
    _grant(user_id=user_id, amount=amount, kind=GrowthKind.ACTIVITY, key=key, reason=str(reason or ""))


@transaction.atomic
def growth_adjust(*, operator: Any, user_id: int, amount: int, reference: str, reason: str = "") -> GrowthEntry | None:
    """An operator adds (or, negative, takes away) growth value, e.g. a compensation or a correction; once per
    `reference`. The total never goes below zero."""
    if not (getattr(operator, "is_authenticated", False) and operator.is_staff):
        raise errors.not_operator()
    if not isinstance(amount, int) or isinstance(amount, bool) or amount == 0 or abs(amount) > rules.max_grant():
        raise errors.invalid_growth(rules.max_grant())
    reference = _check_key(reference)
    if user_get(user_id=user_id) is None:
        raise errors.user_not_found()
    if amount < 0:
        lock_member_account(user_id)
        amount = -min(-amount, selectors.growth_of(user_id=user_id))
        if amount == 0:
            raise errors.invalid_growth(rules.max_grant())
    return _grant(user_id=user_id, amount=amount, kind=GrowthKind.OPERATOR, key=f"operator:{reference}"[:100],
                  reason=reason)


def _order_goods_kept(order_id: int) -> tuple[int, int | None]:
    """What the buyer still pays for goods in the order (shipping and membership plans excluded), and the buyer."""
    order = orders_by_id(order_ids=[order_id]).get(order_id)
    if order is None:
        return 0, None
    plan_skus = selectors.plan_sku_ids()
    kept = 0
    for ln in order.lines.all():
        if ln.sku_id in plan_skus:
            continue
        kept += max(0, min(ln.goods_payable_fen, ln.payable_fen - ln.refunded_fen))
    return kept, order.buyer_id


@transaction.atomic
def on_order_completed(event: OrderMomentEvent) -> None:
    """The `completed` moment (the after-sales window closed): growth for what was paid for the goods, once."""
    goods, buyer_id = _order_goods_kept(event.order_id)
    growth = rules.growth_for_goods(goods)
    if growth <= 0 or buyer_id is None:
        return
    _grant(user_id=buyer_id, amount=growth, kind=GrowthKind.ORDER, key=f"order:{event.order_id}",
           order_id=event.order_id)


def _reverse_for_refund(event: OrderMomentEvent) -> None:
    """A refund after the order's growth was granted: take back what the order no longer earns (the grant on the
    goods still paid for now, never more than was granted), once per refund moment. Under the account lock, so
    two refunds of one order read each other's reversal."""
    granted = GrowthEntry.objects.filter(key=f"order:{event.order_id}").first()
    if granted is None:
        return  # not completed yet: the grant will count only what is still paid for
    lock_member_account(granted.user_id)
    goods, _buyer = _order_goods_kept(event.order_id)
    held = int(GrowthEntry.objects.filter(order_id=event.order_id).aggregate(s=Sum("amount"))["s"] or 0)
    target = min(granted.amount, rules.growth_for_goods(goods))
    back = held - max(0, target)
    if back > 0:
        _grant(user_id=granted.user_id, amount=-back, kind=GrowthKind.REFUND, key=f"refund:{event.moment_id}",
               order_id=event.order_id)


# --- paid membership: plans, purchase, periods ---------------------------------------------------------------------


def plan_sku_sync(*, plan: Plan) -> int:
    """Make (or update the price of) the plan's virtual SKU and remember its id."""
    sku_id = catalog_services.virtual_sku_ensure(key=f"membership:plan:{plan.pk}", title=plan.name,
                                                 price_fen=plan.price_fen)
    if plan.sku_id != sku_id:
        Plan.objects.filter(pk=plan.pk).update(sku_id=sku_id)
        plan.sku_id = sku_id
    return int(sku_id)


def plan_buy(*, user: Any, plan_id: int, idempotency_key: str) -> CheckoutSession:
    """Place the order of one paid plan (a virtual SKU: no address). The buyer pays it at the order page's
    cashier; the `paid` moment starts the membership. A replay of the key returns the first checkout."""
    _authed(user)
    plan = selectors.plan_get(plan_id=plan_id)
    if plan is None:
        raise errors.plan_not_found()
    if not plan.is_active or plan.kind == PlanKind.TRIAL:
        raise errors.plan_not_for_sale(plan.name)
    sku_id = plan_sku_sync(plan=plan)
    checkout = order_services.order_place(user=user, address_id=None, idempotency_key=idempotency_key,
                                          items=[(sku_id, 1)])
    order = checkout.orders.order_by("pk").first()
    track("membership.buy", user=user, obj=plan, order_id=order.pk if order else 0)
    return checkout


def _period_audit(period: MembershipPeriod, from_status: str, note: str) -> None:
    PeriodChange.objects.create(period=period, from_status=from_status, to_status=period.status,
                                starts_at=period.starts_at, ends_at=period.ends_at, note=note[:200])


def _start(*, user_id: int, plan: Plan, key: str, days: int, order_id: int | None = None,
           order_line_id: int | None = None, paid_fen: int = 0) -> MembershipPeriod | None:
    """Start a period of `days` for the member, stacked after their last one (holding their account lock so two
    purchases stack one after the other). None when the key already started one."""
    if MembershipPeriod.objects.filter(key=key).exists():
        return None
    lock_member_account(user_id)
    now = timezone.now()
    start = max(now, selectors.paid_until(user_id=user_id, now=now) or now)
    try:
        with transaction.atomic():
            period = MembershipPeriod.objects.create(
                user_id=user_id, plan=plan, key=key, starts_at=start, ends_at=start + dt.timedelta(days=days),
                order_id=order_id, order_line_id=order_line_id, paid_fen=paid_fen)
    except IntegrityError:
        if MembershipPeriod.objects.filter(key=key).exists():
            return None
        raise
    _period_audit(period, "", "started")
    notification_create(recipient=user_id, kind=NotificationKind.MEMBERSHIP, url="/membership/plans/",
                        message=msg("notify.membership_started", plan=plan.name,
                                    until=timezone.localtime(period.ends_at).strftime("%Y-%m-%d")))
    track("membership.start", obj=period, member_id=user_id, plan_id=plan.pk, days=days, order_id=order_id,
          stacked=start > now)
    return period


@transaction.atomic
def trial_start(*, user: Any, plan_id: int) -> MembershipPeriod:
    """The free trial: once per member ever, and only for a member who never had a period. Concurrent requests
    meet on the unique key `trial:<user>`; the account lock makes the "never had a period" check exact."""
    _authed(user)
    plan = selectors.plan_get(plan_id=plan_id)
    if plan is None:
        raise errors.plan_not_found()
    if plan.kind != PlanKind.TRIAL or not plan.is_active:
        raise errors.plan_not_for_sale(plan.name)
    lock_member_account(user.pk)
    if not selectors.trial_available(user_id=user.pk):
        raise errors.trial_used()
    period = _start(user_id=user.pk, plan=plan, key=f"trial:{user.pk}", days=plan.days)
    if period is None:
        raise errors.trial_used()
    return period


@transaction.atomic
def on_order_paid(event: OrderMomentEvent) -> None:
    """The `paid` moment: each plan line of the order starts a period (days × quantity), once per line."""
    order = orders_by_id(order_ids=[event.order_id]).get(event.order_id)
    if order is None:
        return
    lines = list(order.lines.all())
    plans = selectors.plan_by_sku(sku_ids={ln.sku_id for ln in lines})
    for ln in lines:
        plan = plans.get(ln.sku_id)
        if plan is None:
            continue
        _start(user_id=order.buyer_id, plan=plan, key=f"order-line:{ln.pk}", days=plan.days * ln.quantity,
               order_id=order.pk, order_line_id=ln.pk, paid_fen=ln.payable_fen)


def _end_for_refund(period: MembershipPeriod, fen: int) -> None:
    """End a period a refund touched (holding the account lock): it ends now (or is dropped if it had not
    started) and the periods stacked after it move forward by what it lost."""
    period = MembershipPeriod.objects.get(pk=period.pk)
    add = min(fen, period.paid_fen - period.refunded_fen)
    if period.status != PeriodStatus.ACTIVE:
        if add > 0:
            MembershipPeriod.objects.filter(pk=period.pk).update(refunded_fen=F("refunded_fen") + add)
        return
    now = timezone.now()
    old_end = period.ends_at
    new_end = max(period.starts_at, min(old_end, now))
    cut = old_end - new_end
    moved = MembershipPeriod.objects.filter(pk=period.pk, status=PeriodStatus.ACTIVE).update(
        status=PeriodStatus.REFUNDED, ends_at=new_end, refunded_fen=F("refunded_fen") + max(0, add), updated_at=now)
    if moved != 1:
        return
    period.refresh_from_db()
    _period_audit(period, PeriodStatus.ACTIVE, "ended by a refund")
    if cut > dt.timedelta(0):
        later = MembershipPeriod.objects.filter(user_id=period.user_id, status=PeriodStatus.ACTIVE,
                                                starts_at__gte=old_end).exclude(pk=period.pk)
        ids = list(later.values_list("pk", flat=True))
        later.update(starts_at=F("starts_at") - cut, ends_at=F("ends_at") - cut, updated_at=now)
        for p in MembershipPeriod.objects.filter(pk__in=ids):
            _period_audit(p, p.status, "moved forward: an earlier period was refunded")
    notification_create(recipient=period.user_id, kind=NotificationKind.MEMBERSHIP, url="/membership/plans/",
                        message=msg("notify.membership_refunded", plan=period.plan.name))
    track("membership.end", obj=period, member_id=period.user_id, order_id=period.order_id or 0,
          refunded_fen=period.refunded_fen)


@transaction.atomic
def on_order_refunded(event: OrderMomentEvent) -> None:
    """The `refunded` moment: growth the order no longer earns goes back; a refunded plan line ends its period
    (whoever asked for the refund: the member by `period_refund`, an operator, after-sales)."""
    _reverse_for_refund(event)
    periods = list(MembershipPeriod.objects.select_related("plan")
                   .filter(order_id=event.order_id, order_line_id__in=list(event.lines)))
    if not periods:
        return
    lock_member_account(periods[0].user_id)
    for period in periods:
        _end_for_refund(period, int(event.lines.get(period.order_line_id or 0, 0)))


def period_refund(*, user: Any, period_id: int) -> selectors.RefundQuote:
    """The member asks for their paid period back, by the plan's rule (`selectors.refund_quote`). The refund goes
    through payments (refund number `MB-<period id>`, so asking twice refunds once); when the gateway confirms
    it, the `refunded` moment ends the period."""
    _authed(user)
    period = selectors.period_get(user_id=user.pk, period_id=period_id)
    if period is None:
        raise errors.period_not_found()
    quote = selectors.refund_quote(period=period)
    if not quote.allowed or period.order_id is None or period.order_line_id is None:
        raise errors.refund_not_allowed(quote.why or _("该会员期不可退款"))
    payment_services.refund_create(
        amount_fen=quote.amount_fen, refund_no=f"MB-{period.pk}", order_id=period.order_id, actor=user,
        lines={period.order_line_id: quote.amount_fen},
        reason=msg("membership.refund_reason", plan=period.plan.name, amount=format_yuan(quote.amount_fen)))
    track("membership.refund_request", user=user, obj=period, amount_fen=quote.amount_fen, rule=quote.rule)
    return quote


# --- checkout: which orders used a paid member's benefits -----------------------------------------------------------


def benefit_record(ctx: CheckoutContext) -> None:
    """The checkout hook (inside the checkout transaction): an order that took a benefit only a paid period
    gives (the plan's discount or free shipping; member price when the level alone does not give it) is recorded
    against the running period, for its refund rule."""
    paid_sources = {PLAN_SOURCE, PLAN_SHIPPING_SOURCE}
    touched = any(src in paid_sources or src == MEMBER_SOURCE for o in ctx.orders for ln in o.lines
                  for src in ln.adjustments)
    if not touched:
        return
    benefits = selectors.benefits_of(user=ctx.user)
    if benefits.period is None:
        return
    counted = set(paid_sources)
    if not benefits.level_member_price:
        counted.add(MEMBER_SOURCE)
    for o in ctx.orders:
        saved = sum(fen for ln in o.lines for src, fen in ln.adjustments.items() if src in counted)
        if saved > 0:
            BenefitUse.objects.create(period=benefits.period, order_id=o.order_id, amount_fen=saved)


# --- level coupons -------------------------------------------------------------------------------------------------


@transaction.atomic
def level_set_monthly_coupons(*, operator: Any, level_id: int, template_ids: list[int]) -> None:
    """An operator sets the coupon templates a level gives every month (the back office edits the same field)."""
    if not (getattr(operator, "is_authenticated", False) and operator.is_staff):
        raise errors.not_operator()
    level = Level.objects.filter(pk=level_id).first()
    if level is None:
        raise errors.level_not_found()
    level.monthly_coupons.set(sorted(set(template_ids)))


def level_monthly_coupons_grant(*, month: str | None = None) -> tuple[int, int]:
    """Give each member the monthly coupons of their level, once per member, template and month (the reward key
    `level:monthly:<user>:<yyyy-mm>:<template>`). Safe to run every day: a member who reaches a level mid-month
    gets its coupons that month. Returns (granted or already there, refused by the coupon app)."""
    from quanzi.loyalty.rewards import Reward, reward_grant

    month = month or timezone.localtime().strftime("%Y-%m")
    table = selectors.levels()
    done = failed = 0
    for i, level in enumerate(table):
        if not level.monthly_coupon_ids:
            continue
        upper = table[i + 1].threshold if i + 1 < len(table) else None
        members = MemberAccount.objects.filter(growth__gte=level.threshold)
        if upper is not None:
            members = members.filter(growth__lt=upper)
        for user_id in members.order_by("user_id").values_list("user_id", flat=True).iterator():
            for template_id in level.monthly_coupon_ids:
                try:
                    with transaction.atomic():
                        reward_grant(user_id=user_id, reward=Reward("coupon", template_id),
                                     key=f"level:monthly:{user_id}:{month}:{template_id}",
                                     reason=f"level {level.name} {month}")
                    done += 1
                except DomainError:
                    failed += 1  # the template ran out or closed: the member's other coupons still go out
    track("membership.monthly_coupons", month=month, granted=done, failed=failed)
    return done, failed


def birthday_month_days(day: dt.date) -> list[str]:
    """The birthdays ("MM-DD") celebrated on `day`: its own, and on 28 February of a year without a 29th, the 29th's
    too (so a leap-day birthday gets its coupon every year, not one year in four)."""
    days = [day.strftime("%m-%d")]
    if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
        days.append("02-29")
    return days


def level_birthday_coupons_grant(*, day: dt.date | None = None) -> tuple[int, int]:
    """On a member's birthday (only members who consented to keep it: accounts' persona), the birthday coupons of
    their level, once per member, template and year (key `level:birthday:<user>:<yyyy>:<template>`). The job runs
    daily; a rerun the same day grants nothing twice. Returns (granted or already there, refused by the coupon
    app)."""
    from quanzi.accounts.selectors import persona_birthday_user_ids
    from quanzi.loyalty.rewards import Reward, reward_grant

    day = day or timezone.localdate()
    done = failed = 0
    for user_id in persona_birthday_user_ids(month_days=birthday_month_days(day)):
        level = selectors.member_level(user_id=user_id)
        if level is None:
            continue
        for template_id in level.birthday_coupon_ids:
            try:
                with transaction.atomic():
                    reward_grant(user_id=user_id, reward=Reward("coupon", template_id),
                                 key=f"level:birthday:{user_id}:{day.year}:{template_id}",
                                 reason=f"birthday {level.name} {day.year}")
                done += 1
            except DomainError:
                failed += 1
    track("membership.birthday_coupons", day=day.isoformat(), granted=done, failed=failed)
    return done, failed
