"""Combined payments (合单支付): the orders of one checkout, one per merchant, paid by one gateway trade.

The gateway sees one number (`CombinedPayment.combined_no`) and the total. Each order keeps its own `Payment` (a
child, created with the trade and never sent to the gateway), so refunds, after-sales and settlement stay per order:
a verified notification of the trade books every child exactly once through the same `services.book_paid` a
single payment uses (an order cancelled meanwhile takes the late-payment path: booked and refunded at once). A
refund of one order goes against the combined trade (`gateways.base.trade_of`), never for more than the order's
share (the child's own `refunded_fen` check).

Nothing here moves money without a verified notification (or a verified answer of the provider's order query).
Locks: combined → each child's order → payment, children in order id order (docs/ARCHITECTURE.md, "Lock order").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.core.errors import NotAuthenticated
from quanzi.core.events import track
from quanzi.core.messages import message_columns, msg
from quanzi.core.statemachine import StateMachine
from quanzi.orders import selectors as order_selectors
from quanzi.orders.enums import OrderStatus
from quanzi.orders.locks import lock_order
from quanzi.payments import errors, services
from quanzi.payments.enums import CallbackResult, GatewayName, NotifyStatus, PaymentStatus
from quanzi.payments.errors import ErrorCode, rejected
from quanzi.payments.gateways import get_gateway
from quanzi.payments.gateways.base import VerifiedNotification
from quanzi.payments.locks import lock_combined, lock_payment
from quanzi.payments.models import CombinedPayment, CombinedPaymentStatusChange, Payment, PaymentCallback
from quanzi.payments.rules import COMBINED_TRANSITIONS


def _audit(row: CombinedPayment, from_status: str, to_status: str, actor: Any, note: Any) -> None:
    CombinedPaymentStatusChange.objects.create(
        combined=row, from_status=from_status, to_status=to_status, actor=actor,
        **message_columns(note, model=CombinedPaymentStatusChange, text="note"))


COMBINED_MACHINE: StateMachine[CombinedPayment] = StateMachine(
    model=CombinedPayment, transitions=COMBINED_TRANSITIONS, audit=_audit,
    illegal=lambda c, t: errors.illegal_transition(
        str(_("合单支付")), str(PaymentStatus(c).label), str(PaymentStatus(t).label)))


def is_combined_no(number: str, *, gateway: str) -> bool:
    return CombinedPayment.objects.filter(combined_no=number, gateway=gateway).exists()


def gateway_view(combined: CombinedPayment, order: Any = None) -> Payment:
    """The combined trade as a gateway reads a payment (number, amount, kind, transaction id; the first order's
    number goes into the trade's description). Unsaved: only handed to the gateway's create / query / close."""
    if order is None:
        child = combined.children.select_related("order").order_by("order_id").first()
        order = child.order if child is not None else None
    return Payment(order=order, payer_id=combined.payer_id, payment_no=combined.combined_no, gateway=combined.gateway,
                   kind=combined.kind, amount_fen=combined.amount_fen, gateway_txn_id=combined.gateway_txn_id)


# --- create ------------------------------------------------------------------------------------------------------


def _orders_to_pay(user: Any, checkout_id: int, order_ids: Sequence[int] | None) -> list[Any]:
    """The buyer's orders of the checkout to pay together: those given (each of this checkout, each still waiting
    for payment) or, without a list, every order of the checkout still waiting for payment. Locked, in id order."""
    in_checkout = order_selectors.checkout_order_ids(checkout_id=checkout_id)
    if not in_checkout:
        raise errors.checkout_not_found()
    wanted = sorted(set(order_ids)) if order_ids else in_checkout
    if any(pk not in in_checkout for pk in wanted):
        raise errors.orders_not_in_checkout()
    orders = [order_selectors.order_get_for_buyer(user=user, order_id=pk) for pk in wanted]  # not theirs: 404
    for order in orders:
        lock_order(order.pk)  # two clicks at once make one trade, not two
    payable = [o for o in orders if order_selectors.order_status_now(o) == OrderStatus.PENDING_PAYMENT]
    if order_ids and len(payable) != len(orders):
        raise errors.order_not_payable()
    if not payable:
        raise errors.checkout_nothing_to_pay()
    for order in payable:
        if not isinstance(order.payable_fen, int) or order.payable_fen <= 0:
            raise errors.order_amount_invalid()
    return payable


@transaction.atomic
def combined_create(*, user: Any, checkout_id: int, gateway: str, kind: str = "", client_ip: str = "",
                    return_url: str = "", order_ids: Sequence[int] | None = None) -> CombinedPayment:
    """Start paying the orders of one checkout with one gateway trade. Only the buyer's own orders, only of this
    checkout, only while they wait for payment; the amount is the sum of their payable amounts. An open trade for
    the same orders, gateway, kind and amount is reused (the same pay page).

    The provider is told the earliest payment deadline of the orders, so nobody can pay after it."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))
    gw = get_gateway(gateway)
    kind = kind or services.default_kind(gateway)
    if kind not in gw.kinds:
        raise errors.payment_kind_unavailable()
    orders = _orders_to_pay(user, checkout_id, order_ids)
    total = sum(o.payable_fen for o in orders)
    wanted = {o.pk: o.payable_fen for o in orders}
    for open_one in CombinedPayment.objects.filter(checkout_id=checkout_id, payer_id=user.pk, gateway=gateway,
                                                   kind=kind, status=PaymentStatus.CREATED, amount_fen=total):
        if dict(open_one.children.values_list("order_id", "amount_fen")) == wanted:
            return open_one
    first = min(orders, key=lambda o: (o.expires_at is None, o.expires_at or timezone.now(), o.pk))
    context = services.pay_context(gw, user=user, kind=kind, order=first, client_ip=client_ip,
                                   return_url=return_url)
    combined = CombinedPayment.objects.create(
        combined_no=services.new_no("C"), payer=user, checkout_id=checkout_id, gateway=gateway, kind=kind,
        amount_fen=total, next_query_at=timezone.now() + services.QUERY_AFTER)
    for order in orders:  # the shares: never asked about on their own (next_query_at stays empty)
        Payment.objects.create(order=order, payer=user, gateway=gateway, kind=kind, amount_fen=order.payable_fen,
                               payment_no=services.new_no("P"), combined=combined, next_query_at=None)
    combined.client_data = gw.create_payment(gateway_view(combined, orders[0]), context).as_dict()
    combined.save(update_fields=["client_data", "updated_at"])
    track("payment.combined_create", user=user, obj=combined, checkout_id=checkout_id, gateway=gateway,
          amount_fen=total, orders=len(orders), kind=kind)
    return combined


