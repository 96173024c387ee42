"""The transition tables of payments and refunds (moved through `core.statemachine`, each move audited)."""

from __future__ import annotations

from quanzi.payments.enums import PaymentStatus, RefundStatus

PAYMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    PaymentStatus.CREATED: frozenset({PaymentStatus.SUCCEEDED, PaymentStatus.CLOSED}),
    # a trade the gateway closed can still be paid late (the money is then booked, and refunded if unusable)
    PaymentStatus.CLOSED: frozenset({PaymentStatus.SUCCEEDED}),
    PaymentStatus.SUCCEEDED: frozenset({PaymentStatus.REFUNDED}),
    PaymentStatus.REFUNDED: frozenset(),
}

REFUND_TRANSITIONS: dict[str, frozenset[str]] = {
    RefundStatus.PENDING: frozenset({RefundStatus.PROCESSING, RefundStatus.SUCCEEDED, RefundStatus.FAILED}),
    RefundStatus.PROCESSING: frozenset({RefundStatus.SUCCEEDED, RefundStatus.FAILED}),
    RefundStatus.FAILED: frozenset({RefundStatus.PENDING}),  # retried under the same refund number
    RefundStatus.SUCCEEDED: frozenset(),
}

# a combined trade (合单支付): paid or closed as one; a closed trade can still be paid late, like a payment
COMBINED_TRANSITIONS: dict[str, frozenset[str]] = {
    PaymentStatus.CREATED: frozenset({PaymentStatus.SUCCEEDED, PaymentStatus.CLOSED}),
    PaymentStatus.CLOSED: frozenset({PaymentStatus.SUCCEEDED}),
    PaymentStatus.SUCCEEDED: frozenset(),
}
