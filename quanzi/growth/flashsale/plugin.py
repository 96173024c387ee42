"""How flash sales plug into orders (registered in apps.py; orders never imports this):

- pricing (`CAMPAIGN_ADJUSTERS`): with `options.campaign_id` naming a live flash-sale item and
  `options.campaign_kind == "flashsale"`, its SKU's line is charged the flash price (a campaign adjustment, source
  `flashsale:<item id>`); a member price below it stays;
- before stock (`before_stock_reserve`): the checkout takes its units from the allotment by conditional updates
  (`FlashItem.reserved` never above `allotment`, the member's counter never above the limit) and puts them back
  into the SKU's stock, so the order reserves them like any other, in the same transaction;
- at checkout (`on_checkout`): one reservation row per order, and the order's payment window shortened to the
  session's (5 minutes by default) through `orders.services.order_payment_window_shorten`;
- moments: `paid` marks the reservation paid; `cancelled` (the buyer cancelled, or the window ran out) returns the
  unit to the allotment and the member's count; `refunded` books what was refunded (the unit goes to normal
  stock with the order's, the allotment does not take back a sold unit);
- the product page shows a panel with the flash price and a countdown while a session for the product is on.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.catalog.services import stock_allot, stock_unallot
from quanzi.core.events import track
from quanzi.core.messages import Text, message_columns
from quanzi.core.statemachine import StateMachine
from quanzi.growth.flashsale import counters, errors, selectors
from quanzi.growth.flashsale.enums import ReservationStatus, SessionPhase
from quanzi.growth.flashsale.models import (
    FlashItem,
    FlashMemberCount,
    FlashReservation,
    FlashReservationStatusChange,
)
from quanzi.growth.flashsale.rules import RESERVATION_TRANSITIONS, flash_item_of, session_phase, source_of
from quanzi.growth.flashsale.services import CURRENT_PASS
from quanzi.orders import hooks, pricing
from quanzi.orders import rules as order_rules
from quanzi.orders.services import order_payment_window_shorten


def _audit(reservation: FlashReservation, from_status: str, to_status: str, actor: Any, note: Text) -> None:
    FlashReservationStatusChange.objects.create(
        reservation=reservation, from_status=from_status, to_status=to_status,
        **message_columns(note, model=FlashReservationStatusChange, text="note"))


RESERVATION_MACHINE: StateMachine[FlashReservation] = StateMachine(
    model=FlashReservation, transitions=RESERVATION_TRANSITIONS, audit=_audit,
    illegal=lambda c, t: errors.illegal_transition(str(ReservationStatus(c).label), str(ReservationStatus(t).label)))


def _item(item_id: int) -> FlashItem | None:
    """The item with its session. Within a buy (services.flash_buy) it is read once and kept on the gate's pass:
    the price, the reservation and the record of one checkout each asked for it, and a winner's queries run while
    it holds the sale's hot rows. What they read of it does not move during a sale (its SKU, price, limit, window),
    and its session's state is as fresh as the price's read, earlier in the same transaction; the counters that do
    move are changed by conditional updates in SQL, never from this copy."""
    gate_pass = CURRENT_PASS.get()
    if gate_pass is None or gate_pass.item_id != item_id:
        return FlashItem.objects.select_related("session").filter(pk=item_id).first()
    if gate_pass.item is None:
        gate_pass.item = FlashItem.objects.select_related("session").filter(pk=item_id).first()
    return gate_pass.item


def _refuse_unless_live(item: FlashItem) -> None:
    now_phase = session_phase(item.session, timezone.now())
    if now_phase == SessionPhase.LIVE:
        return
    if now_phase == SessionPhase.UPCOMING:
        raise errors.not_started()
    if now_phase == SessionPhase.PAUSED:
        raise errors.paused()
    if now_phase == SessionPhase.ENDED:
        raise errors.ended()
    raise errors.item_not_found()


# --- pricing -------------------------------------------------------------------------------------------------------


def flash_price(ctx: pricing.PricingContext) -> list[pricing.Adjustment]:
    """The flash price on the item's line while its session is live (the quote then shows what the buyer pays
    now; outside the session the checkout refuses with the session's code)."""
    item_id = flash_item_of(ctx.options)
    if item_id is None:
        return []
    item = _item(item_id)
    if item is None or session_phase(item.session, timezone.now()) != SessionPhase.LIVE:
        return []
    line = next((ln for ln in ctx.lines if ln.sku_id == item.sku_id), None)
    if line is None:
        return []
    off = line.goods_payable_fen - item.flash_price_fen * line.quantity  # after a member price, if any
    if off <= 0:
        return []
    return [pricing.Adjustment(stage="campaign", amount_fen=off, label=_("秒杀价"), sku_ids=frozenset({item.sku_id}),
                               source=source_of(item.pk))]


