"""Payment reads. A buyer sees only their own payments; an order's refunds are visible to its buyer and to its
merchant; anyone else gets the same 404 as for a missing order."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from quanzi.orders import selectors as order_selectors
from quanzi.payments import errors
from quanzi.payments.enums import GatewayName, PaymentStatus, RefundKind, RefundStatus
from quanzi.payments.gateways import available_gateways
from quanzi.payments.models import CombinedPayment, Payment, Refund


def gateway_choices() -> list[dict[str, str]]:
    """The payment methods a buyer may choose now (only configured gateways), with their labels."""
    return [{"name": n, "label": str(GatewayName(n).label)} for n in available_gateways()]


def payment_get_for_payer(*, user: Any, payment_no: str) -> Payment:
    payment = Payment.objects.select_related("order").filter(payment_no=payment_no,
                                                             payer_id=getattr(user, "pk", None)).first()
    if payment is None:
        raise errors.payment_not_found()
    return payment


def open_payment_for_order(*, user: Any, order_id: int, payment_no: str) -> Payment | None:
    """The buyer's open payment of this order (the cashier shows its pay sheet or QR code), or None."""
    return Payment.objects.filter(payment_no=payment_no, order_id=order_id, payer_id=getattr(user, "pk", None),
                                  status=PaymentStatus.CREATED).first()


def _order_visible(user: Any, order_id: int) -> bool:
    return order_selectors.order_is_party(user=user, order_id=order_id)


def payment_list_for_order(*, user: Any, order_id: int) -> QuerySet[Payment]:
    if not _order_visible(user, order_id):
        raise errors.order_not_found()
    return Payment.objects.filter(order_id=order_id).order_by("-id")


def refund_list_for_order(*, user: Any, order_id: int) -> QuerySet[Refund]:
    if not _order_visible(user, order_id):
        raise errors.order_not_found()
    return Refund.objects.filter(order_id=order_id).select_related("payment").order_by("-id")


def refund_get(*, refund_no: str) -> Refund:
    refund = Refund.objects.select_related("payment").filter(refund_no=refund_no).first()
    if refund is None:
        raise errors.refund_not_found()
    return refund


def refunded_fen_for_order(*, order_id: int) -> int:
    """What has actually gone back to the buyer for an order (succeeded refunds)."""
    from django.db.models import Sum

    return Refund.objects.filter(order_id=order_id, status=RefundStatus.SUCCEEDED).aggregate(
        s=Sum("amount_fen"))["s"] or 0


def refunds_due_for_resubmit(*, older_than_minutes: int = 5, max_attempts: int = 10) -> list[Refund]:
    """Refunds a job should push again: pending ones left behind (a lost worker) and failed automatic ones (money
    that must go back to the buyer). Processing ones are asked about instead (`refunds_due_for_query`)."""
    cutoff = timezone.now() - dt.timedelta(minutes=older_than_minutes)
    stale = Q(status=RefundStatus.PENDING) & (
        Q(submitted_at__lte=cutoff) | Q(submitted_at__isnull=True, created_at__lte=cutoff))
    auto_failed = Q(status=RefundStatus.FAILED, kind__in=[RefundKind.ORDER_CANCELLED, RefundKind.NOT_APPLIED],
                    finished_at__lte=cutoff)
    return list(Refund.objects.filter((stale | auto_failed) & Q(attempts__lt=max_attempts)).order_by("pk")[:200])


def refunds_due_for_query(*, limit: int = 200) -> list[int]:
    """Processing refunds whose next query is due (or that were submitted before the query times existed)."""
    now = timezone.now()
    due = Q(next_query_at__lte=now) | Q(next_query_at__isnull=True, submitted_at__lte=now - dt.timedelta(minutes=5))
    return list(Refund.objects.filter(Q(status=RefundStatus.PROCESSING) & due).order_by("next_query_at", "pk")
                .values_list("pk", flat=True)[:limit])


def payments_due_for_query(*, limit: int = 200) -> list[int]:
    """Open payments whose next query is due: no notification has told us how they ended."""
    return list(Payment.objects.filter(status=PaymentStatus.CREATED, next_query_at__lte=timezone.now())
                .order_by("next_query_at", "pk").values_list("pk", flat=True)[:limit])


STUCK_AFTER = dt.timedelta(days=1)


