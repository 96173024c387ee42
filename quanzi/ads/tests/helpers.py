"""Shared set-up for the ads tests: a merchant with a topped-up ad balance, a product and approved campaigns."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from quanzi.ads import services
from quanzi.ads.models import AdCampaign
from quanzi.catalog.tests import factories as f
from quanzi.orders import services as orders
from quanzi.payments import services as payments


def pay(user: Any, order_id: int) -> None:
    """Pay at the sandbox cashier and run the `paid` moment's hooks now (as after the commit)."""
    payments.sandbox_pay_now(user=user, order_id=order_id)
    orders.moments_dispatch_due(older_than_seconds=0, order_id=order_id)


def topped_up(amount_fen: int = 100_000, merchant: Any = None) -> Any:
    """An approved merchant (or this one) with `amount_fen` of ad balance, paid through the cashier."""
    merchant = merchant or f.approved_merchant()
    topup = services.topup_create(user=merchant.user, amount_fen=amount_fen, idempotency_key=uuid.uuid4().hex)
    pay(merchant.user, topup.order_id)
    return merchant


def fields(merchant: Any, **overrides: Any) -> dict[str, Any]:
    product = overrides.pop("product", None)
    if product is None and "target_path" not in overrides:
        product, _sku = f.product_with_sku(merchant, stock=50)
    now = timezone.now()
    out: dict[str, Any] = {
        "name": "春季上新", "title": "新品面霜第二件半价", "placement": "feed", "billing": "cpc", "price_fen": 50,
        "budget_fen": 10_000, "starts_at": now - dt.timedelta(minutes=1), "ends_at": now + dt.timedelta(days=7),
        "image": f.png_upload(), "target_product_id": product.pk if product is not None else None}
    out.update(overrides)
    return out


def campaign(merchant: Any, *, approve: bool = True, operator: Any = None, **overrides: Any) -> AdCampaign:
    """A campaign submitted (budget reserved) and, unless `approve=False`, approved by an operator."""
    made = services.campaign_create(user=merchant.user, **fields(merchant, **overrides))
    made = services.campaign_submit(user=merchant.user, campaign_id=made.pk)
    if approve:
        made = services.campaign_review(operator=operator or f.operator(), campaign_id=made.pk, approve=True)
    return made
