"""After-sales request writes: apply, add photos, cancel (buyer); approve, reject, confirm the return received
(merchant); ship the return (buyer); the refund through payments and the order's after-sales states through the
orders services. Every move goes through `rules.TRANSITIONS` and writes an audit row."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.aftersales import errors, notices, rules, selectors
from quanzi.aftersales.enums import MERCHANT_FAULT_REASONS, AfterSaleKind, AfterSaleReason, AfterSaleStatus
from quanzi.aftersales.errors import ErrorCode
from quanzi.aftersales.locks import lock_request
from quanzi.aftersales.models import AfterSaleLine, AfterSalePhoto, AfterSaleRequest, AfterSaleStatusChange
from quanzi.aftersales.services._photos import save_photos
from quanzi.catalog.enums import ReturnExemption
from quanzi.catalog.services import merchant_of
from quanzi.core.errors import DomainError, InvalidInput, NotAuthenticated
from quanzi.core.events import track
from quanzi.core.messages import Text, message_columns, msg
from quanzi.core.money import allocate
from quanzi.core.statemachine import StateMachine
from quanzi.orders import selectors as order_selectors
from quanzi.orders import services as order_services
from quanzi.orders.enums import OrderStatus

ELIGIBLE_ORDER_STATUSES = frozenset({OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED,
                                     OrderStatus.COMPLETED, OrderStatus.REFUNDING,
                                     OrderStatus.PARTIALLY_REFUNDED})


def _label(status: str) -> str:
    return str(AfterSaleStatus(status).label)


def _authed(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))


def _new_number() -> str:
    return f"AS{timezone.now():%Y%m%d%H%M%S}{secrets.token_hex(4).upper()}"


def _lock(request_id: int, **owner: Any) -> AfterSaleRequest:
    req = lock_request(request_id, **owner)
    if req is None:
        raise errors.request_not_found()
    return req


def _buyer_request(user: Any, request_id: int) -> AfterSaleRequest:
    _authed(user)
    return _lock(request_id, buyer_id=user.pk)


def _merchant_request(user: Any, request_id: int) -> AfterSaleRequest:
    merchant = merchant_of(user)  # not a merchant: 403
    return _lock(request_id, merchant=merchant)  # another merchant's request: 404


def _audit(req: AfterSaleRequest, from_status: str, to_status: str, actor: Any, note: Text) -> None:
    AfterSaleStatusChange.objects.create(request=req, from_status=from_status, to_status=to_status, actor=actor,
                                         **message_columns(note, model=AfterSaleStatusChange, text="note"))


REQUEST_MACHINE: StateMachine[AfterSaleRequest] = StateMachine(
    model=AfterSaleRequest, transitions=rules.TRANSITIONS, audit=_audit,
    illegal=lambda c, t: errors.illegal_transition(_label(c), _label(t)))


def _move(req: AfterSaleRequest, to: str, *, actor: Any = None, note: Text = "", **fields: Any) -> AfterSaleRequest:
    """Move `req` (locked) through the request state machine (conditional update + audit row); a request that
    ends frees its order lines."""
    req = REQUEST_MACHINE.move(req, to, actor=actor, note=note, **fields)
    if to not in rules.OPEN_STATUSES:
        AfterSaleLine.objects.filter(request=req).update(is_open=False)
    return req


def _save_photos(req: AfterSaleRequest, photos: list[Any]) -> None:
    save_photos(existing=req.photos.count(), photos=photos,
                create=lambda upload: AfterSalePhoto.objects.create(request=req, image=upload))


# --- the order's after-sales states --------------------------------------------------------------------------------


def _order_hold(order_id: int, *, actor: Any, number: str) -> None:
    """An open request puts the order in 退款中 (which also stops it being shipped or completed meanwhile)."""
    order = order_services.order_settle(order_id=order_id)
    if order.status != OrderStatus.REFUNDING:
        order_services.order_transition(order_id=order_id, to=OrderStatus.REFUNDING, actor=actor,
                                        reason=msg("order.aftersale_opened", n=number))


def _resume_status(order: Any, now: dt.datetime) -> str | None:
    """Where an order goes back to when its last open request ends (None: it stays as it is)."""
    if order.status not in (OrderStatus.REFUNDING, OrderStatus.PARTIALLY_REFUNDED):
        return None
    d = order.delivered_at
    if d is not None:
        if order.completed_at is not None or d + dt.timedelta(days=rules.return_days()) <= now:
            return OrderStatus.COMPLETED
        return OrderStatus.DELIVERED
    if order.shipped_at is not None:
        return OrderStatus.SHIPPED
    # not shipped: back to 待发货 after a withdrawn request; after a partial refund it stays 部分退款 (still
    # shippable in the orders pipeline)
    return OrderStatus.PAID if order.status == OrderStatus.REFUNDING else None


def _order_release(req: AfterSaleRequest, *, actor: Any) -> None:
    """When the order's last open request ends, the order leaves 退款中 / 部分退款 for where it was."""
    if AfterSaleRequest.objects.filter(order_id=req.order_id, status__in=rules.OPEN_STATUSES).exists():
        order = order_services.order_settle(order_id=req.order_id)
        if order.status == OrderStatus.PARTIALLY_REFUNDED:  # refunded while another request is still open:
            order_services.order_transition(  # keep it 退款中, so it is not shipped before that one is handled
                order_id=order.pk, to=OrderStatus.REFUNDING, actor=actor,
                reason=msg("order.aftersale_ended_others_open", n=req.number))
        return
    order = order_services.order_settle(order_id=req.order_id)  # locks the order
    to = _resume_status(order, timezone.now())
    if to is not None and to != order.status:
        order_services.order_transition(order_id=order.pk, to=to, actor=actor,
                                        reason=msg("order.aftersale_ended", n=req.number))


