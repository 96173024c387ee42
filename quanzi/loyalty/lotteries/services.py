"""Lotteries: every write. One function per business moment:

- `lottery_create`: an organiser (a community's owner or admin, or an operator) sets up the pool; the platform
  draws the secret seed now and publishes its hash (commit);
- `lottery_enter`: a member takes their one number (members / check-in streak lotteries);
- `on_order_paid` / `on_order_refunded` (orders hooks): a buyer of the eligible product gets one number per paid
  order; a full refund before the draw revokes it;
- `lottery_draw`: at the draw time (the job) or by hand (the organiser, after the close), exactly once: the
  lottery row is locked and moved open → drawn, the valid numbers are hashed and `verify.draw` picks the winners
  (reveal: the seed is public from then on);
- `lottery_grant_prizes`: each winner's reward through `loyalty.rewards` by a unique key (retried by the job);
  goods wait for the organiser (`lottery_prize_ship`);
- `lottery_cancel`: an operator stops a lottery before its draw.

Nothing here takes money: a number is never sold (see `rules`)."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.accounts.enums import NotificationKind
from quanzi.accounts.services import notification_create
from quanzi.communities.selectors import active_role, community_by_id
from quanzi.core.errors import DomainError, NotAuthenticated
from quanzi.core.events import track
from quanzi.core.messages import Text, message_columns, msg
from quanzi.core.statemachine import StateMachine
from quanzi.loyalty import rewards
from quanzi.loyalty.lotteries import errors, rules, selectors, verify
from quanzi.loyalty.lotteries.enums import (
    Eligibility,
    EntrySource,
    EntryStatus,
    Fulfilment,
    LotteryStatus,
    PrizeKind,
)
from quanzi.loyalty.lotteries.errors import ErrorCode
from quanzi.loyalty.lotteries.locks import lock_lottery
from quanzi.loyalty.lotteries.models import (
    Lottery,
    LotteryEntry,
    LotteryPrize,
    LotteryStatusChange,
    LotteryWinner,
)
from quanzi.orders.hooks import OrderMomentEvent

logger = logging.getLogger("quanzi.lotteries")


def _audit(lottery: Lottery, from_status: str, to_status: str, actor: Any, note: Text) -> None:
    LotteryStatusChange.objects.create(lottery=lottery, from_status=from_status, to_status=to_status, actor=actor,
                                       **message_columns(note, model=LotteryStatusChange, text="note"))


LOTTERY_MACHINE: StateMachine[Lottery] = StateMachine(
    model=Lottery, transitions=rules.TRANSITIONS, audit=_audit,
    illegal=lambda c, t: errors.illegal_transition(str(LotteryStatus(c).label), str(LotteryStatus(t).label)))


def _authed(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))


def _lottery(lottery_id: int) -> Lottery:
    lottery = selectors.lottery_get(lottery_id=lottery_id)
    if lottery is None:
        raise errors.lottery_not_found()
    return lottery


# --- creation ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrizeSpec:
    """One tier as the organiser describes it. `amount`: points, growth value, or the coupon template id;
    `value_fen`: the cash value of one prize for coupons and goods (a coupon without one: its face value)."""

    name: str
    count: int
    kind: str
    amount: int = 0
    value_fen: int = 0


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_times(opens_at: Any, closes_at: Any, draw_at: Any, now: dt.datetime) -> None:
    if not all(isinstance(t, dt.datetime) and timezone.is_aware(t) for t in (opens_at, closes_at, draw_at)):
        raise errors.invalid_times(_("请填写开始、截止和开奖时间"))
    if closes_at <= opens_at or closes_at <= now:
        raise errors.invalid_times(_("截止时间须晚于开始时间，且在现在之后"))
    if closes_at - opens_at > rules.MAX_WINDOW:
        raise errors.invalid_times(_("报名期最长 %(n)s 天") % {"n": rules.MAX_WINDOW.days})
    if draw_at < closes_at or draw_at - closes_at > rules.MAX_DRAW_DELAY:
        raise errors.invalid_times(_("开奖时间须在截止之后 %(n)s 天内") % {"n": rules.MAX_DRAW_DELAY.days})


def _check_prizes(prizes: list[PrizeSpec]) -> list[tuple[PrizeSpec, int]]:
    """Each tier with the value of one prize; refuses a tier above the legal cap with `prize_above_cap`."""
    if not prizes or len(prizes) > rules.MAX_TIERS:
        raise errors.invalid_prizes(_("奖项须为 1 到 %(n)s 个") % {"n": rules.MAX_TIERS})
    out = []
    for p in prizes:
        name = (p.name or "").strip()
        if not name or len(name) > rules.PRIZE_NAME_MAX:
            raise errors.invalid_prizes(_("奖品名称须为 1 到 %(n)s 个字") % {"n": rules.PRIZE_NAME_MAX})
        if not _int(p.count) or p.count < 1:
            raise errors.invalid_prizes(_("奖品数量至少为 1"))
        if p.kind not in PrizeKind.values:
            raise errors.invalid_prizes(_("奖品类型不对"))
        if not _int(p.amount) or not _int(p.value_fen) or p.amount < 0 or p.value_fen < 0:
            raise errors.invalid_prizes(_("奖品数额须为非负整数"))
        declared = p.value_fen
        if p.kind in rules.REWARD_KINDS:
            if p.amount < 1:
                raise errors.invalid_prizes(_("请填写积分、成长值数量或优惠券"))
            if p.kind not in rewards.GRANTERS:
                raise errors.invalid_prizes(_("暂时不能发放这类奖品：%(k)s") % {"k": PrizeKind(p.kind).label})
        if p.kind == PrizeKind.COUPON:
            from quanzi.growth.coupons.selectors import template_get

            try:
                template = template_get(template_id=p.amount)
            except DomainError:
                raise errors.invalid_prizes(_("优惠券不存在：%(id)s") % {"id": p.amount}) from None
            declared = declared or template.amount_fen
        if p.kind in (PrizeKind.COUPON, PrizeKind.GOODS) and declared < 1:
            raise errors.invalid_prizes(_("请填写「%(name)s」的价值") % {"name": name})
        value = rules.prize_value_fen(p.kind, p.amount, declared)
        if value > rules.TOP_PRIZE_CAP_FEN:
            raise errors.prize_above_cap(name, value, rules.TOP_PRIZE_CAP_FEN)
        out.append((PrizeSpec(name=name, count=p.count, kind=p.kind, amount=p.amount, value_fen=value), value))
    if sum(p.count for p, _v in out) > rules.MAX_PRIZES:
        raise errors.invalid_prizes(_("奖品总数最多 %(n)s 个") % {"n": rules.MAX_PRIZES})
    return out


@transaction.atomic
def lottery_create(*, actor: Any, title: str, eligibility: str, opens_at: dt.datetime, closes_at: dt.datetime,
                   draw_at: dt.datetime, prizes: list[PrizeSpec], community_id: int | None = None,
                   campaign: str = "", rules_text: str = "", min_streak: int = 0,
                   product_id: int | None = None) -> Lottery:
    """Set up a lottery. A community's lottery is created by its owner or an admin (or an operator); a platform
    campaign's (no community) by an operator, and only for buyers of a product. The seed is drawn here with
    `secrets` and only its SHA-256 is ever shown before the draw. Bad input changes nothing."""
    _authed(actor)
    title = (title or "").strip()
    if not title or len(title) > rules.TITLE_MAX:
        raise errors.invalid_title(rules.TITLE_MAX)
    rules_text = (rules_text or "").strip()[:rules.RULES_MAX]
    campaign = (campaign or "").strip()[:60]
    community = None
    if community_id is not None:
        community = community_by_id(community_id=community_id)
        if community is None:
            raise errors.community_not_found()
    if not selectors.can_manage(user=actor, community=community):
        raise errors.not_organiser()
    if eligibility not in Eligibility.values:
        raise errors.invalid_prizes(_("参与条件不对"))
    if eligibility in (Eligibility.MEMBERS, Eligibility.CHECKIN_STREAK) and community is None:
        raise errors.community_required()
    if eligibility == Eligibility.CHECKIN_STREAK:
        if not _int(min_streak) or not 1 <= min_streak <= rules.MAX_STREAK:
            raise errors.invalid_times(_("连续打卡天数须在 1 到 %(n)s 之间") % {"n": rules.MAX_STREAK})
    else:
        min_streak = 0
    product = None
    if eligibility == Eligibility.BUYERS:
        from quanzi.catalog.selectors import product_get

        if product_id is None:
            raise errors.product_not_eligible()
        try:
            product = product_get(product_id=product_id, user=actor)
        except DomainError:
            raise errors.product_not_eligible() from None
        # a virtual product bought for its number would be a paid lottery ticket
        if getattr(product, "fulfilment", "ship") != "ship":
            raise errors.product_not_eligible()
    now = timezone.now()
    _check_times(opens_at, closes_at, draw_at, now)
    tiers = _check_prizes(list(prizes))
    seed = secrets.token_bytes(32).hex()
    lottery = Lottery.objects.create(
        community=community, campaign=campaign, title=title, rules_text=rules_text, created_by=actor,
        eligibility=eligibility, min_streak=min_streak, product=product, opens_at=opens_at, closes_at=closes_at,
        draw_at=draw_at, seed_hex=seed, seed_hash=verify.seed_hash(seed))
    LotteryPrize.objects.bulk_create([
        LotteryPrize(lottery=lottery, tier=i, name=p.name, count=p.count, kind=p.kind, amount=p.amount,
                     value_fen=value) for i, (p, value) in enumerate(tiers, start=1)])
    _audit(lottery, "", LotteryStatus.OPEN, actor, msg("lottery.created"))
    track("lottery.create", user=actor, obj=lottery, community_id=lottery.community_id, eligibility=eligibility,
          tiers=len(tiers), prizes=sum(p.count for p, _v in tiers), top_value_fen=max(v for _p, v in tiers))
    return lottery


# --- entries -------------------------------------------------------------------------------------------------------


def _issue(lottery: Lottery, *, user_id: int, source: str, order_id: int | None, at: dt.datetime,
           before_close: bool) -> LotteryEntry:
    """Give one lucky number: the counter moves by a conditional update on the lottery while it is open (and,
    with `before_close`, while its entries have not closed: a member's own entry), which holds the row to the
    commit, so the draw waits for us; then the entry row. A second number for the same member (or order) breaks
    a unique constraint and everything rolls back (`already_entered`)."""
    still_open = Lottery.objects.filter(pk=lottery.pk, status=LotteryStatus.OPEN)
    if before_close:
        still_open = still_open.filter(closes_at__gt=timezone.now())
    moved = still_open.update(numbers_issued=F("numbers_issued") + 1, updated_at=timezone.now())
    if moved != 1:
        raise errors.entries_closed()
    number = Lottery.objects.filter(pk=lottery.pk).values_list("numbers_issued", flat=True).get()
    try:
        with transaction.atomic():
            entry = LotteryEntry.objects.create(lottery=lottery, user_id=user_id, number=number, source=source,
                                                order_id=order_id)
    except IntegrityError:
        raise errors.already_entered() from None
    track("lottery.enter", user=entry.user, obj=lottery, community_id=lottery.community_id, number=number,
          source=source, order_id=order_id, at=at)
    return entry


def _check_window(lottery: Lottery, at: dt.datetime) -> None:
    if lottery.status == LotteryStatus.CANCELLED:
        raise errors.lottery_cancelled()
    if lottery.status == LotteryStatus.DRAWN or at >= lottery.closes_at:
        raise errors.entries_closed()
    if at < lottery.opens_at:
        raise errors.entries_not_open()


@transaction.atomic
def lottery_enter(*, user: Any, lottery_id: int) -> LotteryEntry:
    """A member takes their number: one per member and lottery, while entries are open, if eligible (a member of
    the community; for a streak lottery, a current check-in streak of at least N days). A buyers' lottery takes
    no entries here: its numbers come with paid orders."""
    _authed(user)
    lottery = _lottery(lottery_id)
    if not selectors.lottery_visible(lottery=lottery, user=user):
        raise errors.lottery_not_found()
    now = timezone.now()
    _check_window(lottery, now)
    if lottery.eligibility == Eligibility.BUYERS:
        raise errors.entry_by_purchase_only(lottery.product.title if lottery.product else lottery.title)
    community = lottery.community
    if community is None or active_role(user=user, community=community) is None:
        raise errors.not_eligible(community.name if community else "")
    source = EntrySource.MEMBER
    if lottery.eligibility == Eligibility.CHECKIN_STREAK:
        from quanzi.content.selectors import checkin_streak

        streak = checkin_streak(user=user, community=community)
        if streak < lottery.min_streak:
            raise errors.streak_too_short(streak, lottery.min_streak)
        source = EntrySource.STREAK
    if LotteryEntry.objects.filter(lottery=lottery, user=user, order_id__isnull=True).exists():
        raise errors.already_entered()
    return _issue(lottery, user_id=user.pk, source=source, order_id=None, at=now, before_close=True)


def _order(order_id: int) -> Any:
    from quanzi.orders.selectors import orders_by_id

    return orders_by_id(order_ids=[order_id]).get(order_id)


@transaction.atomic
def on_order_paid(event: OrderMomentEvent) -> None:
    """The `paid` moment: one number in every open buyers' lottery of a product in the order, when the payment
    came inside the entry window (a hook run late, before the draw, still counts its payment's time). Once per
    order and lottery (unique constraint), so a replay gives nothing twice."""
    order = _order(event.order_id)
    if order is None:
        return
    product_ids = sorted({ln.product_id for ln in order.lines.all()})
    lotteries = Lottery.objects.filter(eligibility=Eligibility.BUYERS, status=LotteryStatus.OPEN,
                                       product_id__in=product_ids, opens_at__lte=event.at,
                                       closes_at__gt=event.at).order_by("pk")
    for lottery in lotteries:
        if LotteryEntry.objects.filter(lottery=lottery, order_id=event.order_id).exists():
            continue
        try:
            with transaction.atomic():
                entry = _issue(lottery, user_id=event.buyer_id, source=EntrySource.ORDER, order_id=event.order_id,
                               at=event.at, before_close=False)
        except DomainError:  # drawn meanwhile, or a concurrent replay took it: nothing to give
            continue
        notification_create(recipient=event.buyer_id, kind=NotificationKind.LOTTERY,
                            message=msg("notify.lottery_number", t=lottery.title, n=entry.shown_number),
                            url=f"/lotteries/{lottery.pk}/")


@transaction.atomic
def on_order_refunded(event: OrderMomentEvent) -> None:
    """The `refunded` moment: when the order is now refunded in full, its numbers in lotteries not drawn yet are
    revoked (kept, marked revoked, listed as such in the published data). A partial refund keeps the number;
    after the draw the result stands. The lottery row is locked so a revocation and a draw never interleave."""
    order = _order(event.order_id)
    if order is None or order.paid_fen <= 0 or order.refunded_fen < order.paid_fen:
        return
    entries = list(LotteryEntry.objects.filter(order_id=event.order_id, status=EntryStatus.VALID)
                   .order_by("lottery_id"))
    for entry in entries:
        lottery = lock_lottery(entry.lottery_id)
        if lottery.status != LotteryStatus.OPEN:
            continue
        now = timezone.now()
        if LotteryEntry.objects.filter(pk=entry.pk, status=EntryStatus.VALID).update(
                status=EntryStatus.REVOKED, revoked_at=now) != 1:
            continue
        track("lottery.entry_revoke", obj=lottery, community_id=lottery.community_id, number=entry.number,
              order_id=event.order_id)
        notification_create(recipient=entry.user_id, kind=NotificationKind.LOTTERY,
                            message=msg("notify.lottery_number_revoked", t=lottery.title, n=entry.shown_number),
                            url=f"/lotteries/{lottery.pk}/")


# --- the draw ------------------------------------------------------------------------------------------------------


def _draw_locked(lottery: Lottery, *, actor: Any, now: dt.datetime) -> Lottery:
    """Inside the transaction that holds the lottery row: pick the winners from the valid numbers, write them,
    move the lottery to drawn (which publishes the seed)."""
    numbers = selectors.valid_numbers(lottery_id=lottery.pk)
    prizes = selectors.prizes_of(lottery)
    by_tier = {p.tier: p for p in prizes}
    picked = verify.assign([(p.tier, p.count) for p in prizes],
                           verify.draw(lottery.seed_hex, numbers, sum(p.count for p in prizes)))
    entries = {e.number: e for e in LotteryEntry.objects.filter(lottery=lottery, number__in=[n for _t, n in picked])}
    LotteryWinner.objects.bulk_create([
        LotteryWinner(lottery=lottery, prize=by_tier[tier], entry=entries[number], user_id=entries[number].user_id,
                      rank=rank,
                      fulfilment=Fulfilment.TO_SHIP if by_tier[tier].kind == PrizeKind.GOODS else Fulfilment.PENDING,
                      grant_key=f"lottery:{lottery.pk}:{number}")
        for rank, (tier, number) in enumerate(picked, start=1)])
    LOTTERY_MACHINE.move(lottery, LotteryStatus.DRAWN, actor=actor,
                         note=msg("lottery.drawn", n=str(len(numbers)), w=str(len(picked))),
                         drawn_at=now, entries_digest=verify.entries_digest(numbers), entries_at_draw=len(numbers))
    for tier, number in picked:
        notification_create(recipient=entries[number].user_id, kind=NotificationKind.LOTTERY,
                            message=msg("notify.lottery_won", t=lottery.title, prize=by_tier[tier].name,
                                        n=rules.show_number(number)),
                            url=f"/lotteries/{lottery.pk}/")
    track("lottery.draw", user=actor, obj=lottery, community_id=lottery.community_id, entries=len(numbers),
          winners=len(picked), by="hand" if actor is not None else "job")
    return lottery


def lottery_draw(*, lottery_id: int, actor: Any = None) -> Lottery:
    """Draw once. By hand (`actor`: the organiser or an operator) any time after the entries closed; by the job
    (`actor=None`) once the draw time has come. The lottery row is locked and its status checked under the lock,
    so of concurrent draws exactly one draws and the others get `already_drawn` (the job: nothing). The rewards
    are granted after the commit (`lottery_grant_prizes`, retried by the job)."""
    if actor is not None:
        _authed(actor)
    with transaction.atomic():
        lottery = _lottery(lottery_id)
        if actor is not None and not selectors.can_manage(user=actor, community=lottery.community):
            raise errors.not_organiser()
        lottery = lock_lottery(lottery_id)
        now = timezone.now()
        if actor is None and (lottery.status != LotteryStatus.OPEN or now < lottery.draw_at):
            return lottery  # the job: drawn already, cancelled, or not due yet
        if lottery.status == LotteryStatus.DRAWN:
            raise errors.already_drawn()
        if lottery.status == LotteryStatus.CANCELLED:
            raise errors.lottery_cancelled()
        if now < lottery.closes_at:
            raise errors.draw_too_early()
        lottery = _draw_locked(lottery, actor=actor, now=now)
    lottery_grant_prizes(lottery_id=lottery.pk)
    return lottery


def lottery_grant_prizes(*, lottery_id: int) -> int:
    """Grant every pending reward of a drawn lottery through `loyalty.rewards`, each by its unique key
    (`lottery:<id>:<number>`): the granter pays once however often this runs. A granter that fails leaves the
    winner pending for the next run. Returns the number granted now."""
    granted = 0
    winners = list(LotteryWinner.objects.filter(lottery_id=lottery_id, fulfilment=Fulfilment.PENDING)
                   .select_related("prize", "lottery").order_by("rank"))
    for w in winners:
        try:
            with transaction.atomic():
                rewards.reward_grant(user_id=w.user_id, reward=rewards.Reward(w.prize.kind, w.prize.amount),
                                     key=w.grant_key, reason=f"lottery:{lottery_id}:{w.prize.tier}")
                moved = LotteryWinner.objects.filter(pk=w.pk, fulfilment=Fulfilment.PENDING).update(
                    fulfilment=Fulfilment.GRANTED, fulfilled_at=timezone.now())
                if moved:
                    granted += 1
                    track("lottery.prize_grant", user=w.user, obj=w, community_id=w.lottery.community_id,
                          kind=w.prize.kind, amount=w.prize.amount)
        except (DomainError, KeyError) as exc:
            logger.warning("lottery %s: prize for %s not granted yet: %s", lottery_id, w.grant_key, exc)
    return granted


@transaction.atomic
def lottery_prize_ship(*, actor: Any, winner_id: int, note: str = "") -> LotteryWinner:
    """The organiser records that a goods prize was shipped (carrier and tracking number in `note`)."""
    _authed(actor)
    winner = LotteryWinner.objects.select_related("lottery", "lottery__community").filter(pk=winner_id).first()
    if winner is None:
        raise errors.winner_not_found()
    if not selectors.can_manage(user=actor, community=winner.lottery.community):
        raise errors.not_organiser()
    moved = LotteryWinner.objects.filter(pk=winner.pk, fulfilment=Fulfilment.TO_SHIP).update(
        fulfilment=Fulfilment.SHIPPED, fulfilled_at=timezone.now(), note=(note or "").strip()[:200])
    if moved != 1:
        raise errors.illegal_transition(str(Fulfilment(winner.fulfilment).label), str(Fulfilment.SHIPPED.label))
    winner.refresh_from_db()
    track("lottery.prize_ship", user=actor, obj=winner, community_id=winner.lottery.community_id)
    return winner


@transaction.atomic
def lottery_cancel(*, actor: Any, lottery_id: int) -> Lottery:
    """An operator stops a lottery before its draw (a complaint, a mistake). Its seed stays secret."""
    _authed(actor)
    if not actor.is_staff:
        raise errors.not_organiser()
    lottery = lock_lottery(_lottery(lottery_id).pk)
    lottery = LOTTERY_MACHINE.move(lottery, LotteryStatus.CANCELLED, actor=actor, note=msg("lottery.cancelled"))
    track("lottery.cancel", user=actor, obj=lottery, community_id=lottery.community_id)
    return lottery


def lotteries_draw_due() -> int:
    """The job: draw every lottery whose draw time has come, each in its own transaction, and retry the rewards
    a granter could not pay. Returns the number drawn."""
    drawn = 0
    for pk in selectors.due_lottery_ids():
        try:
            if lottery_draw(lottery_id=pk).status == LotteryStatus.DRAWN:
                drawn += 1
        except DomainError as exc:
            logger.warning("lottery %s not drawn: %s", pk, exc.code)
    for pk in selectors.pending_grant_lottery_ids():
        lottery_grant_prizes(lottery_id=pk)
    return drawn
