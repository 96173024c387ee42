"""Points: every write.

Points come in as lots and leave by draws:

- **earn** (a new lot, `expires_at` = the end of the year after it was earned, Asia/Shanghai): an order's
  `completed` moment (`EARN_PER_YUAN` per ¥1 of what the buyer paid for the goods and kept, shipping excluded),
  and `points_grant` (the "points" reward of `loyalty.rewards`: tasks, check-in streaks, invitations, operators);
- **draw** (oldest lot first, by conditional updates on `remaining`, one `PointsDraw` per lot touched, under the
  member's points lock): a checkout's redemption (inside the checkout transaction), a mall redemption, a
  claw-back of points an order earned and then refunded, an expiry;
- **restore** (new lots with the dates of the lots drawn, newest first, never more than was drawn): a cancelled
  unpaid order gives back all it redeemed, a refund the points' pro rata share of it (the `refunded` moment's
  `sources`), a cancelled mall redemption its cost.

Each movement is one `PointsEntry` with a unique key, so every one happens once however often its cause is
retried: a replay finds the key and writes nothing."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.accounts.enums import NotificationKind
from quanzi.accounts.services import notification_create
from quanzi.core.events import track
from quanzi.core.messages import Text, message_columns, msg
from quanzi.core.statemachine import StateMachine
from quanzi.loyalty import rewards
from quanzi.loyalty.points import errors, rules
from quanzi.loyalty.points.conf import conf
from quanzi.loyalty.points.enums import MallItemKind, PointsKind, RedemptionStatus
from quanzi.loyalty.points.locks import lock_points_account, lock_redemption
from quanzi.loyalty.points.models import (
    MallItem,
    MallMemberCount,
    MallRedemption,
    MallRedemptionStatusChange,
    PointsDraw,
    PointsEntry,
    PointsLot,
)
from quanzi.loyalty.points.pricing import POINTS_SOURCE
from quanzi.loyalty.points.selectors import live_lots, mall_item_get, redemption_by_request
from quanzi.orders import selectors as order_selectors
from quanzi.orders.hooks import CheckoutContext, OrderMomentEvent


def _authed(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise errors.not_authenticated()


def _operator(user: Any) -> None:
    if not (getattr(user, "is_authenticated", False) and user.is_staff):
        raise errors.not_operator()


def _new_entry(*, user_id: int, points: int, kind: str, key: str, order_id: int | None,
               reason: str) -> PointsEntry | None:
    """Write one ledger entry, or nothing when its key is already there (the movement happened)."""
    try:
        with transaction.atomic():
            return PointsEntry.objects.create(user_id=user_id, points=points, kind=kind, key=key, order_id=order_id,
                                              reason=reason[:200])
    except IntegrityError:
        if PointsEntry.objects.filter(key=key).exists():
            return None
        raise


def _earn(*, user_id: int, points: int, kind: str, key: str, order_id: int | None = None,
          reason: str = "") -> PointsEntry | None:
    """In: one entry and one lot good until the end of next year. None when the key was already booked."""
    entry = _new_entry(user_id=user_id, points=points, kind=kind, key=key, order_id=order_id, reason=reason)
    if entry is None:
        return None
    now = entry.created_at
    PointsLot.objects.create(user_id=user_id, entry=entry, amount=points, remaining=points, earned_at=now,
                             expires_at=rules.expires_at_for(now))
    return entry


def _draw(*, user_id: int, points: int, kind: str, key: str, order_id: int | None = None, reason: str = "",
          lots: list[PointsLot] | None = None, partial: bool = False) -> PointsEntry | None:
    """Out: take `points` from the member's live lots, the one expiring first first (or from `lots`), one draw row
    per lot. The caller holds the member's points lock (`lock_points_account`), so nobody else draws meanwhile;
    each take is still a conditional update on `remaining`, so a lot can never give more than it has. Short:
    refused (`points_insufficient`, nothing written) unless `partial`, which takes what there is. None when the key
    was already booked or there was nothing to take."""
    if PointsEntry.objects.filter(key=key).exists():
        return None
    lots = list(live_lots(user_id=user_id)) if lots is None else lots
    held = sum(lot.remaining for lot in lots)
    if held < points and not partial:
        raise errors.points_insufficient(held, points)
    points = min(points, held)
    if points <= 0:
        return None
    entry = _new_entry(user_id=user_id, points=-points, kind=kind, key=key, order_id=order_id, reason=reason)
    if entry is None:
        return None
    need = points
    for lot in lots:
        take = min(need, lot.remaining)
        if take <= 0:
            continue
        if PointsLot.objects.filter(pk=lot.pk, remaining__gte=take).update(remaining=F("remaining") - take) != 1:
            raise errors.points_insufficient(held - need, points)  # not under our lock: refuse, never overspend
        PointsDraw.objects.create(entry=entry, lot=lot, points=take)
        need -= take
        if need == 0:
            break
    return entry


def _restore(*, source: PointsEntry, points: int | None, kind: str, key: str, order_id: int | None = None,
             reason: str = "") -> PointsEntry | None:
    """Give back up to `points` (None: all) of what `source` drew and nothing restored yet, as new lots with the
    drawn lots' dates, the lot expiring last first (the member keeps the longest-lived points). Holds the member's
    points lock so two restores of one source cannot both give back the same draw. A restored lot already past its
    date reads as expired at once and the expiry job writes it off: as if it had never been spent."""
    lock_points_account(source.user_id)
    if PointsEntry.objects.filter(key=key).exists():
        return None
    draws = list(source.draws.select_related("lot").order_by("-lot__expires_at", "-lot_id"))
    restored = dict(PointsLot.objects.filter(origin_draw__in=draws).values("origin_draw")
                    .annotate(s=Sum("amount")).values_list("origin_draw", "s"))
    left = sum(d.points - int(restored.get(d.pk, 0)) for d in draws) if points is None else points
    plan: list[tuple[PointsDraw, int]] = []
    for d in draws:
        take = min(left, d.points - int(restored.get(d.pk, 0)))
        if take > 0:
            plan.append((d, take))
            left -= take
    total = sum(take for _d, take in plan)
    if total <= 0:
        return None
    entry = _new_entry(user_id=source.user_id, points=total, kind=kind, key=key, order_id=order_id, reason=reason)
    if entry is None:
        return None
    PointsLot.objects.bulk_create([
        PointsLot(user_id=source.user_id, entry=entry, amount=take, remaining=take, earned_at=d.lot.earned_at,
                  expires_at=d.lot.expires_at, origin_draw=d) for d, take in plan])
    return entry


# --- grants (the "points" reward) -----------------------------------------------------------------------------------


def _grant_key(key: str) -> str:
    full = f"grant:{key}"
    return full if len(full) <= 120 else "grant:" + hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def points_grant(*, user_id: int, amount: int, key: str, reason: str) -> None:
    """Give a member `amount` points once per `key` (a task, a check-in streak, an invitee's first order ...): the
    "points" granter of `loyalty.rewards`. A replay with the same key gives nothing more."""
    limit = conf("GRANT_MAX")
    if not isinstance(amount, int) or isinstance(amount, bool) or not 1 <= amount <= limit:
        raise errors.invalid_grant(limit)
    if not key:
        raise errors.invalid_grant(limit)
    entry = _earn(user_id=user_id, points=amount, kind=PointsKind.GRANT, key=_grant_key(key), reason=reason)
    if entry is not None:
        track("points.grant", user=None, obj=entry, member_id=user_id, points=amount)


def points_grant_by_operator(*, operator: Any, user_id: int, amount: int, reason: str) -> PointsEntry:
    """An operator gives points (a compensation, a campaign prize), each grant its own key."""
    _operator(operator)
    key = f"operator:{operator.pk}:{uuid.uuid4().hex}"
    points_grant(user_id=user_id, amount=amount, key=key, reason=reason)
    return PointsEntry.objects.get(key=_grant_key(key))


# --- expiry ----------------------------------------------------------------------------------------------------------


@transaction.atomic
def points_expire_lot(*, lot_id: int) -> int:
    """Write off what is left of one lot past its date, once (`expire:lot:<id>`). Returns the points expired."""
    user_id = PointsLot.objects.filter(pk=lot_id).values_list("user_id", flat=True).first()
    if user_id is None:
        return 0
    lock_points_account(user_id)
    lot = PointsLot.objects.get(pk=lot_id)
    if lot.remaining <= 0 or lot.expires_at >= timezone.now():
        return 0
    entry = _draw(user_id=user_id, points=lot.remaining, kind=PointsKind.EXPIRE, key=f"expire:lot:{lot.pk}",
                  lots=[lot])
    if entry is None:
        return 0
    track("points.expire", obj=entry, member_id=user_id, points=-entry.points, lot_id=lot.pk)
    return -entry.points


def points_expire_due(*, user_id: int | None = None, limit: int = 1000) -> int:
    """Expire every lot past its date with points left (of one member, when given), each in its own transaction.
    Returns the points expired. Safe to run twice, and alongside spends (each takes the member's lock)."""
    qs = PointsLot.objects.filter(remaining__gt=0, expires_at__lt=timezone.now())
    if user_id is not None:
        qs = qs.filter(user_id=user_id)
    return sum(points_expire_lot(lot_id=pk) for pk in list(qs.order_by("id").values_list("pk", flat=True)[:limit]))


# --- checkout and the order's moments ------------------------------------------------------------------------------


def _redeem_key(order_id: int) -> str:
    return f"redeem:order:{order_id}"


def points_redeem(ctx: CheckoutContext) -> None:
    """The checkout hook (inside the checkout transaction): book what the quote took off as points, one draw
    entry per order. Points spent meanwhile elsewhere refuse the checkout (`points_insufficient`): all rolls back."""
    per_order = {o.order_id: rules.points_for_fen(sum(ln.adjustments.get(POINTS_SOURCE, 0) for ln in o.lines))
                 for o in ctx.orders}
    per_order = {k: v for k, v in per_order.items() if v > 0}
    if not per_order:
        return
    _authed(ctx.user)
    lock_points_account(ctx.user.pk)
    lots = list(live_lots(user_id=ctx.user.pk))
    held, total = sum(lot.remaining for lot in lots), sum(per_order.values())
    if held < total:
        raise errors.points_insufficient(held, total)
    for order_id, points in sorted(per_order.items()):
        _draw(user_id=ctx.user.pk, points=points, kind=PointsKind.ORDER_REDEEM, key=_redeem_key(order_id),
              order_id=order_id)
    track("points.redeem", user=ctx.user, checkout_id=ctx.checkout_id, order_ids=sorted(per_order), points=total)


@transaction.atomic
def on_order_cancelled(event: OrderMomentEvent) -> None:
    """The `cancelled` moment (cancelled or expired unpaid): every point the order redeemed comes back, once."""
    spent = PointsEntry.objects.filter(key=_redeem_key(event.order_id)).first()
    if spent is None:
        return
    entry = _restore(source=spent, points=None, kind=PointsKind.ORDER_RETURN, key=f"cancel:order:{event.order_id}",
                     order_id=event.order_id)
    if entry is not None:
        track("points.return", obj=entry, member_id=spent.user_id, order_id=event.order_id, points=entry.points,
              reason="cancelled")


def _goods_kept_fen(order_id: int) -> int:
    """What the buyer paid for the goods of an order and has not had refunded: per line, the goods' share of the
    line's refunds (a line's payable includes its share of shipping) is taken off."""
    order = order_selectors.orders_by_id(order_ids=[order_id]).get(order_id)
    if order is None:
        return 0
    kept = 0
    for line in order.lines.all():
        goods, payable = line.goods_payable_fen, line.payable_fen
        refunded = min(line.refunded_fen, payable)
        kept += goods - (goods * refunded // payable if payable else 0)
    return kept


@transaction.atomic
def on_order_refunded(event: OrderMomentEvent) -> None:
    """The `refunded` moment, once per refund:

    - the points the order redeemed come back by their pro rata share of this refund (`sources["points"]`, in fen),
      over all refunds never more than were redeemed;
    - when the order already earned points (a refund after completion), the points it no longer earns are clawed
      back: what it earned minus what its goods kept now earn, minus what was clawed already. A member who spent
      them meanwhile loses what they hold and no more (points never go below zero); the shortfall is tried again
      on the next refund of the order."""
    spent = PointsEntry.objects.filter(key=_redeem_key(event.order_id)).first()
    fen = int(event.sources.get(POINTS_SOURCE, 0))
    if spent is not None and fen > 0:
        back = PointsEntry.objects.filter(order_id=event.order_id, kind=PointsKind.REFUND_RETURN)\
            .aggregate(s=Sum("points"))["s"] or 0
        points = min(rules.points_for_fen(fen), -spent.points - int(back))
        entry = _restore(source=spent, points=points, kind=PointsKind.REFUND_RETURN,
                         key=f"refund:moment:{event.moment_id}", order_id=event.order_id) if points > 0 else None
        if entry is not None:
            track("points.return", obj=entry, member_id=spent.user_id, order_id=event.order_id, points=entry.points,
                  reason="refunded")
    earned = PointsEntry.objects.filter(key=f"earn:order:{event.order_id}").first()
    if earned is None:
        return
    clawed = -int(PointsEntry.objects.filter(order_id=event.order_id, kind=PointsKind.CLAWBACK)
                  .aggregate(s=Sum("points"))["s"] or 0)
    owed = earned.points - min(earned.points, rules.earned_for(_goods_kept_fen(event.order_id))) - clawed
    if owed <= 0:
        return
    lock_points_account(earned.user_id)
    entry = _draw(user_id=earned.user_id, points=owed, kind=PointsKind.CLAWBACK,
                  key=f"clawback:moment:{event.moment_id}", order_id=event.order_id, partial=True)
    if entry is not None:
        track("points.clawback", obj=entry, member_id=earned.user_id, order_id=event.order_id, points=-entry.points,
              owed=owed)


@transaction.atomic
def on_order_completed(event: OrderMomentEvent) -> None:
    """The `completed` moment (the after-sales window closed): the order earns its points, once."""
    kept = _goods_kept_fen(event.order_id)
    points = rules.earned_for(kept)
    if points <= 0:
        return
    order = order_selectors.orders_by_id(order_ids=[event.order_id])[event.order_id]
    entry = _earn(user_id=event.buyer_id, points=points, kind=PointsKind.ORDER_EARN, key=f"earn:order:{event.order_id}",
                  order_id=event.order_id, reason=order.number)
    if entry is None:
        return
    track("points.earn", obj=entry, member_id=event.buyer_id, order_id=event.order_id, points=points)
    notification_create(recipient=event.buyer_id, kind=NotificationKind.POINTS, url="/points/",
                        message=msg("notify.points_earned", n=order.number, p=str(points)))


# --- the points mall ------------------------------------------------------------------------------------------------


def _audit(row: MallRedemption, from_status: str, to_status: str, actor: Any, note: Text) -> None:
    MallRedemptionStatusChange.objects.create(redemption=row, from_status=from_status, to_status=to_status,
                                              actor=actor, **message_columns(note, model=MallRedemptionStatusChange,
                                                                             text="note"))


REDEMPTION_MACHINE: StateMachine[MallRedemption] = StateMachine(
    model=MallRedemption, transitions=rules.TRANSITIONS, audit=_audit,
    illegal=lambda c, t: errors.illegal_transition(str(RedemptionStatus(c).label), str(RedemptionStatus(t).label)))


@dataclass(frozen=True)
class _Ship:
    name: str = ""
    phone: str = ""
    address: str = ""


def _ship_to(user: Any, item: MallItem, address_id: int | None) -> _Ship:
    if item.kind != MallItemKind.GOODS:
        return _Ship()
    if not address_id:
        raise errors.address_required()
    address = order_selectors.address_get(user=user, address_id=address_id)
    return _Ship(name=address.name, phone=address.phone, address=address.full_text)


def mall_redeem(*, user: Any, item_id: int, request_key: str = "", address_id: int | None = None) -> MallRedemption:
    """Buy a mall item with points. The item's stock and the member's limit move by conditional updates, the
    coupon is granted (goods wait for shipping), then the points are drawn under the member's points lock, all in
    one transaction: any refusal (`item_sold_out`, `item_limit_reached`, `points_insufficient` ...) changes
    nothing. `request_key` makes a retry return the first redemption."""
    _authed(user)
    request_key = (request_key or uuid.uuid4().hex).strip()[:64]
    try:
        return _mall_redeem(user=user, item_id=item_id, request_key=request_key, address_id=address_id)
    except IntegrityError:  # the same request committed meanwhile (its unique key): answer with it
        first = redemption_by_request(user_id=user.pk, request_key=request_key)
        if first is None:
            raise
        return first


@transaction.atomic
def _mall_redeem(*, user: Any, item_id: int, request_key: str, address_id: int | None) -> MallRedemption:
    first = redemption_by_request(user_id=user.pk, request_key=request_key)
    if first is not None:
        return first
    item = mall_item_get(item_id=item_id)
    if item is None:
        raise errors.item_not_found()
    ship = _ship_to(user, item, address_id)
    held = sum(lot.remaining for lot in live_lots(user_id=user.pk))
    if held < item.cost_points:  # the quick answer; the draw below checks again under the lock
        raise errors.points_insufficient(held, item.cost_points)
    now = timezone.now()
    if MallItem.objects.filter(pk=item.pk, is_active=True, redeemed_count__lt=F("stock"))\
            .update(redeemed_count=F("redeemed_count") + 1, updated_at=now) != 1:
        raise errors.item_sold_out()
    counter, _created = MallMemberCount.objects.get_or_create(item=item, user=user)
    if MallMemberCount.objects.filter(pk=counter.pk, count__lt=item.per_member_limit)\
            .update(count=F("count") + 1) != 1:
        raise errors.item_limit_reached(item.per_member_limit)
    is_coupon = item.kind == MallItemKind.COUPON
    redemption = MallRedemption.objects.create(
        item=item, user=user, points=item.cost_points, request_key=request_key,
        status=RedemptionStatus.DONE if is_coupon else RedemptionStatus.PENDING,
        ship_name=ship.name, ship_phone=ship.phone, ship_address=ship.address)
    if is_coupon and item.coupon_template_id is not None:
        rewards.reward_grant(user_id=user.pk, reward=rewards.Reward("coupon", item.coupon_template_id),
                             key=f"points-mall:{redemption.pk}", reason=item.title)
    lock_points_account(user.pk)  # last: after the item, the member counter and the coupon template
    entry = _draw(user_id=user.pk, points=item.cost_points, kind=PointsKind.MALL_REDEEM,
                  key=f"mall:{redemption.pk}", reason=item.title)
    MallRedemption.objects.filter(pk=redemption.pk).update(entry=entry)
    redemption.entry = entry
    track("points.mall_redeem", user=user, obj=redemption, item_id=item.pk, points=item.cost_points,
          kind=item.kind)
    return redemption


def _redemption(redemption_id: int) -> MallRedemption:
    if not MallRedemption.objects.filter(pk=redemption_id).exists():
        raise errors.redemption_not_found()
    return lock_redemption(redemption_id)


@transaction.atomic
def mall_redemption_ship(*, operator: Any, redemption_id: int, carrier: str, tracking_no: str) -> MallRedemption:
    """The operator (or the merchant through them) ships redeemed goods: pending → shipped, the member is told."""
    _operator(operator)
    carrier, tracking_no = (carrier or "").strip()[:40], (tracking_no or "").strip()[:60]
    if not carrier or not tracking_no:
        raise errors.invalid_tracking()
    row = _redemption(redemption_id)
    row = REDEMPTION_MACHINE.move(row, RedemptionStatus.SHIPPED, actor=operator, note=f"{carrier} {tracking_no}",
                                  carrier=carrier, tracking_no=tracking_no)
    item = MallItem.objects.get(pk=row.item_id)
    track("points.mall_ship", user=operator, obj=row, item_id=row.item_id)
    notification_create(recipient=row.user_id, kind=NotificationKind.POINTS, url="/points/mall/",
                        message=msg("notify.points_mall_shipped", t=item.title, c=carrier, no=tracking_no))
    return row


@transaction.atomic
def mall_redemption_cancel(*, operator: Any, redemption_id: int, reason: str = "") -> MallRedemption:
    """The operator cancels redeemed goods not shipped yet (out of stock, an address that cannot be reached): the
    unit goes back to the item, the member's count back by one, the points back as they were drawn."""
    _operator(operator)
    row = _redemption(redemption_id)
    row = REDEMPTION_MACHINE.move(row, RedemptionStatus.CANCELLED, actor=operator, note=(reason or "").strip()[:200])
    MallItem.objects.filter(pk=row.item_id, redeemed_count__gt=0).update(redeemed_count=F("redeemed_count") - 1,
                                                                        updated_at=timezone.now())
    MallMemberCount.objects.filter(item_id=row.item_id, user_id=row.user_id, count__gt=0)\
        .update(count=F("count") - 1)
    spent = PointsEntry.objects.filter(key=f"mall:{row.pk}").first()
    back = _restore(source=spent, points=None, kind=PointsKind.MALL_RETURN, key=f"mall-cancel:{row.pk}",
                    reason=row.item.title) if spent is not None else None
    track("points.mall_cancel", user=operator, obj=row, item_id=row.item_id, points=back.points if back else 0)
    notification_create(recipient=row.user_id, kind=NotificationKind.POINTS, url="/points/",
                        message=msg("notify.points_mall_cancelled", t=row.item.title, p=str(row.points)))
    return row


@transaction.atomic
def mall_item_create(*, operator: Any, title: str, kind: str, cost_points: int, stock: int, per_member_limit: int = 1,
                     description: str = "", coupon_template_id: int | None = None, sort_order: int = 0) -> MallItem:
    """An operator lists an item in the mall (the back office's form checks the same rules)."""
    _operator(operator)
    title = (title or "").strip()[:60]
    if not title:
        raise errors.invalid_item(_("请填写商品名称"))
    mall_item_check(kind=kind, cost_points=cost_points, stock=stock, per_member_limit=per_member_limit,
                    coupon_template_id=coupon_template_id)
    return MallItem.objects.create(title=title, description=(description or "").strip()[:200], kind=kind,
                                   cost_points=cost_points, stock=stock, per_member_limit=per_member_limit,
                                   coupon_template_id=coupon_template_id, sort_order=sort_order)


def mall_item_check(*, kind: str, cost_points: int, stock: int, per_member_limit: int,
                    coupon_template_id: int | None) -> None:
    """What an operator's item must satisfy (the admin form shows the message)."""
    if kind == MallItemKind.COUPON and coupon_template_id is None:
        raise errors.invalid_item(_("优惠券类商品须选择优惠券模板"))
    if kind == MallItemKind.GOODS and coupon_template_id is not None:
        raise errors.invalid_item(_("实物商品不关联优惠券模板"))
    if cost_points < 1 or per_member_limit < 1 or stock < 0:
        raise errors.invalid_item(_("所需积分与每人限兑须至少为 1"))
