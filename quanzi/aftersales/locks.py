"""Row locks on the after-sales app's tables: one helper per model. A request is locked before its order (which
`orders.services` locks when after-sales settles or moves it) and before the refund's payment: see
docs/ARCHITECTURE.md ("Lock order")."""

from __future__ import annotations

from typing import Any

from quanzi.aftersales.models import AfterSaleRequest, Review
from quanzi.core.locks import lock_first


def lock_request(request_id: int, **scope: Any) -> AfterSaleRequest | None:
    """Lock one after-sales request, or None when there is none within `scope` (`buyer_id=`, `merchant=`)."""
    return lock_first(AfterSaleRequest.objects.filter(pk=request_id, **scope))


def lock_review(review_id: int, **scope: Any) -> Review | None:
    """Lock one review, or None when there is none within `scope` (`buyer_id=`)."""
    return lock_first(Review.objects.filter(pk=review_id, **scope))
