"""The order pipeline: one transition function over the explicit table in `rules.TRANSITIONS`, every move audited;
time-outs (payment deadline, auto-confirm, return window); shipping and tracking; and the two calls the payments
app makes inside its own transaction: `order_mark_paid` and `order_record_refund`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.catalog.enums import StockReason
from quanzi.catalog.services import merchant_of, stock_release
from quanzi.core.errors import InvalidInput, NotAuthenticated
from quanzi.core.events import track
from quanzi.core.messages import Text, message_columns, msg
from quanzi.core.money import allocate
from quanzi.core.statemachine import StateMachine
from quanzi.orders import errors, hooks, rules
from quanzi.orders.enums import OrderStatus
from quanzi.orders.errors import ErrorCode
from quanzi.orders.locks import lock_order
from quanzi.orders.models import (
    Order,
    OrderHold,
    OrderLine,
    OrderLineCancellation,
    OrderPayment,
    OrderRefund,
    OrderRefundLine,
    OrderStatusChange,
    Shipment,
    TrackingEvent,
)
from quanzi.orders.services.moments import moment_record, refund_source_split

# the timestamp that goes with reaching a status; `order_transition` fills it when it is still empty (a move back
# to 已发货 after a rejected request keeps the first shipping time, so auto-confirm still counts from it)
STATUS_TIMESTAMPS: dict[str, str] = {
    OrderStatus.PAID: "paid_at",
    OrderStatus.SHIPPED: "shipped_at",
    OrderStatus.DELIVERED: "delivered_at",
    OrderStatus.COMPLETED: "completed_at",
    OrderStatus.CANCELLED: "cancelled_at",
}


def _label(status: str) -> str:
    return str(OrderStatus(status).label)


def _cancel_columns(why: Text) -> dict[str, Any]:
    return message_columns(why, model=Order, text="cancel_reason", prefix="cancel_")


def _lock(order_id: int) -> Order:
    order = lock_order(order_id)
    if order is None:
        raise errors.order_not_found()
    return order


def _audit(order: Order, from_status: str, to_status: str, actor: Any, note: Text) -> None:
    OrderStatusChange.objects.create(order=order, from_status=from_status, to_status=to_status, actor=actor,
                                     **message_columns(note, model=OrderStatusChange, text="reason"))


ORDER_MACHINE: StateMachine[Order] = StateMachine(
    model=Order, transitions=rules.TRANSITIONS, audit=_audit,
    illegal=lambda c, t: errors.illegal_transition(_label(c), _label(t)))

# the moment (orders.hooks) that reaching a status from another one makes, once per order
_MOMENT_OF_MOVE: dict[tuple[str | None, str], str] = {
    (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID): hooks.Moment.PAID,
    (OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED): hooks.Moment.CANCELLED,
    (None, OrderStatus.COMPLETED): hooks.Moment.COMPLETED,
    (None, OrderStatus.SHIPPED): hooks.Moment.SHIPPED,
    (None, OrderStatus.DELIVERED): hooks.Moment.DELIVERED,
}


def _move(order: Order, to: str, *, actor: Any = None, reason: Text = "", **fields: Any) -> Order:
    """Move `order` (already locked) through the order state machine (conditional update + audit row) and write
    the lifecycle moment the move makes, if any (paid, cancelled, completed, shipped, delivered: once per order). `reason` is one of
    our messages (shown in the reader's language) or text a person typed."""
    before = order.status
    order = ORDER_MACHINE.move(order, to, actor=actor, note=reason, **fields)
    moment = _MOMENT_OF_MOVE.get((before, to)) or _MOMENT_OF_MOVE.get((None, to))
    if moment is not None:
        moment_record(order=order, kind=moment, amount_fen=order.payable_fen)
    return order


@transaction.atomic
def order_transition(*, order_id: int, to: str, actor: Any = None, reason: Text = "",
                     at: dt.datetime | None = None) -> Order:
    """Public move for other apps (after-sales), through the same table and audit; joins the caller's
    transaction when there is one. The timestamp that goes with `to` (`completed_at` for 已完成 …) is set to
    `at` (default now) when the order has none yet; one it already has is kept."""
    order = _lock(order_id)
    order_settle_due(order=order)
    fields: dict[str, Any] = {}
    stamp = STATUS_TIMESTAMPS.get(to)
    if stamp is not None and getattr(order, stamp) is None:
        fields[stamp] = at or timezone.now()
    return _move(order, to, actor=actor, reason=reason, **fields)


def _release_stock_once(order: Order, reason: str = StockReason.RELEASE) -> bool:
    """Return a cancelled order's reserved stock exactly once (guarded by a conditional update on the flag).
    Units cancelled before shipment (`order_lines_cancel_unshipped`) went back already and are left out."""
    if Order.objects.filter(pk=order.pk, stock_released=False).update(stock_released=True) != 1:
        return False
    for line in OrderLine.objects.filter(order_id=order.pk).order_by("pk"):
        if line.quantity_to_ship > 0:
            stock_release(sku_id=line.sku_id, quantity=line.quantity_to_ship, order_id=order.pk, reason=reason)
    return True


def _merge_line_quantities(lines: list[tuple[int, int]]) -> dict[int, int]:
    merged: dict[int, int] = {}
    for line_id, quantity in lines:
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
            raise errors.invalid_quantity()
        merged[int(line_id)] = merged.get(int(line_id), 0) + quantity
    return merged


@transaction.atomic
def order_lines_cancel_unshipped(*, order_id: int, lines: list[tuple[int, int]], ref: str,
                                 actor: Any = None) -> int:
    """Cancel some units of a paid order that has not shipped (a refund-only request for part of the order):
    the merchant ships only the rest, and those units' stock returns exactly once.

    `lines` are (order line id, quantity). Idempotent by `ref` (the caller's business number, e.g. the refund
    number): a replay changes nothing. Each line's cancelled units never exceed its quantity (conditional
    update); every return writes a stock ledger row. An order whose whole stock already went back (refunded or
    cancelled in full) has nothing left to return. Returns how many units went back now."""
    ref = (ref or "").strip()
    if not 1 <= len(ref) <= 64:
        raise InvalidInput(ErrorCode.INVALID_REF, _("缺少业务单号"))
    if not lines:
        raise InvalidInput(ErrorCode.NO_LINES, _("请选择要取消的商品"))
    wanted = _merge_line_quantities(lines)
    order = _lock(order_id)
    seen = OrderLineCancellation.objects.filter(ref=ref).first()
    if seen is not None:
        if seen.order_id != order.pk:
            raise InvalidInput(ErrorCode.REF_REUSED, _("业务单号已用于另一个订单"))
        return 0
    if order.shipped_at is not None:
        raise errors.already_shipped()
    if order.status not in (OrderStatus.PAID, OrderStatus.REFUNDING, OrderStatus.PARTIALLY_REFUNDED,
                            OrderStatus.REFUNDED):
        raise errors.illegal_transition(_label(order.status), _label(OrderStatus.PARTIALLY_REFUNDED))
    by_id = {ln.pk: ln for ln in OrderLine.objects.filter(order_id=order.pk, pk__in=list(wanted))}
    if len(by_id) != len(wanted):
        raise errors.line_not_in_order()
    if order.stock_released:  # everything went back already (refunded in full before shipment)
        return 0
    returned = 0
    for line_id in sorted(wanted):
        line, quantity = by_id[line_id], wanted[line_id]
        taken = OrderLine.objects.filter(pk=line_id, cancelled_quantity__lte=F("quantity") - quantity)\
            .update(cancelled_quantity=F("cancelled_quantity") + quantity)
        if taken != 1:
            raise errors.cancel_exceeds_quantity(line.title)  # rolls back the lines done so far
        OrderLineCancellation.objects.create(order=order, order_line=line, quantity=quantity, ref=ref)
        stock_release(sku_id=line.sku_id, quantity=quantity, order_id=order.pk, reason=StockReason.RELEASE)
        returned += quantity
    track("order.lines_cancel", user=actor, obj=order, ref=ref, units=returned)
    return returned


def order_payment_window_shorten(*, order_id: int, minutes: int) -> bool:
    """Bring an unpaid order's payment deadline forward to `minutes` after it was placed (a flash-sale order is
    paid within 5 minutes, not the usual 15); a deadline is never pushed later. For a plug-in's `on_checkout` hook
    (inside the checkout transaction) or any time before payment; a conditional update, so a paid or cancelled
    order is left alone. True when the deadline moved."""
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= rules.pay_minutes():
        raise InvalidInput(ErrorCode.INVALID_PAY_MINUTES, _("支付时限无效"))
    order = Order.objects.filter(pk=order_id).only("created_at").first()
    if order is None:
        raise errors.order_not_found()
    deadline = order.created_at + dt.timedelta(minutes=minutes)
    return Order.objects.filter(pk=order_id, status=OrderStatus.PENDING_PAYMENT, expires_at__gt=deadline)\
        .update(expires_at=deadline) == 1


def order_settle_due(*, order: Order, now: dt.datetime | None = None) -> Order:
    """Make the time-outs that are due real: expire an unpaid order past its deadline (stock returns), deliver a
    shipment past the auto-confirm period, complete a delivery past the return window. Idempotent."""
    now = now or timezone.now()
    if order.status == OrderStatus.PENDING_PAYMENT and order.expires_at is not None and order.expires_at <= now:
        order = _move(order, OrderStatus.CANCELLED, reason=msg("order.expired"), cancelled_at=now,
                      **_cancel_columns(msg("order.not_paid_in_time")))
        _release_stock_once(order)
        return order
    if order.status == OrderStatus.SHIPPED and order.shipped_at is not None \
            and order.shipped_at + dt.timedelta(days=rules.auto_confirm_days()) <= now:
        order = _move(order, OrderStatus.DELIVERED, reason=msg("order.auto_delivered"),
                      delivered_at=order.shipped_at + dt.timedelta(days=rules.auto_confirm_days()))
    if order.status == OrderStatus.DELIVERED and order.delivered_at is not None \
            and order.delivered_at + dt.timedelta(days=rules.return_days()) <= now:
        order = _move(order, OrderStatus.COMPLETED, reason=msg("order.completed"), completed_at=now)
    return order


@transaction.atomic
def order_settle(*, order_id: int) -> Order:
    """One order's due time-outs, in its own transaction (used by the jobs and before placing an order)."""
    order = _lock(order_id)
    before = order.status
    order = order_settle_due(order=order)
    if order.status != before:
        track("order.settle", obj=order, from_status=before, to_status=order.status)
    return order


def release_expired_for_skus(*, sku_ids: list[int]) -> int:
    """Expire the unpaid orders past their deadline that hold any of these SKUs, each in its own short
    transaction, so their stock is free again. Returns how many were expired here."""
    now = timezone.now()
    ids = list(Order.objects.filter(status=OrderStatus.PENDING_PAYMENT, expires_at__lte=now,
                                    lines__sku_id__in=sku_ids).values_list("pk", flat=True).distinct()[:200])
    count = 0
    for order_id in sorted(ids):
        if order_settle(order_id=order_id).status == OrderStatus.CANCELLED:
            count += 1
    return count


def _buyer_order(user: Any, order_id: int) -> Order:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))
    order = lock_order(order_id, buyer=user)
    if order is None:
        raise errors.order_not_found()
    return order_settle_due(order=order)


