"""After-sales under concurrency. Marked postgres: skipped on SQLite (which serialises writers anyway)."""

from __future__ import annotations

import pytest

from quanzi.aftersales import services
from quanzi.aftersales.models import AfterSaleRequest
from quanzi.aftersales.tests.helpers import delivered_order, line_of, shop
from quanzi.core.testing import race as _race
from quanzi.payments.models import Refund

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]




def test_concurrent_requests_for_one_line_open_exactly_one(member):
    m, sku = shop(price_fen=5000)
    order = delivered_order(member, m, [(sku, 1)])
    line = line_of(order)

    def apply() -> object:
        return services.aftersale_request_create(user=member, order_id=order.pk, kind="return_and_refund",
                                                 reason="no_reason", lines=[(line.pk, 1)], amount_fen=5000)

    results = _race([apply for _i in range(6)])
    assert sorted(results) == ["line_has_open_request"] * 5 + ["ok"]
    assert AfterSaleRequest.objects.count() == 1


def test_concurrent_approvals_refund_once(member):
    m, sku = shop(price_fen=5000)
    order = delivered_order(member, m, [(sku, 1)])
    req = services.aftersale_request_create(user=member, order_id=order.pk, kind="refund_only", reason="damaged",
                                            lines=[(line_of(order).pk, 1)], amount_fen=2000)
    results = _race([lambda: services.aftersale_approve(user=m.user, request_id=req.pk) for _i in range(5)])
    assert results.count("ok") == 1 and results.count("aftersale_illegal_transition") == 4, results
    assert Refund.objects.filter(order=order).count() == 1
    assert AfterSaleRequest.objects.get(pk=req.pk).status == "refunded"