# --- checkout --------------------------------------------------------------------------------------------------------


def reserve_before_stock(ctx: hooks.ReserveContext) -> None:
    """Take the units from the allotment (the record: conditional updates, whatever Redis said) and put them back
    into the SKU's stock for the order to reserve. Lock order: the item row, the member's counter, the SKU."""
    item_id = flash_item_of(ctx.options)
    if item_id is None:
        return
    item = _item(item_id)
    if item is None:
        raise errors.item_not_found()
    lines = ctx.quote.lines
    line = next((ln for ln in lines if ln.sku_id == item.sku_id), None)
    if line is None:
        raise errors.not_in_order()
    if len(lines) != 1:
        raise errors.alone()
    _refuse_unless_live(item)
    quantity = line.quantity
    if quantity > item.per_member_limit:
        raise errors.limit_reached(item.per_member_limit)
    taken = FlashItem.objects.filter(pk=item.pk, returned_at__isnull=True, allotted_at__isnull=False,
                                     reserved__lte=F("allotment") - quantity).update(reserved=F("reserved") + quantity)
    if taken != 1:
        raise errors.sold_out()
    # the member's counter row, made once (INSERT … ON CONFLICT DO NOTHING: no savepoint, no race)
    FlashMemberCount.objects.bulk_create([FlashMemberCount(item_id=item.pk, user_id=ctx.user.pk)],
                                         ignore_conflicts=True)
    counted = FlashMemberCount.objects.filter(item_id=item.pk, user_id=ctx.user.pk,
                                              units__lte=item.per_member_limit - quantity)\
        .update(units=F("units") + quantity)
    if counted != 1:
        raise errors.limit_reached(item.per_member_limit)
    stock_unallot(sku_id=item.sku_id, quantity=quantity)
    gate_pass = CURRENT_PASS.get()
    if gate_pass is not None and (gate_pass.item_id, gate_pass.user_id, gate_pass.quantity) == \
            (item.pk, ctx.user.pk, quantity):
        gate_pass.used = True
    else:  # a checkout that did not come through the buy endpoint's gate: Redis learns of it after the commit
        user_id = ctx.user.pk
        transaction.on_commit(lambda: counters.note_released(item_id=item_id, user_id=user_id, quantity=-quantity,
                                                             to_allotment=True))


def record_reservation(ctx: hooks.CheckoutContext) -> None:
    """One reservation per flash-sale order, and the order's payment window cut to the session's."""
    item_id = flash_item_of(ctx.options)
    if item_id is None:
        return
    item = _item(item_id)
    if item is None:
        raise errors.item_not_found()
    minutes = min(item.session.pay_minutes, order_rules.pay_minutes())
    for placed in ctx.orders:
        for line in placed.lines:
            if line.sku_id != item.sku_id:
                continue
            reservation = FlashReservation.objects.create(
                item=item, user_id=ctx.user.pk, order_id=placed.order_id, order_line_id=line.line_id,
                quantity=line.quantity, goods_fen=line.goods_payable_fen, payable_fen=line.payable_fen)
            _audit(reservation, "", ReservationStatus.RESERVED, None, "")
            order_payment_window_shorten(order_id=placed.order_id, minutes=minutes)
            track("flashsale.reserve", user=ctx.user, obj=reservation, item_id=item.pk, order_id=placed.order_id,
                  quantity=line.quantity, goods_fen=line.goods_payable_fen)