def _merchant_order(user: Any, order_id: int) -> Order:
    merchant = merchant_of(user)
    order = lock_order(order_id, merchant=merchant)
    if order is None:
        raise errors.order_not_found()
    return order_settle_due(order=order)


@transaction.atomic
def order_cancel(*, user: Any, order_id: int, reason: str = "") -> Order:
    """The buyer cancels an unpaid order; its stock returns at once."""
    order = _buyer_order(user, order_id)
    if order.status == OrderStatus.CANCELLED:
        return order
    why: Text = (reason or "").strip() or msg("order.buyer_cancelled")  # the buyer's words, or ours
    order = _move(order, OrderStatus.CANCELLED, actor=user, reason=why, cancelled_at=timezone.now(),
                  **_cancel_columns(why))
    _release_stock_once(order)
    track("order.cancel", user=user, obj=order)
    return order


@transaction.atomic
def order_ship(*, user: Any, order_id: int, carrier: str, tracking_no: str) -> Order:
    """The merchant ships a paid order with a carrier and tracking number. An order with a pending refund
    request (退款中) is refused with `order_refund_pending`: the merchant handles the request first."""
    order = _merchant_order(user, order_id)
    if order.status == OrderStatus.REFUNDING:  # a refund request is pending: the merchant decides on it first
        raise errors.refund_pending()
    held = [h.display_text for h in OrderHold.objects.filter(order=order, released_at__isnull=True)]
    if held:  # a plug-in holds it (a group-buy not filled yet): not shippable until released
        raise errors.on_hold("；".join(held))
    carrier, tracking_no = (carrier or "").strip(), (tracking_no or "").strip()
    if not 1 <= len(carrier) <= 40:
        raise InvalidInput(ErrorCode.INVALID_CARRIER, _("请填写快递公司"))
    if not 4 <= len(tracking_no) <= 40:
        raise InvalidInput(ErrorCode.INVALID_TRACKING_NO, _("请填写正确的运单号"))
    now = timezone.now()
    order = _move(order, OrderStatus.SHIPPED, actor=user, reason=f"{carrier} {tracking_no}", shipped_at=now)
    try:
        with transaction.atomic():
            shipment = Shipment.objects.create(order=order, carrier=carrier, tracking_no=tracking_no,
                                               shipped_by=user)
    except IntegrityError as exc:  # shipped before and moved back by after-sales: keep one shipment row
        raise errors.illegal_transition(_label(OrderStatus.SHIPPED), _label(OrderStatus.SHIPPED)) from exc
    TrackingEvent.objects.create(shipment=shipment, happened_at=now,
                                 **message_columns(msg("order.shipped"), model=TrackingEvent, text="description"))
    track("order.ship", user=user, obj=order, carrier=carrier)
    return order