# --- notifications -----------------------------------------------------------------------------------------------


def _lock_children(combined: CombinedPayment) -> list[Payment]:
    ids = list(combined.children.order_by("order_id", "pk").values_list("pk", flat=True))
    return [lock_payment(pk) for pk in ids]


def apply_notification(gateway: str, note: VerifiedNotification, raw: str, kept: dict[str, str],
                       found_by_query: bool = False) -> services.CallbackOutcome:
    """Apply a verified notification of a combined trade (inside `services._apply_notification`'s transaction):
    checked against the trade's number and total, then each share booked once. A redelivery (same notify id)
    returns the first result; another notification of the same trade is a duplicate; another trade for an already
    paid combined number is refused."""
    pk = CombinedPayment.objects.filter(combined_no=note.out_trade_no, gateway=gateway).values_list(
        "pk", flat=True).first()
    if pk is None:  # pragma: no cover - the caller checked
        raise rejected(ErrorCode.UNKNOWN_PAYMENT, _("支付单不存在"))
    combined = lock_combined(pk)  # every delivery of this trade queues here
    children = _lock_children(combined)
    first = PaymentCallback.objects.filter(gateway=gateway, notify_id=note.notify_id).first()
    if first is not None:
        PaymentCallback.objects.filter(pk=first.pk).update(deliveries=F("deliveries") + 1)
        return services.CallbackOutcome(first.result != CallbackResult.REJECTED, first.result, first.error_code,
                                        payment_no=combined.combined_no, replay=True)
    if note.amount_fen != combined.amount_fen:
        raise rejected(ErrorCode.AMOUNT_MISMATCH, _("通知金额与支付单金额不一致"))

    def log(result: str) -> None:
        PaymentCallback.objects.create(
            gateway=gateway, notify_id=note.notify_id, combined=combined, out_trade_no=note.out_trade_no,
            gateway_txn_id=note.gateway_txn_id, amount_fen=note.amount_fen, raw_body=raw, headers=kept,
            verified=True, result=result)

    now = timezone.now()
    if note.status != NotifyStatus.SUCCESS:
        if note.status == NotifyStatus.CLOSED and combined.status == PaymentStatus.CREATED:
            closing = msg("payment.query_closed" if found_by_query else "payment.gateway_closed")
            COMBINED_MACHINE.move(combined, PaymentStatus.CLOSED, closed_at=now, next_query_at=None, note=closing)
            for child in children:
                if child.status == PaymentStatus.CREATED:
                    services.PAYMENT_MACHINE.move(child, PaymentStatus.CLOSED, closed_at=now, note=closing)
            track("payment.combined_closed", user=combined.payer, obj=combined, gateway=gateway)
        log(CallbackResult.IGNORED)
        return services.CallbackOutcome(True, CallbackResult.IGNORED, payment_no=combined.combined_no)
    if combined.status == PaymentStatus.SUCCEEDED:
        if combined.gateway_txn_id != note.gateway_txn_id:
            raise rejected(ErrorCode.TXN_MISMATCH, _("该支付单已由另一笔交易支付"))
        log(CallbackResult.DUPLICATE)  # the same trade, told again under another notification id
        return services.CallbackOutcome(True, CallbackResult.DUPLICATE, payment_no=combined.combined_no)
    combined = COMBINED_MACHINE.move(
        combined, PaymentStatus.SUCCEEDED, gateway_txn_id=note.gateway_txn_id, paid_at=now, next_query_at=None,
        note=msg("payment.query_paid" if found_by_query else "payment.gateway_paid"))
    results = [services.book_paid(child, gateway=gateway, gateway_txn_id=None, found_by_query=found_by_query)
               for child in children if child.status in (PaymentStatus.CREATED, PaymentStatus.CLOSED)]
    result = CallbackResult.AUTO_REFUNDED if CallbackResult.AUTO_REFUNDED in results else CallbackResult.PROCESSED
    log(result)
    track("payment.combined_succeeded", user=combined.payer, obj=combined, gateway=gateway,
          amount_fen=combined.amount_fen, result=str(result))
    return services.CallbackOutcome(True, result, payment_no=combined.combined_no)


