"""Row locks on the payments app's tables: one helper per model. The global order of locks is in
docs/ARCHITECTURE.md ("Lock order"): after-sales request → (combined payment →) order → payment → refund → SKU
stock."""

from __future__ import annotations

from quanzi.core.locks import lock_row
from quanzi.orders.locks import lock_order
from quanzi.payments.models import CombinedPayment, Payment, Refund


def lock_payment(payment_id: int) -> Payment:
    """Lock the payment's order, then the payment: always in this order (the orders app locks the order first too,
    and books a payment or a refund on it while the payment is held), so two transactions never wait on each other
    in a circle."""
    order_id = Payment.objects.values_list("order_id", flat=True).get(pk=payment_id)
    lock_order(order_id)
    return lock_row(Payment, payment_id)


def lock_refund(refund_id: int) -> Refund:
    """Lock a refund row (its payment is read along, not locked: whoever needs the payment held takes
    `lock_payment` first). Raises Refund.DoesNotExist."""
    refund = Refund.objects.select_for_update(of=("self",)).select_related("payment").filter(pk=refund_id).first()
    if refund is None:
        raise Refund.DoesNotExist(refund_id)
    return refund


def lock_combined(combined_id: int) -> CombinedPayment:
    """Lock a combined trade (合单支付) before anything of its orders: combined → (each child: order → payment) in
    order id order. Every delivery of the trade's notifications queues here."""
    return lock_row(CombinedPayment, combined_id)