@transaction.atomic
def tracking_event_add(*, user: Any, order_id: int, description: str, location: str = "",
                       happened_at: dt.datetime | None = None) -> TrackingEvent:
    """The merchant (or a carrier integration acting for it) adds a tracking step to a shipped order."""
    order = _merchant_order(user, order_id)
    shipment = Shipment.objects.filter(order=order).first()
    if shipment is None:
        raise InvalidInput(ErrorCode.NOT_SHIPPED, _("订单尚未发货"))
    description = (description or "").strip()
    if not 1 <= len(description) <= 200:
        raise InvalidInput(ErrorCode.INVALID_DESCRIPTION, _("请填写物流描述"))
    event = TrackingEvent.objects.create(shipment=shipment, happened_at=happened_at or timezone.now(),
                                         location=(location or "")[:60], description=description)
    track("order.tracking", user=user, obj=order)
    return event


@transaction.atomic
def order_confirm_receipt(*, user: Any, order_id: int) -> Order:
    """The buyer confirms receipt; the seven-day return window counts from now."""
    order = _buyer_order(user, order_id)
    if order.status == OrderStatus.DELIVERED:  # confirmed already (or auto-confirmed): nothing to do
        return order
    order = _move(order, OrderStatus.DELIVERED, actor=user, reason=msg("order.receipt_confirmed"),
                  delivered_at=timezone.now())
    track("order.confirm_receipt", user=user, obj=order)
    return order


