"""Property: whatever sequence of refunds is asked for (some failing at the gateway), what is refunded never
exceeds what was paid, and payment, refunds and order always agree to the fen."""

from __future__ import annotations

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from quanzi.core.errors import DomainError
from quanzi.payments import services
from quanzi.payments.enums import RefundStatus
from quanzi.payments.models import Refund
from quanzi.payments.tests.helpers import paid_order

pytestmark = pytest.mark.django_db

steps = st.lists(st.tuples(st.integers(min_value=1, max_value=12000), st.booleans()), min_size=1, max_size=6)


@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_refunds_never_exceed_payments(member, settings, django_capture_on_commit_callbacks, steps):
    order, payment = paid_order(member, price_fen=10000)
    paid = payment.amount_fen
    expected = 0
    for i, (amount, gateway_fails) in enumerate(steps):
        settings.QUANZI_PAYMENTS = {"SANDBOX_REFUND_FAIL": gateway_fails}
        try:
            with django_capture_on_commit_callbacks(execute=True):
                services.refund_create(order_id=order.pk, amount_fen=amount, refund_no=f"P-{payment.pk}-{i}")
            accepted = True
        except DomainError as exc:
            assert exc.code == "refund_exceeds_paid"
            accepted = False
        assert accepted == (expected + amount <= paid)
        if accepted and not gateway_fails:
            expected += amount
        payment.refresh_from_db()
        order.refresh_from_db()
        succeeded = Refund.objects.filter(payment=payment, status=RefundStatus.SUCCEEDED).aggregate(
            s=Sum("amount_fen"))["s"] or 0
        assert payment.refunded_fen == succeeded == order.refunded_fen == expected <= paid