# --- refund ------------------------------------------------------------------------------------------------------


def refund_no_for(req: AfterSaleRequest) -> str:
    """The refund number is derived from the request, so a replay finds the first refund."""
    return f"AS-{req.number}"


def _order_cancel_units(req: AfterSaleRequest) -> None:
    """For a refund only before shipment, tell the order which units the merchant will not ship: their stock
    returns once (a full refund returned the whole order's stock already). The money was booked on the order
    by payments, with this request's per-line split, when the gateway confirmed it. A refusal here is logged for
    an operator, never undone."""
    if req.kind != AfterSaleKind.REFUND_ONLY or req.shipped_before:
        return
    lines = list(req.lines.all())
    try:
        with transaction.atomic():
            order_services.order_lines_cancel_unshipped(
                order_id=req.order_id, lines=[(al.order_line_id, al.quantity) for al in lines], ref=req.refund_no)
    except DomainError as exc:
        track("aftersale.order_lines_not_cancelled", obj=req, order_id=req.order_id, code=exc.code)


def _refund(req: AfterSaleRequest, *, actor: Any) -> AfterSaleRequest:
    """Move to refunding and ask payments for the refund (idempotent by the derived refund number), with the
    request's split over the order lines. The request learns of success from the order's `refunded` moment
    (`on_order_refunded`, registered in apps.py), not by polling."""
    from quanzi.payments import services as payment_services

    if req.status != AfterSaleStatus.REFUNDING:
        req = _move(req, AfterSaleStatus.REFUNDING, actor=actor, note=msg("aftersale.refund_started"),
                    refund_no=refund_no_for(req))
    payment_services.refund_create(amount_fen=req.amount_fen, refund_no=req.refund_no,
                                   reason=msg("refund.aftersale", n=req.number), order_id=req.order_id,
                                   actor=actor,
                                   lines={al.order_line_id: al.amount_fen for al in req.lines.all()})
    return req


# --- buyer -------------------------------------------------------------------------------------------------------