# --- called by payments ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MarkPaidResult:
    order: Order
    accepted: bool  # the payment paid this order now (False on a replay or when the order cannot take it)
    replay: bool  # the same payment_ref was recorded before: nothing changed
    cancelled: bool  # the order was cancelled (e.g. expired): the money must be refunded
    needs_refund_fen: int  # what payments should refund of this payment (0 when accepted or a replay)


def order_mark_paid(*, order_id: int, amount_fen: int, payment_ref: str) -> MarkPaidResult:
    """Record a verified payment on an order. Runs inside the payments app's transaction (atomic here too).

    - the same `payment_ref` again: a replay, nothing changes;
    - `amount_fen` different from `payable_fen`: Conflict `amount_mismatch`, nothing written;
    - a pending order (not past its deadline) becomes paid;
    - an order already cancelled (or expired now) or already paid by another payment keeps its status; the money is
      booked in `paid_fen` and the result says to refund it (`needs_refund_fen`), so it is never dropped.
    """
    if not isinstance(amount_fen, int) or amount_fen <= 0 or not payment_ref:
        raise InvalidInput(ErrorCode.INVALID_PAYMENT, _("支付金额或流水号无效"))
    with transaction.atomic():
        order = _lock(order_id)
        seen = OrderPayment.objects.filter(payment_ref=payment_ref).first()
        if seen is not None:
            if seen.order_id != order.pk or seen.amount_fen != amount_fen:
                raise InvalidInput(ErrorCode.PAYMENT_REF_REUSED, _("支付流水号已用于另一笔付款"))
            return MarkPaidResult(order=order, accepted=False, replay=True,
                                  cancelled=order.status == OrderStatus.CANCELLED, needs_refund_fen=0)
        if amount_fen != order.payable_fen:
            raise errors.amount_mismatch(order.payable_fen, amount_fen)
        order = order_settle_due(order=order)
        accepted = order.status == OrderStatus.PENDING_PAYMENT
        OrderPayment.objects.create(order=order, payment_ref=payment_ref[:64], amount_fen=amount_fen,
                                    applied=accepted)
        if accepted:
            now = timezone.now()
            order = _move(order, OrderStatus.PAID, reason=msg("order.paid"), paid_fen=F("paid_fen") + amount_fen,
                          paid_at=now, payment_ref=payment_ref[:64], expires_at=None)
            if order.is_virtual:  # nothing to ship: delivered now, its after-sales window starts now
                order = _move(order, OrderStatus.DELIVERED, reason=msg("order.virtual_delivered"), delivered_at=now)
            track("order.paid", user=order.buyer, obj=order, amount_fen=amount_fen)
            return MarkPaidResult(order=order, accepted=True, replay=False, cancelled=False, needs_refund_fen=0)
        Order.objects.filter(pk=order.pk).update(paid_fen=F("paid_fen") + amount_fen)
        order.refresh_from_db()
        track("order.paid_unusable", obj=order, amount_fen=amount_fen, status=order.status)
        return MarkPaidResult(order=order, accepted=False, replay=False,
                              cancelled=order.status == OrderStatus.CANCELLED, needs_refund_fen=amount_fen)