# --- sandbox, order query, close ---------------------------------------------------------------------------------


@transaction.atomic
def sandbox_confirm(*, user: Any, combined_no: str) -> CombinedPayment:
    """The buyer confirms a combined trade on the sandbox cashier: the sandbox bank's signed notification of the
    trade follows after this commits (verified like any gateway's)."""
    gateway = services.sandbox_gateway()
    combined = CombinedPayment.objects.filter(combined_no=combined_no, gateway=GatewayName.SANDBOX,
                                              payer_id=getattr(user, "pk", None)).first()
    if combined is None:
        raise errors.payment_not_found()
    if combined.status != PaymentStatus.CREATED:
        return combined
    headers, body = gateway.build_notification(payment_no=combined.combined_no, amount_fen=combined.amount_fen)
    services.queue("sandbox_deliver", headers, body.decode())
    return combined


def combined_query(*, combined_id: int) -> CombinedPayment:
    """Ask the provider about a combined trade no notification has told us about: found paid (or closed), booked
    exactly as the notification would have been; still open while none of its orders can be paid any more: closed
    at the provider; otherwise asked again later, backing off."""
    combined = CombinedPayment.objects.get(pk=combined_id)
    if combined.status != PaymentStatus.CREATED:
        return combined
    note = get_gateway(combined.gateway).query(gateway_view(combined))  # a network call: outside a transaction
    if note is not None:
        services.apply_found_notification(combined.gateway, note)
        combined.refresh_from_db()
        if combined.status != PaymentStatus.CREATED:
            return combined
    if not _any_order_payable(combined):
        return combined_close(combined_id=combined.pk)
    CombinedPayment.objects.filter(pk=combined.pk, status=PaymentStatus.CREATED).update(
        queries=F("queries") + 1, next_query_at=timezone.now() + services.backoff(combined.queries + 1))
    combined.refresh_from_db()
    return combined


def _any_order_payable(combined: CombinedPayment) -> bool:
    for child in combined.children.select_related("order"):
        if order_selectors.order_status_now(child.order) == OrderStatus.PENDING_PAYMENT:
            return True
    return False


def combined_close(*, combined_id: int) -> CombinedPayment:
    """Close an open combined trade at its provider (none of its orders can be paid any more) and here, with its
    open shares. If the provider refuses (the buyer paid meanwhile), it is asked about again: the late payment is
    booked and refunded per order."""
    combined = CombinedPayment.objects.get(pk=combined_id)
    if combined.status != PaymentStatus.CREATED:
        return combined
    closed = get_gateway(combined.gateway).close(gateway_view(combined))  # a network call: outside a transaction
    with transaction.atomic():
        combined = lock_combined(combined.pk)
        children = _lock_children(combined)
        if combined.status != PaymentStatus.CREATED:
            return combined
        if not closed:
            CombinedPayment.objects.filter(pk=combined.pk).update(
                queries=F("queries") + 1, next_query_at=timezone.now() + services.backoff(combined.queries + 1))
            return combined
        now = timezone.now()
        combined = COMBINED_MACHINE.move(combined, PaymentStatus.CLOSED, note=msg("payment.order_cancelled"),
                                         closed_at=now, next_query_at=None)
        for child in children:
            if child.status == PaymentStatus.CREATED:
                services.PAYMENT_MACHINE.move(child, PaymentStatus.CLOSED, note=msg("payment.order_cancelled"),
                                              closed_at=now)
        track("payment.combined_closed", user=combined.payer, obj=combined, gateway=combined.gateway)
    return combined


def child_close(*, payment_id: int) -> Payment:
    """One order of a combined trade was cancelled or expired: its share is closed here (the provider knows only
    the trade, which stays payable for the other orders; if it is paid, this order's share is refunded at once).
    When no order of the trade can be paid any more, the trade itself is closed at the provider."""
    with transaction.atomic():
        payment = lock_payment(payment_id)
        if payment.status != PaymentStatus.CREATED or payment.combined_id is None:
            return payment
        payment = services.PAYMENT_MACHINE.move(payment, PaymentStatus.CLOSED, note=msg("payment.order_cancelled"),
                                                closed_at=timezone.now(), next_query_at=None)
        combined_id = payment.combined_id
    assert combined_id is not None
    combined = CombinedPayment.objects.get(pk=combined_id)
    if combined.status == PaymentStatus.CREATED and not _any_order_payable(combined):
        combined_close(combined_id=combined_id)
    payment.refresh_from_db()
    return payment