def _check_reason(*, kind: str, reason: str, shipped: bool, lines: list[selectors.LineRefundable],
                  order: Any, now: dt.datetime) -> None:
    if kind not in AfterSaleKind.values:
        raise InvalidInput(ErrorCode.INVALID_KIND, _("售后类型无效"))
    if reason not in AfterSaleReason.values:
        raise InvalidInput(ErrorCode.INVALID_REASON, _("请选择售后原因"))
    if not shipped:
        if kind == AfterSaleKind.RETURN_AND_REFUND:
            raise errors.return_before_shipment()
        return  # refund before shipment: any reason, any product
    if reason in MERCHANT_FAULT_REASONS:
        return  # quality problems: always allowed, exempt products and late claims included
    if kind == AfterSaleKind.REFUND_ONLY:
        raise errors.reason_needs_return()
    # seven-day no-reason return, counted from delivery (not delivered yet: the window has not started)
    ends = selectors.return_window_ends(order)
    if ends is not None and ends <= now:
        raise errors.return_window_closed(rules.return_days())
    for lr in lines:
        exemption = lr.line.return_exemption or ReturnExemption.NONE
        if exemption != ReturnExemption.NONE:
            label = ReturnExemption(exemption).label if exemption in ReturnExemption.values else exemption
            raise errors.product_exempt(lr.line.title, str(label))


@transaction.atomic
def aftersale_request_create(*, user: Any, order_id: int, kind: str, reason: str, lines: list[tuple[int, int]],
                             amount_fen: int, reason_text: str = "",
                             photos: list[Any] | None = None) -> AfterSaleRequest:
    """The buyer applies for after-sales on some lines of their order.

    - refund only before shipment (the merchant then does not ship that part; once refunded, those units'
      stock returns — the whole order's on a full refund);
    - after shipment: return and refund for any reason — a no-reason one only within `RETURN_DAYS` of delivery
      and not for exempt products — or refund only / return for a merchant-fault reason, always;
    - `amount_fen` at most what those units can still refund; one open request per order line."""
    _authed(user)
    order_selectors.order_get_for_buyer(user=user, order_id=order_id)  # someone else's order: 404
    order = order_services.order_settle(order_id=order_id)  # locks the order and makes due time-outs real
    if order.status not in ELIGIBLE_ORDER_STATUSES or order.paid_fen <= order.refunded_fen:
        raise errors.order_not_eligible()
    if not lines:
        raise errors.no_lines()
    refundable = {lr.line.pk: lr for lr in selectors.order_refundable(order=order)}
    wanted: dict[int, int] = {}
    for line_id, quantity in lines:
        if line_id not in refundable:
            raise errors.line_not_in_order()
        if not isinstance(quantity, int) or quantity <= 0:
            raise InvalidInput(ErrorCode.INVALID_QUANTITY, _("数量需为正整数"))
        wanted[line_id] = wanted.get(line_id, 0) + quantity
    chosen = [refundable[i] for i in sorted(wanted)]
    for lr in chosen:
        if lr.has_open_request:
            raise errors.line_busy(lr.line.title)
        if wanted[lr.line.pk] > lr.units_left:
            raise errors.quantity_exceeds(lr.line.title, lr.units_left)
    now = timezone.now()
    shipped = order.shipped_at is not None
    _check_reason(kind=kind, reason=reason, shipped=shipped, lines=chosen, order=order, now=now)
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        raise errors.amount_invalid()
    caps = [lr.cap_for(wanted[lr.line.pk]) for lr in chosen]
    cap = min(sum(caps), order.paid_fen - order.refunded_fen)
    if amount_fen > cap:
        raise errors.amount_exceeds(cap)
    reason_text = (reason_text or "").strip()
    if len(reason_text) > 500:
        raise InvalidInput(ErrorCode.INVALID_REASON_TEXT, _("问题描述最多 500 字"))
    req = AfterSaleRequest.objects.create(
        number=_new_number(), order=order, buyer=user, merchant_id=order.merchant_id, kind=kind, reason=reason,
        reason_text=reason_text, amount_fen=amount_fen, shipped_before=shipped)
    try:
        with transaction.atomic():
            for lr, share in zip(chosen, allocate(amount_fen, caps), strict=True):
                AfterSaleLine.objects.create(request=req, order_line=lr.line, quantity=wanted[lr.line.pk],
                                             amount_fen=share)
    except IntegrityError as exc:  # a concurrent request took the line first
        raise errors.line_busy(chosen[0].line.title) from exc
    _audit(req, "", AfterSaleStatus.REQUESTED, user, msg("aftersale.requested", reason=reason))
    _save_photos(req, list(photos or []))
    _order_hold(order.pk, actor=user, number=req.number)
    notices.request_created(req)
    track("aftersale.request", user=user, obj=req, order_id=order.pk, kind=kind, reason=reason,
          amount_fen=amount_fen)
    return req