def _check_refund_lines(lines: Mapping[int, int] | None, amount_fen: int) -> dict[int, int] | None:
    if lines is None:
        return None
    split: dict[int, int] = {}
    for line_id, fen in lines.items():
        if not isinstance(fen, int) or isinstance(fen, bool) or fen < 0:
            raise errors.refund_lines_mismatch()
        if fen:
            split[int(line_id)] = split.get(int(line_id), 0) + fen
    if sum(split.values()) != amount_fen:
        raise errors.refund_lines_mismatch()
    return split


def _book_refund_lines(order: Order, refund: OrderRefund, split: dict[int, int]) -> None:
    """Spread a booked refund over the order's lines, once per refund: a line's refunded total never exceeds
    what it paid (conditional update)."""
    booked = dict(OrderRefundLine.objects.filter(refund=refund).values_list("order_line_id", "amount_fen"))
    if booked:
        if booked != split:
            raise errors.refund_lines_mismatch()
        return
    titles = dict(OrderLine.objects.filter(order_id=order.pk, pk__in=list(split)).values_list("pk", "title"))
    if len(titles) != len(split):
        raise errors.line_not_in_order()
    for line_id in sorted(split):
        fen = split[line_id]
        moved = OrderLine.objects.filter(pk=line_id, refunded_fen__lte=F("payable_fen") - fen)\
            .update(refunded_fen=F("refunded_fen") + fen)
        if moved != 1:
            raise errors.line_refund_exceeds_payable(titles[line_id])
        OrderRefundLine.objects.create(refund=refund, order_line_id=line_id, amount_fen=fen)


