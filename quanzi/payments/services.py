"""Payment writes: create a payment, apply a gateway callback, refunds (idempotent by refund number).

Money rules (docs/ARCHITECTURE.md): integer fen; `Payment.refunded_fen` moves only by conditional updates under a
lock on the payment row; callbacks and refunds carry idempotency keys with unique constraints; what leaves the
database (gateway refunds, the sandbox bank's notification) is queued with `transaction.on_commit`.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.core.errors import DomainError, NotAuthenticated
from quanzi.core.events import track
from quanzi.core.messages import Message, Text, message_columns, msg
from quanzi.core.statemachine import StateMachine
from quanzi.orders import selectors as order_selectors
from quanzi.orders.enums import OrderStatus
from quanzi.orders.locks import lock_order
from quanzi.payments import errors
from quanzi.payments.enums import (
    CallbackKind,
    CallbackResult,
    GatewayName,
    NotifyStatus,
    PaymentKind,
    PaymentStatus,
    RefundKind,
    RefundStatus,
)
from quanzi.payments.errors import CallbackRejected, ErrorCode, rejected
from quanzi.payments.gateways import get_gateway
from quanzi.payments.gateways.base import (
    Gateway,
    PayContext,
    RefundNotification,
    RefundResult,
    VerifiedNotification,
    trade_of,
)
from quanzi.payments.gateways.sandbox import SandboxGateway
from quanzi.payments.locks import lock_payment, lock_refund
from quanzi.payments.models import (
    CombinedPayment,
    Payment,
    PaymentCallback,
    PaymentStatusChange,
    Refund,
    RefundStatusChange,
)
from quanzi.payments.rules import PAYMENT_TRANSITIONS, REFUND_TRANSITIONS
from quanzi.wxlogin import selectors as wx_selectors

REFUND_NO_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
SIGNATURE_HEADERS = ("wechatpay-signature", "wechatpay-timestamp", "wechatpay-nonce", "wechatpay-serial",
                     "wechatpay-signature-type", "x-sandbox-signature", "content-type")


def _audit_payment(payment: Payment, from_status: str, to_status: str, actor: Any, note: Text) -> None:
    PaymentStatusChange.objects.create(payment=payment, from_status=from_status, to_status=to_status, actor=actor,
                                       **message_columns(note, model=PaymentStatusChange, text="note"))


def _audit_refund(refund: Refund, from_status: str, to_status: str, actor: Any, note: Text) -> None:
    RefundStatusChange.objects.create(refund=refund, from_status=from_status, to_status=to_status, actor=actor,
                                      **message_columns(note, model=RefundStatusChange, text="note"))


PAYMENT_MACHINE: StateMachine[Payment] = StateMachine(
    model=Payment, transitions=PAYMENT_TRANSITIONS, audit=_audit_payment,
    illegal=lambda c, t: errors.illegal_transition(
        str(_("支付单")), str(PaymentStatus(c).label), str(PaymentStatus(t).label)))
REFUND_MACHINE: StateMachine[Refund] = StateMachine(
    model=Refund, transitions=REFUND_TRANSITIONS, audit=_audit_refund,
    illegal=lambda c, t: errors.illegal_transition(
        str(_("退款单")), str(RefundStatus(c).label), str(RefundStatus(t).label)))


def _new_no(prefix: str) -> str:
    return f"{prefix}{timezone.now():%Y%m%d%H%M%S}{secrets.token_hex(5).upper()}"


def _queue(task_name: str, *args: Any) -> None:
    """Queue a payments job after the transaction commits (the job module is imported lazily: jobs call
    services, never the other way round at import time)."""
    from quanzi.payments import jobs

    transaction.on_commit(partial(getattr(jobs, task_name), *args))


# --- payments ----------------------------------------------------------------------------------------------------


QUERY_AFTER = dt.timedelta(minutes=5)  # a payment without a notification is asked about after this
QUERY_BACKOFF_MAX = dt.timedelta(hours=6)


def default_kind(gateway: str) -> str:
    return {GatewayName.SANDBOX: PaymentKind.SANDBOX, GatewayName.WECHAT: PaymentKind.NATIVE,
            GatewayName.ALIPAY: PaymentKind.PAGE}.get(GatewayName(gateway), "")


def _pay_context(gw: Gateway, *, user: Any, kind: str, order: Any, client_ip: str, return_url: str) -> PayContext:
    """What the gateway needs for this kind: JSAPI and mini-program payments need the buyer's openid under the
    appid they are made with (from WeChat login)."""
    openid = ""
    if kind in (PaymentKind.JSAPI, PaymentKind.MINIPROGRAM):
        appid = gw.appid_for(kind)
        openid = (wx_selectors.openid_for(user_id=user.pk, appid=appid) or "") if appid else ""
        if not openid:
            raise errors.openid_required()
    return PayContext(kind=kind, openid=openid, client_ip=client_ip, expires_at=order.expires_at,
                      return_url=return_url)


@transaction.atomic
def payment_create(*, user: Any, order_id: int, gateway: str, kind: str = "", client_ip: str = "",
                   return_url: str = "") -> Payment:
    """Start paying an order: only its buyer, only while it waits for payment; the amount is the order's
    payable amount. An open payment for the same order, gateway and kind is reused (the same pay page).

    `kind` is how the buyer pays (PaymentKind; the gateway's default when empty); the provider is told the order's
    payment deadline, so nobody can pay after it."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))
    gw = get_gateway(gateway)
    kind = kind or default_kind(gateway)
    if kind not in gw.kinds:
        raise errors.payment_kind_unavailable()
    order = order_selectors.order_get_for_buyer(user=user, order_id=order_id)  # someone else's order: 404
    lock_order(order.pk)  # two clicks at once make one payment, not two
    if order_selectors.order_status_now(order) != OrderStatus.PENDING_PAYMENT:
        raise errors.order_not_payable()
    amount = order.payable_fen
    if not isinstance(amount, int) or amount <= 0:
        raise errors.order_amount_invalid()
    existing = Payment.objects.filter(order=order, gateway=gateway, kind=kind, status=PaymentStatus.CREATED,
                                      amount_fen=amount, combined__isnull=True).first()
    if existing is not None:
        return existing
    context = _pay_context(gw, user=user, kind=kind, order=order, client_ip=client_ip, return_url=return_url)
    payment = Payment.objects.create(order=order, payer=user, gateway=gateway, kind=kind, amount_fen=amount,
                                     payment_no=_new_no("P"), next_query_at=timezone.now() + QUERY_AFTER)
    payment.client_data = gw.create_payment(payment, context).as_dict()
    payment.save(update_fields=["client_data", "updated_at"])
    track("payment.create", user=user, obj=payment, order_id=order.pk, gateway=gateway, amount_fen=amount,
          kind=kind)
    return payment


def _sandbox() -> SandboxGateway:
    gw = get_gateway(GatewayName.SANDBOX)  # off unless configured: gateway_unavailable
    assert isinstance(gw, SandboxGateway)
    return gw


@transaction.atomic
def sandbox_confirm(*, user: Any, payment_no: str) -> Payment:
    """The buyer confirms on the sandbox cashier: the sandbox bank sends its signed notification to our
    callback endpoint after this commits (through the same verification as any gateway)."""
    gateway = _sandbox()
    payment = Payment.objects.filter(payment_no=payment_no, gateway=GatewayName.SANDBOX, combined__isnull=True,
                                     payer_id=getattr(user, "pk", None)).first()
    if payment is None:
        raise errors.payment_not_found()
    if payment.status != PaymentStatus.CREATED:
        return payment
    headers, body = gateway.build_notification(payment_no=payment.payment_no, amount_fen=payment.amount_fen)
    _queue("sandbox_deliver", headers, body.decode())
    track("payment.sandbox_confirm", user=user, obj=payment, order_id=payment.order_id)
    return payment


def sandbox_pay_now(*, user: Any, order_id: int) -> Payment:
    """Pay an order through the sandbox at once (demo data and other apps' tests): the same payment, signed
    notification and verification path as the cashier page, applied synchronously instead of by the job."""
    payment = payment_create(user=user, order_id=order_id, gateway=GatewayName.SANDBOX)
    headers, body = _sandbox().build_notification(payment_no=payment.payment_no, amount_fen=payment.amount_fen)
    outcome = payment_handle_callback(gateway=GatewayName.SANDBOX, headers=headers, body=body)
    if not outcome.ok:  # pragma: no cover - our own signed notification always verifies
        raise DomainError(outcome.code, outcome.message)
    payment.refresh_from_db()
    return payment


# --- callbacks ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallbackOutcome:
    ok: bool
    result: str
    code: str = ""
    message: str = ""
    payment_no: str = ""
    replay: bool = False


def _signature_headers(headers: Mapping[str, str]) -> dict[str, str]:
    out = {}
    for key, value in headers.items():
        name = key.lower().removeprefix("http_").replace("_", "-")
        if name in SIGNATURE_HEADERS:
            out[name] = str(value)[:512]
    return out


def payment_handle_callback(*, gateway: str, headers: Mapping[str, str], body: bytes) -> CallbackOutcome:
    """Verify and apply one gateway notification. Idempotent: a redelivery (same notify id) only counts the
    delivery and returns the first result; a notification for an already-applied trade changes nothing.

    Not one transaction on purpose: the notification is applied in one transaction, and a rejection is logged in
    its own, so the log keeps what was refused while nothing else was written."""
    gw = get_gateway(gateway)
    raw = body.decode("utf-8", errors="replace")[:20000]
    kept = _signature_headers(headers)
    try:
        note = gw.verify_callback(headers, body)
    except CallbackRejected as exc:
        with transaction.atomic():
            PaymentCallback.objects.create(gateway=gateway, notify_id=None, raw_body=raw, headers=kept,
                                           verified=False, result=CallbackResult.REJECTED, error_code=exc.code)
            track("payment.callback_rejected", gateway=gateway, code=exc.code)
        return CallbackOutcome(False, CallbackResult.REJECTED, exc.code, str(exc.message))
    try:
        return _apply_notification(gateway, note, raw, kept)
    except CallbackRejected as exc:  # verified, but it does not match our payment: nothing was applied
        return _log_verified_rejection(gateway, note, raw, kept, exc)


def _log_verified_rejection(gateway: str, note: VerifiedNotification, raw: str, kept: dict[str, str],
                            exc: CallbackRejected) -> CallbackOutcome:
    with transaction.atomic():
        payment = Payment.objects.filter(payment_no=note.out_trade_no, gateway=gateway).first()
        combined = CombinedPayment.objects.filter(combined_no=note.out_trade_no, gateway=gateway).first()
        try:
            with transaction.atomic():
                PaymentCallback.objects.create(
                    gateway=gateway, notify_id=note.notify_id, payment=payment, combined=combined,
                    out_trade_no=note.out_trade_no,
                    gateway_txn_id=note.gateway_txn_id, amount_fen=note.amount_fen, raw_body=raw, headers=kept,
                    verified=True, result=CallbackResult.REJECTED, error_code=exc.code)
        except IntegrityError:
            PaymentCallback.objects.filter(gateway=gateway, notify_id=note.notify_id).update(
                deliveries=F("deliveries") + 1)
        track("payment.callback_rejected", obj=payment, gateway=gateway, code=exc.code)
    return CallbackOutcome(False, CallbackResult.REJECTED, exc.code, str(exc.message), note.out_trade_no)


@transaction.atomic
def _apply_notification(gateway: str, note: VerifiedNotification, raw: str, kept: dict[str, str],
                        found_by_query: bool = False) -> CallbackOutcome:
    payment_pk = Payment.objects.filter(payment_no=note.out_trade_no, gateway=gateway, combined__isnull=True
                                        ).values_list("pk", flat=True).first()
    if payment_pk is None:
        from quanzi.payments import combined

        # a combined trade's number (合单支付): it books each of its orders
        if combined.is_combined_no(note.out_trade_no, gateway=gateway):
            return combined.apply_notification(gateway, note, raw, kept, found_by_query=found_by_query)
        raise rejected(ErrorCode.UNKNOWN_PAYMENT, _("支付单不存在"))
    payment = lock_payment(payment_pk)  # every delivery for this payment queues here
    first = PaymentCallback.objects.filter(gateway=gateway, notify_id=note.notify_id).first()
    if first is not None:
        PaymentCallback.objects.filter(pk=first.pk).update(deliveries=F("deliveries") + 1)
        return CallbackOutcome(first.result != CallbackResult.REJECTED, first.result, first.error_code,
                               payment_no=payment.payment_no, replay=True)
    if note.amount_fen != payment.amount_fen:
        raise rejected(ErrorCode.AMOUNT_MISMATCH, _("通知金额与支付单金额不一致"))

    def log(result: str) -> None:
        PaymentCallback.objects.create(
            gateway=gateway, notify_id=note.notify_id, payment=payment, out_trade_no=note.out_trade_no,
            gateway_txn_id=note.gateway_txn_id, amount_fen=note.amount_fen, raw_body=raw, headers=kept,
            verified=True, result=result)

    if note.status != NotifyStatus.SUCCESS:
        if note.status == NotifyStatus.CLOSED and payment.status == PaymentStatus.CREATED:
            PAYMENT_MACHINE.move(payment, PaymentStatus.CLOSED, closed_at=timezone.now(), next_query_at=None,
                                 note=msg("payment.query_closed" if found_by_query else "payment.gateway_closed"))
        log(CallbackResult.IGNORED)
        track("payment.callback_ignored", obj=payment, gateway=gateway, status=str(note.status))
        return CallbackOutcome(True, CallbackResult.IGNORED, payment_no=payment.payment_no)
    if payment.status not in (PaymentStatus.CREATED, PaymentStatus.CLOSED):
        if payment.gateway_txn_id != note.gateway_txn_id:
            raise rejected(ErrorCode.TXN_MISMATCH, _("该支付单已由另一笔交易支付"))
        log(CallbackResult.DUPLICATE)  # the same trade, told again under another notification id
        return CallbackOutcome(True, CallbackResult.DUPLICATE, payment_no=payment.payment_no)

    result = book_paid(payment, gateway=gateway, gateway_txn_id=note.gateway_txn_id, found_by_query=found_by_query)
    log(result)
    return CallbackOutcome(True, result, payment_no=payment.payment_no)


def book_paid(payment: Payment, *, gateway: str, gateway_txn_id: str | None, found_by_query: bool) -> str:
    """Book a verified payment of a (locked, created or closed) payment and tell its order; money the order cannot
    take is refunded at once. Returns the callback result (PROCESSED or AUTO_REFUNDED). A combined trade's share
    (`combined.apply_notification`) is booked here too, without a transaction id of its own (the trade has it)."""
    try:
        payment = PAYMENT_MACHINE.move(
            payment, PaymentStatus.SUCCEEDED, gateway_txn_id=gateway_txn_id, paid_at=timezone.now(),
            next_query_at=None, note=msg("payment.query_paid" if found_by_query else "payment.gateway_paid"))
    except DomainError as exc:  # pragma: no cover - the row lock makes this unreachable
        raise rejected(ErrorCode.PAYMENT_STATE_CHANGED, _("支付单状态已变化")) from exc
    refund_reason = _mark_order_paid(payment)
    if refund_reason is None:
        track("payment.succeeded", user=payment.payer, obj=payment, order_id=payment.order_id,
              gateway=gateway, amount_fen=payment.amount_fen)
        return CallbackResult.PROCESSED
    kind, reason, amount, booked = refund_reason
    _refund_open(payment=payment, amount_fen=amount, refund_no=f"AUTO-{payment.payment_no}", kind=kind,
                 reason=reason, actor=None, book_on_order=booked)
    track("payment.succeeded_refunded", user=payment.payer, obj=payment, order_id=payment.order_id,
          gateway=gateway, amount_fen=payment.amount_fen, kind=kind)
    return CallbackResult.AUTO_REFUNDED


def _mark_order_paid(payment: Payment) -> tuple[str, Message, int, bool] | None:
    """Tell the order it was paid. None when the order took the money; otherwise (kind, reason, amount to refund,
    whether the order booked the money) — a cancelled or expired order, or one already paid by another payment,
    books it and asks for it to be refunded; it is never dropped."""
    from quanzi.orders.services import order_mark_paid

    try:
        with transaction.atomic():
            result = order_mark_paid(order_id=payment.order_id, amount_fen=payment.amount_fen,
                                     payment_ref=payment.payment_no)
    except DomainError as exc:  # the order refused it outright (nothing booked): the money still goes back
        return (RefundKind.NOT_APPLIED, msg("refund.order_refused", code=exc.code), payment.amount_fen, False)
    if result.accepted or result.replay or result.needs_refund_fen <= 0:
        return None
    if result.cancelled:
        return RefundKind.ORDER_CANCELLED, msg("refund.order_cancelled"), result.needs_refund_fen, True
    return RefundKind.NOT_APPLIED, msg("refund.paid_twice"), result.needs_refund_fen, True


# --- refunds -----------------------------------------------------------------------------------------------------


def _check_refund_args(amount_fen: Any, refund_no: str) -> None:
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        raise errors.refund_amount_invalid()
    if not isinstance(refund_no, str) or not REFUND_NO_RE.match(refund_no):
        raise errors.refund_no_invalid()


def _replay(existing: Refund, *, amount_fen: int, order_id: int | None, payment_id: int | None) -> Refund:
    same = existing.amount_fen == amount_fen and (order_id is None or existing.order_id == order_id) and (
        payment_id is None or existing.payment_id == payment_id)
    if not same:
        raise errors.refund_no_conflict()
    return existing


def _refundable_payment(order_id: int) -> Payment | None:
    """The payment that paid the order (not one that is being returned automatically)."""
    return (Payment.objects.filter(order_id=order_id, status__in=[PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED])
            .exclude(refunds__kind__in=[RefundKind.ORDER_CANCELLED, RefundKind.NOT_APPLIED])
            .order_by("paid_at", "pk").first())


def _check_lines(lines: Mapping[int, int] | None, amount_fen: int) -> dict[str, int]:
    """A refund's split over order lines (line id -> fen): positive whole fen summing to the amount."""
    if not lines:
        return {}
    out: dict[str, int] = {}
    for line_id, fen in lines.items():
        if not isinstance(fen, int) or isinstance(fen, bool) or fen < 0:
            raise errors.refund_lines_invalid()
        if fen:
            out[str(int(line_id))] = out.get(str(int(line_id)), 0) + fen
    if sum(out.values()) != amount_fen:
        raise errors.refund_lines_invalid()
    return out


def _refund_open(*, payment: Payment, amount_fen: int, refund_no: str, kind: str, reason: Text,
                 actor: Any, book_on_order: bool = True, lines: dict[str, int] | None = None) -> Refund:
    """Reserve `amount_fen` on the (locked) payment by a conditional update and create the refund; the gateway
    call is queued after commit."""
    reserved = Payment.objects.filter(
        pk=payment.pk, status=PaymentStatus.SUCCEEDED, refunded_fen__lte=F("amount_fen") - amount_fen,
    ).update(refunded_fen=F("refunded_fen") + amount_fen, updated_at=timezone.now())
    if reserved != 1:
        if payment.status not in (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED):
            raise errors.refund_not_refundable()
        raise errors.refund_exceeds_paid()
    refund = Refund.objects.create(payment=payment, order_id=payment.order_id, refund_no=refund_no, kind=kind,
                                   amount_fen=amount_fen, requested_by=actor, book_on_order=book_on_order,
                                   lines=lines or {},
                                   **message_columns(reason or "", model=Refund, text="reason", prefix="reason_"))
    _queue("refund_submit_task", refund.pk)
    return refund


@transaction.atomic
def refund_create(*, amount_fen: int, refund_no: str, reason: Text = "", order_id: int | None = None,
                  payment_id: int | None = None, kind: str = RefundKind.AFTER_SALES, actor: Any = None,
                  lines: Mapping[int, int] | None = None) -> Refund:
    """Refund part or all of what was paid for an order (or a given payment). Idempotent by `refund_no`: the
    same number again returns the first refund and changes nothing (a different amount or order with a used
    number is a conflict). Refunds of a payment never add up to more than it received.

    `lines` (order line id -> fen, summing to the amount) is how the refund splits over the order's lines; the
    order books it once, with the refund, when the gateway confirms (without it the order spreads the refund pro
    rata). For other apps (after-sales): authorisation is the caller's; this only guards the money."""
    _check_refund_args(amount_fen, refund_no)
    split = _check_lines(lines, amount_fen)
    if order_id is None and payment_id is None:
        raise errors.refund_not_refundable()
    existing = Refund.objects.filter(refund_no=refund_no).first()
    if existing is not None:
        return _replay(existing, amount_fen=amount_fen, order_id=order_id, payment_id=payment_id)
    if payment_id is not None:
        candidate = Payment.objects.filter(pk=payment_id).first()
        if candidate is None or (order_id is not None and candidate.order_id != order_id):
            raise errors.payment_not_found()
    else:
        assert order_id is not None
        candidate = _refundable_payment(order_id)
        if candidate is None:
            raise errors.refund_not_refundable()
    payment = lock_payment(candidate.pk)
    existing = Refund.objects.filter(refund_no=refund_no).first()  # a twin request may have won the lock first
    if existing is not None:
        return _replay(existing, amount_fen=amount_fen, order_id=order_id, payment_id=payment_id)
    try:
        with transaction.atomic():
            refund = _refund_open(payment=payment, amount_fen=amount_fen, refund_no=refund_no, kind=kind,
                                  reason=reason, actor=actor, lines=split)
    except IntegrityError:  # the same refund_no on another payment, created concurrently
        existing = Refund.objects.filter(refund_no=refund_no).first()
        if existing is None:
            raise
        return _replay(existing, amount_fen=amount_fen, order_id=order_id, payment_id=payment_id)
    track("refund.create", user=actor, obj=refund, order_id=payment.order_id, amount_fen=amount_fen, kind=kind)
    return refund


def refund_submit(*, refund_id: int) -> Refund:
    """Send a pending (or still processing) refund to its gateway and record the answer. Safe to run twice:
    the gateway call carries the refund number, which the gateways treat as the idempotency key."""
    with transaction.atomic():
        refund = lock_refund(refund_id)
        if refund.status not in (RefundStatus.PENDING, RefundStatus.PROCESSING):
            return refund
        Refund.objects.filter(pk=refund.pk).update(attempts=F("attempts") + 1, submitted_at=timezone.now())
    gateway = get_gateway(refund.payment.gateway)
    result = gateway.refund(refund)  # outside any transaction: it may be a network call
    return refund_apply_result(refund_id=refund.pk, result=result)


@transaction.atomic
def refund_apply_result(*, refund_id: int, result: RefundResult) -> Refund:
    """Record a gateway's answer for a refund. A success tells the order; a failure gives the reserved amount
    back to the payment so it can be refunded again (`refund_retry` resubmits the same refund number)."""
    payment_pk = Refund.objects.values_list("payment_id", flat=True).get(pk=refund_id)
    payment = lock_payment(payment_pk)
    refund = lock_refund(refund_id)
    if refund.status not in (RefundStatus.PENDING, RefundStatus.PROCESSING):
        return refund  # already settled by an earlier run
    now = timezone.now()
    gateway_refund_id = result.gateway_refund_id or refund.gateway_refund_id
    if result.status == RefundStatus.PROCESSING:
        if refund.status == RefundStatus.PROCESSING:  # still processing: only the gateway's id may be new
            Refund.objects.filter(pk=refund.pk).update(gateway_refund_id=gateway_refund_id)
            refund.refresh_from_db()
        else:
            refund = REFUND_MACHINE.move(refund, RefundStatus.PROCESSING, note=msg("refund.gateway_accepted"),
                                         gateway_refund_id=gateway_refund_id, next_query_at=now + QUERY_AFTER)
        track("refund.processing", obj=refund, order_id=refund.order_id)
        return refund
    if result.status == RefundStatus.SUCCEEDED:
        refund = REFUND_MACHINE.move(refund, RefundStatus.SUCCEEDED, note=msg("refund.gateway_succeeded"),
                                     finished_at=now,
                                     gateway_refund_id=gateway_refund_id, error_code="", error_message="")
        done = Refund.objects.filter(payment=payment, status=RefundStatus.SUCCEEDED).aggregate(
            s=Sum("amount_fen"))["s"] or 0
        if done >= payment.amount_fen and payment.status == PaymentStatus.SUCCEEDED:
            PAYMENT_MACHINE.move(payment, PaymentStatus.REFUNDED, note=msg("payment.refunded_in_full"))
        if refund.book_on_order:
            _record_order_refund(refund)
        track("refund.succeeded", obj=refund, order_id=refund.order_id, amount_fen=refund.amount_fen)
        return refund
    refund = REFUND_MACHINE.move(refund, RefundStatus.FAILED, note=(result.error_message or "")[:200],
                                 finished_at=now, error_code=(result.error_code or "refund_failed")[:64],
                                 error_message=(result.error_message or "")[:200])
    released = Payment.objects.filter(pk=payment.pk, refunded_fen__gte=refund.amount_fen).update(
        refunded_fen=F("refunded_fen") - refund.amount_fen, updated_at=now)
    assert released == 1, "a reserved refund amount is always on the payment"
    track("refund.failed", obj=refund, order_id=refund.order_id, code=refund.error_code)
    return refund


def _record_order_refund(refund: Refund) -> None:
    """Book the refund on the order. The money has already gone back at the gateway, so a refusal by the order
    must not undo our record of it: it is kept for an operator to look at."""
    from quanzi.orders.services import order_record_refund

    try:
        with transaction.atomic():
            order_record_refund(order_id=refund.order_id, amount_fen=refund.amount_fen,
                                refund_ref=refund.refund_no,
                                lines={int(k): int(v) for k, v in (refund.lines or {}).items()} or None)
    except DomainError as exc:
        Refund.objects.filter(pk=refund.pk).update(error_code=f"order_booking:{exc.code}"[:64],
                                                   error_message=str(exc.message)[:200])


@transaction.atomic
def refund_retry(*, refund_no: str, actor: Any = None) -> Refund:
    """Submit a failed refund again under the same refund number (its amount is reserved again first)."""
    refund = Refund.objects.filter(refund_no=refund_no).first()
    if refund is None:
        raise errors.refund_not_found()
    payment = lock_payment(refund.payment_id)
    refund = lock_refund(refund.pk)
    if refund.status != RefundStatus.FAILED:
        raise errors.refund_not_retryable()
    reserved = Payment.objects.filter(
        pk=payment.pk, refunded_fen__lte=F("amount_fen") - refund.amount_fen,
        status__in=[PaymentStatus.SUCCEEDED],
    ).update(refunded_fen=F("refunded_fen") + refund.amount_fen, updated_at=timezone.now())
    if reserved != 1:
        raise errors.refund_exceeds_paid()
    REFUND_MACHINE.move(refund, RefundStatus.PENDING, actor=actor, note=msg("refund.resubmitted"), error_code="",
                        error_message="", finished_at=None)
    _queue("refund_submit_task", refund.pk)
    track("refund.retry", user=actor, obj=refund, order_id=refund.order_id)
    refund.refresh_from_db()
    return refund


# --- refund notifications and queries ----------------------------------------------------------------------------


def _log_callback(*, gateway: str, kind: str, notify_id: str | None, payment: Payment | None, raw: str,
                  kept: dict[str, str], verified: bool, result: str, error_code: str = "", out_trade_no: str = "",
                  txn: str = "", amount_fen: int | None = None) -> None:
    """One row of the callback log; a redelivery of a logged notification only counts the delivery."""
    try:
        with transaction.atomic():
            PaymentCallback.objects.create(
                gateway=gateway, kind=kind, notify_id=notify_id, payment=payment, out_trade_no=out_trade_no,
                gateway_txn_id=txn, amount_fen=amount_fen, raw_body=raw, headers=kept, verified=verified,
                result=result, error_code=error_code)
    except IntegrityError:
        PaymentCallback.objects.filter(gateway=gateway, notify_id=notify_id).update(deliveries=F("deliveries") + 1)


def refund_handle_callback(*, gateway: str, headers: Mapping[str, str], body: bytes) -> CallbackOutcome:
    """Verify and apply one refund notification (WeChat Pay REFUND.SUCCESS / ABNORMAL / CLOSED) on its own
    callback. Idempotent like payment notifications: a redelivery returns the first result; a notification for a
    refund already final changes nothing. A refund we do not know, of another merchant, or with another amount is
    refused and nothing changes."""
    gw = get_gateway(gateway)
    raw = body.decode("utf-8", errors="replace")[:20000]
    kept = _signature_headers(headers)
    try:
        note = gw.verify_refund_callback(headers, body)
    except CallbackRejected as exc:
        with transaction.atomic():
            _log_callback(gateway=gateway, kind=CallbackKind.REFUND, notify_id=None, payment=None, raw=raw,
                          kept=kept, verified=False, result=CallbackResult.REJECTED, error_code=exc.code)
            track("refund.callback_rejected", gateway=gateway, code=exc.code)
        return CallbackOutcome(False, CallbackResult.REJECTED, exc.code, str(exc.message))
    try:
        return _apply_refund_notification(gateway, note, raw, kept)
    except CallbackRejected as exc:
        with transaction.atomic():
            refund = Refund.objects.filter(refund_no=note.out_refund_no, payment__gateway=gateway).first()
            _log_callback(gateway=gateway, kind=CallbackKind.REFUND, notify_id=note.notify_id,
                          payment=refund.payment if refund else None, raw=raw, kept=kept, verified=True,
                          result=CallbackResult.REJECTED, error_code=exc.code, out_trade_no=note.out_trade_no,
                          txn=note.gateway_refund_id, amount_fen=note.amount_fen)
            track("refund.callback_rejected", gateway=gateway, code=exc.code)
        return CallbackOutcome(False, CallbackResult.REJECTED, exc.code, str(exc.message), note.out_trade_no)


@transaction.atomic
def _apply_refund_notification(gateway: str, note: RefundNotification, raw: str,
                               kept: dict[str, str]) -> CallbackOutcome:
    found = Refund.objects.filter(refund_no=note.out_refund_no, payment__gateway=gateway).values_list(
        "pk", "payment_id").first()
    if found is None:
        raise rejected(ErrorCode.UNKNOWN_REFUND, _("退款单不存在"))
    payment = lock_payment(found[1])  # redeliveries of this refund's notifications queue here
    refund = lock_refund(found[0])
    if trade_of(payment).out_trade_no != note.out_trade_no:  # a combined trade's share: the combined number
        raise rejected(ErrorCode.TXN_MISMATCH, _("退款通知与支付单不一致"))
    if note.amount_fen != refund.amount_fen:
        raise rejected(ErrorCode.AMOUNT_MISMATCH, _("通知金额与退款单金额不一致"))
    first = PaymentCallback.objects.filter(gateway=gateway, notify_id=note.notify_id).first()
    if first is not None:
        PaymentCallback.objects.filter(pk=first.pk).update(deliveries=F("deliveries") + 1)
        return CallbackOutcome(first.result != CallbackResult.REJECTED, first.result, first.error_code,
                               payment_no=payment.payment_no, replay=True)
    was_open = refund.status in (RefundStatus.PENDING, RefundStatus.PROCESSING)
    error = "" if note.status != RefundStatus.FAILED else str(note.raw.get("refund_status") or "refund_failed")
    refund = refund_apply_result(refund_id=refund.pk, result=RefundResult(
        note.status, gateway_refund_id=note.gateway_refund_id, error_code=error,
        error_message=str(note.raw.get("user_received_account") or "")[:200] if error else ""))
    if not was_open:
        result = CallbackResult.DUPLICATE
    elif refund.status == RefundStatus.PROCESSING:
        result = CallbackResult.IGNORED
    else:
        result = CallbackResult.PROCESSED
    _log_callback(gateway=gateway, kind=CallbackKind.REFUND, notify_id=note.notify_id, payment=payment, raw=raw,
                  kept=kept, verified=True, result=result, out_trade_no=note.out_trade_no,
                  txn=note.gateway_refund_id, amount_fen=note.amount_fen)
    track("refund.callback", obj=refund, order_id=refund.order_id, gateway=gateway, status=str(refund.status))
    return CallbackOutcome(True, result, payment_no=payment.payment_no)


def _backoff(queries: int) -> dt.timedelta:
    """5, 10, 20 ... minutes between queries, at most 6 hours: asked until the provider says something final."""
    return min(QUERY_AFTER * (2 ** min(queries, 10)), QUERY_BACKOFF_MAX)


def refund_query(*, refund_id: int) -> Refund:
    """Ask the provider about a processing refund and record the answer; still processing: ask again later
    (backing off, never giving up)."""
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.status != RefundStatus.PROCESSING:
        return refund
    result = get_gateway(refund.payment.gateway).refund_query(refund)  # a network call: outside a transaction
    refund = refund_apply_result(refund_id=refund.pk, result=result)
    if refund.status == RefundStatus.PROCESSING:
        Refund.objects.filter(pk=refund.pk, status=RefundStatus.PROCESSING).update(
            queries=F("queries") + 1, next_query_at=timezone.now() + _backoff(refund.queries + 1))
        refund.refresh_from_db()
    return refund


# --- order query and close ---------------------------------------------------------------------------------------


def payment_query(*, payment_id: int) -> Payment:
    """Ask the provider about a payment no notification has told us about. Found paid (or closed): booked exactly
    as the notification would have been. Still open while its order can no longer be paid: closed at the provider.
    Otherwise asked again later, backing off."""
    payment = Payment.objects.get(pk=payment_id)
    if payment.status != PaymentStatus.CREATED or payment.combined_id is not None:
        return payment  # a combined trade's share is asked about through the trade (combined.combined_query)
    gw = get_gateway(payment.gateway)
    note = gw.query(payment)
    if note is not None:
        try:
            _apply_notification(payment.gateway, note, "", {}, found_by_query=True)
        except CallbackRejected as exc:  # e.g. the provider's amount is not ours: an operator must look
            _log_verified_rejection(payment.gateway, note, "", {}, exc)
        payment.refresh_from_db()
        if payment.status != PaymentStatus.CREATED:
            track("payment.query_found", obj=payment, order_id=payment.order_id, status=str(payment.status))
            return payment
    if order_selectors.order_status_now(payment.order) != OrderStatus.PENDING_PAYMENT:
        return payment_close(payment_id=payment.pk)
    Payment.objects.filter(pk=payment.pk, status=PaymentStatus.CREATED).update(
        queries=F("queries") + 1, next_query_at=timezone.now() + _backoff(payment.queries + 1))
    payment.refresh_from_db()
    return payment


def payment_close(*, payment_id: int) -> Payment:
    """Close an open payment at its provider (the order was cancelled or expired) and here. If the provider
    refuses (the buyer paid meanwhile), the payment is asked about again: a late payment is booked and, since the
    order no longer takes it, refunded."""
    payment = Payment.objects.get(pk=payment_id)
    if payment.status != PaymentStatus.CREATED:
        return payment
    if payment.combined_id is not None:  # one order of a combined trade: closed here, the trade by its own rules
        from quanzi.payments import combined

        return combined.child_close(payment_id=payment.pk)
    closed = get_gateway(payment.gateway).close(payment)  # a network call: outside a transaction
    with transaction.atomic():
        payment = lock_payment(payment.pk)
        if payment.status != PaymentStatus.CREATED:
            return payment
        if closed:
            payment = PAYMENT_MACHINE.move(payment, PaymentStatus.CLOSED, note=msg("payment.order_cancelled"),
                                           closed_at=timezone.now(), next_query_at=None)
            track("payment.closed", obj=payment, order_id=payment.order_id, gateway=payment.gateway)
        else:
            Payment.objects.filter(pk=payment.pk).update(
                queries=F("queries") + 1, next_query_at=timezone.now() + _backoff(payment.queries + 1))
    return payment


def on_order_cancelled(event: Any) -> None:
    """orders' `cancelled` moment: close the order's open payments at their providers (after this commits)."""
    for pk in Payment.objects.filter(order_id=event.order_id, status=PaymentStatus.CREATED).values_list(
            "pk", flat=True):
        _queue("payment_close_task", pk)


# --- what the combined payments module (quanzi/payments/combined.py) shares with single payments ------------------

pay_context = _pay_context
new_no = _new_no
queue = _queue
sandbox_gateway = _sandbox
backoff = _backoff


def apply_found_notification(gateway: str, note: VerifiedNotification) -> None:
    """Book what an order query found, exactly as its notification would have been (a mismatch is logged for an
    operator, nothing applied)."""
    try:
        _apply_notification(gateway, note, "", {}, found_by_query=True)
    except CallbackRejected as exc:
        _log_verified_rejection(gateway, note, "", {}, exc)