@transaction.atomic
def aftersale_photos_add(*, user: Any, request_id: int, photos: list[Any]) -> AfterSaleRequest:
    """The buyer adds evidence photos (6 in all) while the merchant has not decided yet."""
    req = _buyer_request(user, request_id)
    if req.status != AfterSaleStatus.REQUESTED:
        raise errors.photos_locked()
    if not photos:
        raise InvalidInput(ErrorCode.NO_PHOTOS, _("请选择图片"))
    _save_photos(req, list(photos))
    track("aftersale.photos", user=user, obj=req, count=len(photos))
    return req


@transaction.atomic
def aftersale_cancel(*, user: Any, request_id: int) -> AfterSaleRequest:
    """The buyer withdraws a request the merchant has not decided on, or a return not yet shipped back."""
    req = _buyer_request(user, request_id)
    if req.status not in rules.BUYER_CANCELLABLE:
        raise errors.illegal_transition(_label(req.status), _label(AfterSaleStatus.CANCELLED))
    req = _move(req, AfterSaleStatus.CANCELLED, actor=user, note=msg("aftersale.withdrawn"))
    _order_release(req, actor=user)
    track("aftersale.cancel", user=user, obj=req)
    return req


@transaction.atomic
def aftersale_return_ship(*, user: Any, request_id: int, carrier: str, tracking_no: str) -> AfterSaleRequest:
    """The buyer sends the goods back with a carrier and tracking number, before the deadline."""
    req = _buyer_request(user, request_id)
    carrier, tracking_no = (carrier or "").strip(), (tracking_no or "").strip()
    if not 1 <= len(carrier) <= 40:
        raise InvalidInput(ErrorCode.INVALID_CARRIER, _("请填写快递公司"))
    if not 4 <= len(tracking_no) <= 40:
        raise InvalidInput(ErrorCode.INVALID_TRACKING_NO, _("请填写正确的运单号"))
    if req.status == AfterSaleStatus.AWAITING_RETURN_SHIPMENT and req.return_deadline is not None \
            and req.return_deadline <= timezone.now():
        raise errors.return_ship_expired()
    req = _move(req, AfterSaleStatus.RETURN_SHIPPED, actor=user, note=f"{carrier} {tracking_no}",
                return_carrier=carrier, return_tracking_no=tracking_no)
    notices.return_shipped(req)
    track("aftersale.return_ship", user=user, obj=req, carrier=carrier)
    return req


# --- merchant ----------------------------------------------------------------------------------------------------


@transaction.atomic
def aftersale_approve(*, user: Any, request_id: int) -> AfterSaleRequest:
    """The merchant agrees: a refund-only request is refunded at once; a return waits for the goods."""
    req = _merchant_request(user, request_id)
    req = _move(req, AfterSaleStatus.APPROVED, actor=user, note=msg("aftersale.approved"))
    notices.request_approved(req)
    if req.kind == AfterSaleKind.REFUND_ONLY:
        req = _refund(req, actor=user)
    else:
        deadline = timezone.now() + dt.timedelta(days=rules.return_ship_days())
        req = _move(req, AfterSaleStatus.AWAITING_RETURN_SHIPMENT, actor=user,
                    note=msg("aftersale.awaiting_return"),
                    return_deadline=deadline)
    track("aftersale.approve", user=user, obj=req, kind=req.kind)
    return req


