"""Payment reads. A buyer sees only their own payments; an order's refunds are visible to its buyer and to its
merchant; anyone else gets the same 404 as for a missing order."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from quanzi.payments import errors
from quanzi.payments.enums import RefundKind, RefundStatus
from quanzi.payments.models import Payment, Refund


def payment_get_for_payer(*, user: Any, payment_no: str) -> Payment:
    payment = Payment.objects.select_related("order").filter(payment_no=payment_no,
                                                             payer_id=getattr(user, "pk", None)).first()
    if payment is None:
        raise errors.payment_not_found()
    return payment


def _order_visible(user: Any, order_id: int) -> bool:
    from quanzi.orders.models import Order

    uid = getattr(user, "pk", None)
    return Order.objects.filter(Q(buyer_id=uid) | Q(merchant__user_id=uid), pk=order_id).exists()


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
    """Refunds a job should push again: pending or processing ones left behind (a lost worker, a gateway still
    processing) and failed automatic ones (money that must go back to the buyer)."""
    cutoff = timezone.now() - dt.timedelta(minutes=older_than_minutes)
    stale = Q(status__in=[RefundStatus.PENDING, RefundStatus.PROCESSING]) & (
        Q(submitted_at__lte=cutoff) | Q(submitted_at__isnull=True, created_at__lte=cutoff))
    auto_failed = Q(status=RefundStatus.FAILED, kind__in=[RefundKind.ORDER_CANCELLED, RefundKind.NOT_APPLIED],
                    finished_at__lte=cutoff)
    return list(Refund.objects.filter((stale | auto_failed) & Q(attempts__lt=max_attempts)).order_by("pk")[:200])