# --- order moments -------------------------------------------------------------------------------------------------


def on_paid(event: hooks.OrderMomentEvent) -> None:
    for reservation in FlashReservation.objects.filter(order_id=event.order_id, status=ReservationStatus.RESERVED):
        reservation = RESERVATION_MACHINE.move(reservation, ReservationStatus.PAID, paid_at=event.at)
        track("flashsale.paid", obj=reservation, item_id=reservation.item_id, order_id=event.order_id,
              goods_fen=reservation.goods_fen)


def on_cancelled(event: hooks.OrderMomentEvent) -> None:
    """The order was cancelled or ran out of time: orders has put its unit back into the SKU's stock; move it into
    the allotment again (item row, member counter, SKU: the checkout's order). When a normal sale took that unit
    in between, the allotment shrinks by it instead, so no unit is ever counted twice. After the session ended
    (its leftovers went back to stock already) the unit simply stays in stock."""
    for reservation in FlashReservation.objects.filter(order_id=event.order_id, status=ReservationStatus.RESERVED):
        RESERVATION_MACHINE.move(reservation, ReservationStatus.RELEASED, released_at=event.at)
        item_id, quantity, user_id = reservation.item_id, reservation.quantity, reservation.user_id
        open_item = FlashItem.objects.filter(pk=item_id, returned_at__isnull=True)\
            .update(reserved=F("reserved") - quantity) == 1
        if not open_item:
            FlashItem.objects.filter(pk=item_id).update(reserved=F("reserved") - quantity)
        FlashMemberCount.objects.filter(item_id=item_id, user_id=user_id, units__gte=quantity)\
            .update(units=F("units") - quantity)
        back = False
        if open_item:
            sku_id = FlashItem.objects.filter(pk=item_id).values_list("sku_id", flat=True).get()
            back = stock_allot(sku_id=sku_id, quantity=quantity)
            if not back:  # sold normally in between: the allotment gives that unit up
                FlashItem.objects.filter(pk=item_id).update(allotment=F("allotment") - quantity)
        FlashReservation.objects.filter(pk=reservation.pk).update(returned_to_allotment=back)
        transaction.on_commit(partial(counters.note_released, item_id=item_id, user_id=user_id, quantity=quantity,
                                      to_allotment=back))
        track("flashsale.release", obj=reservation, item_id=item_id, order_id=event.order_id, quantity=quantity,
              to_allotment=back)


def on_refunded(event: hooks.OrderMomentEvent) -> None:
    for reservation in FlashReservation.objects.filter(order_id=event.order_id, status=ReservationStatus.PAID):
        fen = event.lines.get(reservation.order_line_id, 0)
        if not fen:
            continue
        FlashReservation.objects.filter(pk=reservation.pk).update(refunded_fen=F("refunded_fen") + fen)
        reservation.refresh_from_db()
        if reservation.refunded_fen >= reservation.payable_fen:
            RESERVATION_MACHINE.move(reservation, ReservationStatus.REFUNDED)
        track("flashsale.refund", obj=reservation, item_id=reservation.item_id, order_id=event.order_id,
              amount_fen=fen)


# --- product page ----------------------------------------------------------------------------------------------------


def product_panel(request: Any, product: Any) -> str:
    """The flash price and a countdown on the product page while a session for one of its SKUs is on or next."""
    entry = selectors.product_flash(product_id=product.pk)
    if entry is None:
        return ""
    return render_to_string("flashsale/_product_panel.html", {"entry": entry}, request=request)