@transaction.atomic
def aftersale_reject(*, user: Any, request_id: int, reason: str) -> AfterSaleRequest:
    """The merchant refuses, always with a reason the buyer sees."""
    req = _merchant_request(user, request_id)
    reason = (reason or "").strip()
    if not 1 <= len(reason) <= 200:
        raise errors.reject_reason_required()
    req = _move(req, AfterSaleStatus.REJECTED, actor=user, note=reason, reject_reason=reason)
    _order_release(req, actor=user)
    notices.request_rejected(req)
    track("aftersale.reject", user=user, obj=req)
    return req


@transaction.atomic
def aftersale_return_receive(*, user: Any, request_id: int) -> AfterSaleRequest:
    """The merchant confirms the returned goods arrived; the refund goes out."""
    req = _merchant_request(user, request_id)
    req = _move(req, AfterSaleStatus.RETURN_RECEIVED, actor=user, note=msg("aftersale.return_received"))
    req = _refund(req, actor=user)
    track("aftersale.return_receive", user=user, obj=req)
    return req


# --- follow-ups (jobs) -------------------------------------------------------------------------------------------


@transaction.atomic
def aftersale_refund_submit(*, request_id: int, actor: Any = None) -> AfterSaleRequest:
    """Ask payments again for a refunding request's refund (an operator's "retry", or a job). Idempotent: the
    derived refund number makes a replay return the first refund, so no money moves twice; a refund the gateway
    refused is resubmitted under the same number."""
    from quanzi.payments import selectors as payment_selectors
    from quanzi.payments import services as payment_services
    from quanzi.payments.enums import RefundStatus

    req = _lock(request_id)
    if req.status != AfterSaleStatus.REFUNDING:
        raise errors.illegal_transition(_label(req.status), _label(AfterSaleStatus.REFUNDING))
    try:
        failed = payment_selectors.refund_get(refund_no=req.refund_no).status == RefundStatus.FAILED
    except DomainError:
        failed = False
    if failed:  # the gateway refused it before: submit the same refund number again
        payment_services.refund_retry(refund_no=req.refund_no, actor=actor)
    else:
        req = _refund(req, actor=actor)
    track("aftersale.refund_submit", user=actor, obj=req, retry=failed)
    return req


def on_order_refunded(event: Any) -> None:
    """Order hook (`refunded` moment): the refund of a request was booked on the order, so the request is
    refunded. Runs once per refund (orders.hooks); `aftersale_refund_sync` is idempotent besides."""
    request_id = AfterSaleRequest.objects.filter(refund_no=event.ref, order_id=event.order_id)\
        .values_list("pk", flat=True).first()
    if request_id is not None:
        aftersale_refund_sync(request_id=request_id)


@transaction.atomic
def aftersale_refund_sync(*, request_id: int) -> AfterSaleRequest:
    """A refunding request becomes refunded once its refund succeeded at the gateway; then the order leaves its
    after-sales state. Safe to run any number of times (the `refunded` order hook calls it; an operator may)."""
    from quanzi.payments import selectors as payment_selectors
    from quanzi.payments.enums import RefundStatus

    req = _lock(request_id)
    if req.status != AfterSaleStatus.REFUNDING or not req.refund_no:
        return req
    try:
        refund = payment_selectors.refund_get(refund_no=req.refund_no)
    except DomainError:
        return req
    if refund.status != RefundStatus.SUCCEEDED:
        return req
    req = _move(req, AfterSaleStatus.REFUNDED, note=msg("aftersale.refunded"), refunded_at=timezone.now())
    _order_cancel_units(req)
    _order_release(req, actor=None)
    track("aftersale.refunded", user=req.buyer, obj=req, amount_fen=req.amount_fen)
    return req


@transaction.atomic
def aftersale_close_overdue(*, request_id: int) -> AfterSaleRequest:
    """Close an approved return the buyer did not send back in time. Idempotent."""
    req = _lock(request_id)
    if req.status != AfterSaleStatus.AWAITING_RETURN_SHIPMENT or req.return_deadline is None \
            or req.return_deadline > timezone.now():
        return req
    req = _move(req, AfterSaleStatus.CLOSED, note=msg("aftersale.closed_overdue"))
    _order_release(req, actor=None)
    track("aftersale.close_overdue", obj=req)
    return req