def order_record_refund(*, order_id: int, amount_fen: int, refund_ref: str,
                        lines: Mapping[int, int] | None = None) -> Order:
    """Book a refund on the order (called by payments inside its transaction once the gateway accepted it).

    Idempotent by `refund_ref`; the refunded total never exceeds what was paid (conditional update, so two
    concurrent refunds cannot overshoot). A paid order becomes partially refunded or refunded; a cancelled order
    stays cancelled (its late payment is returned).

    `lines` (order line id -> fen, summing to `amount_fen`) spreads the refund over the lines' `refunded_fen`,
    never above a line's payable. A replay of a refund booked without it (payments books first) adds the
    breakdown once; so after-sales passes its per-line amounts with the same `refund_ref`."""
    if not isinstance(amount_fen, int) or amount_fen <= 0 or not refund_ref:
        raise InvalidInput(ErrorCode.INVALID_REFUND, _("退款金额或退款单号无效"))
    split = _check_refund_lines(lines, amount_fen)
    with transaction.atomic():
        existing = OrderRefund.objects.filter(refund_ref=refund_ref).first()
        if existing is not None:
            if existing.order_id != order_id or existing.amount_fen != amount_fen:
                raise InvalidInput(ErrorCode.REFUND_REF_REUSED, _("退款单号已用于另一笔退款"))
            if split is None:
                return Order.objects.get(pk=order_id)
        order = _lock(order_id)
        existing = OrderRefund.objects.filter(refund_ref=refund_ref).first()
        if existing is not None:  # a replay (or a concurrent one got here first): at most add the breakdown
            if split:
                _book_refund_lines(order, existing, split)
            return order
        booked = Order.objects.filter(pk=order.pk, refunded_fen__lte=F("paid_fen") - amount_fen)\
            .update(refunded_fen=F("refunded_fen") + amount_fen)
        if booked != 1:
            raise errors.refund_exceeds_paid()
        try:
            with transaction.atomic():
                refund = OrderRefund.objects.create(order=order, refund_ref=refund_ref, amount_fen=amount_fen)
        except IntegrityError as exc:
            raise InvalidInput(ErrorCode.REFUND_REF_REUSED, _("退款单号已用于另一笔退款")) from exc
        order.refresh_from_db()
        kept_fen = order.paid_fen - order.refunded_fen
        # a refund of a duplicate payment leaves the order as it is; otherwise it is partly or fully refunded
        if order.status != OrderStatus.CANCELLED and kept_fen < order.payable_fen:
            if split is None:  # no breakdown given (an operator's refund): pro rata over what lines can still return
                split = _pro_rata_split(order, amount_fen)
            before = dict(OrderLine.objects.filter(order_id=order.pk, pk__in=list(split))
                          .values_list("pk", "refunded_fen"))
            _book_refund_lines(order, refund, split)
            to = OrderStatus.REFUNDED if kept_fen == 0 else OrderStatus.PARTIALLY_REFUNDED
            order = _move(order, to, reason=msg("order.refunded", ref=refund_ref))
            if to == OrderStatus.REFUNDED and order.shipped_at is None:
                _release_stock_once(order)  # refunded before shipping: the goods never left
            moment_record(order=order, kind=hooks.Moment.REFUNDED, ref=refund_ref, amount_fen=amount_fen,
                          payload={"lines": {str(k): v for k, v in sorted(split.items())},
                                   "sources": refund_source_split(before=before, split=split)})
        elif split:
            _book_refund_lines(order, refund, split)
        track("order.refund", obj=order, amount_fen=amount_fen, refund_ref=refund_ref)
        return order


def _pro_rata_split(order: Order, amount_fen: int) -> dict[int, int]:
    """Spread a refund over the order's lines in proportion to what each can still return (largest remainder)."""
    rows = list(OrderLine.objects.filter(order_id=order.pk).order_by("pk").values_list("pk", "payable_fen",
                                                                                      "refunded_fen"))
    room = [payable - refunded for _pk, payable, refunded in rows]
    if sum(room) < amount_fen:
        raise errors.refund_exceeds_paid()
    parts = allocate(amount_fen, room) if sum(room) else [0] * len(rows)
    return {pk: p for (pk, _p, _r), p in zip(rows, parts, strict=True) if p}