def refunds_stuck(*, older_than: dt.timedelta = STUCK_AFTER) -> QuerySet[Refund]:
    """Refunds still pending or processing a day after they were made (for the operators)."""
    return Refund.objects.filter(status__in=[RefundStatus.PENDING, RefundStatus.PROCESSING],
                                 created_at__lte=timezone.now() - older_than)


# --- for settlements --------------------------------------------------------------------------------------------


def refunds_counted(*, merchant_id: int) -> QuerySet[Refund]:
    """The merchant's refunds that succeeded at the gateway, of payments its orders took (money returned for a
    payment an order could not take was never a sale), in time order."""
    taken = order_selectors.applied_payment_refs()
    return (Refund.objects.filter(order__merchant_id=merchant_id, status=RefundStatus.SUCCEEDED,
                                  finished_at__isnull=False, payment__payment_no__in=taken)
            .order_by("finished_at", "pk"))


def merchant_ids_refunded_in(*, start_at: dt.datetime, end_at: dt.datetime) -> QuerySet[Refund, Any]:
    """A values() subquery: the merchants with a refund finished in [start_at, end_at)."""
    return Refund.objects.filter(finished_at__gte=start_at, finished_at__lt=end_at).values("order__merchant_id")


# --- combined payments (合单支付) -----------------------------------------------------------------------------------


def combined_get_for_payer(*, user: Any, combined_no: str) -> CombinedPayment:
    combined = CombinedPayment.objects.filter(combined_no=combined_no, payer_id=getattr(user, "pk", None)).first()
    if combined is None:
        raise errors.payment_not_found()
    return combined


def combined_find_for_payer(*, user: Any, number: str) -> CombinedPayment | None:
    """The buyer's combined trade of this number, or None (the sandbox cashier takes either kind of number)."""
    return CombinedPayment.objects.filter(combined_no=number, payer_id=getattr(user, "pk", None)).first()


def combined_shares(*, combined: CombinedPayment) -> list[Payment]:
    """The per-order payments of a combined trade, with their orders, in order id order."""
    return list(combined.children.select_related("order").order_by("order_id"))


def combined_latest_for_checkout(*, user: Any, checkout_id: int) -> CombinedPayment | None:
    """The buyer's latest combined trade for a checkout (the cashier's result page reads how it ended)."""
    return CombinedPayment.objects.filter(checkout_id=checkout_id, payer_id=getattr(user, "pk", None)).order_by(
        "-pk").first()


def combined_due_for_query(*, limit: int = 200) -> list[int]:
    """Open combined trades whose next query is due: no notification has told us how they ended."""
    return list(CombinedPayment.objects.filter(status=PaymentStatus.CREATED, next_query_at__lte=timezone.now())
                .order_by("next_query_at", "pk").values_list("pk", flat=True)[:limit])


def checkout_cashier(*, user: Any, checkout_id: int, user_agent: str) -> dict[str, Any]:
    """What the cashier of a checkout shows: its orders with their status now, the amount and deadline of those
    still waiting for payment, the payment methods offered where the buyer is, and the latest combined trade."""
    from quanzi.orders.enums import OrderStatus
    from quanzi.payments import cashier

    ids = order_selectors.checkout_order_ids(checkout_id=checkout_id)
    if not ids:
        raise errors.checkout_not_found()
    orders = [order_selectors.order_get_for_buyer(user=user, order_id=pk) for pk in ids]  # not theirs: 404
    rows = [{"order_id": o.pk, "number": o.number, "merchant": o.merchant.business_name,
             "payable_fen": o.payable_fen, "status": order_selectors.order_status_now(o)} for o in orders]
    pending = [o for o, r in zip(orders, rows, strict=True) if r["status"] == OrderStatus.PENDING_PAYMENT]
    deadlines = [o.expires_at for o in pending if o.expires_at is not None]
    options = cashier.cashier_options(user_agent=user_agent)
    return {"checkout_id": checkout_id, "amount_fen": sum(o.payable_fen for o in pending),
            "expires_at": min(deadlines) if deadlines else None, "orders": rows,
            "options": [{"gateway": o.gateway, "kind": o.kind, "label": o.label} for o in options],
            "open_payment": combined_latest_for_checkout(user=user, checkout_id=checkout_id)}
