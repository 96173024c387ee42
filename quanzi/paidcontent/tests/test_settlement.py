"""The author's share is settled like a merchant sale: the item is a SKU of the author's own merchant account
(opened at the platform's paid content rate), the sale is on their statement with the platform's commission, a
refund takes it back; the revenue mix shows paid content as its own line, reconciled, and the goods' commission
line leaves it out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from quanzi.ads.revenue import revenue_mix
from quanzi.catalog.models import Merchant
from quanzi.paidcontent import rules
from quanzi.paidcontent.enums import ItemKind
from quanzi.paidcontent.models import Purchase
from quanzi.paidcontent.tests.helpers import buy_and_pay, course, refund, world
from quanzi.settlements import selectors as settlement_selectors
from quanzi.settlements.periods import Period
from quanzi.settlements.services import statement_generate

pytestmark = pytest.mark.django_db(transaction=True)


def test_sales_settle_to_the_author_with_the_platform_rate_and_refund_takes_it_back() -> None:
    w = world()
    c = course(w, price_fen=4900)
    merchant = Merchant.objects.get(user=w["kol"])
    assert merchant.status == "approved" and merchant.commission_rate == rules.commission_rate() == Decimal("0.2")
    kept = buy_and_pay(w["reader"], ItemKind.COURSE, c.pk)
    from conftest import make_user
    from quanzi.content.tests.conftest import join

    other = join(make_user("另一位读者"), w["community"])
    back = buy_and_pay(other, ItemKind.COURSE, c.pk)
    refund(back)
    assert kept.merchant_id == merchant.pk

    today = timezone.localdate()
    period = Period(today.replace(day=1), today + dt.timedelta(days=1))
    statement = statement_generate(period=period, merchant=merchant)
    assert statement.sales_fen == 9800 and statement.refunds_fen == 4900
    assert statement.sales_commission_fen == 1960 and statement.commission_returned_fen == 980
    assert statement.net_fen == 9800 - 4900 - 980

    p = Purchase.objects.get(order_id=back.pk)
    assert (p.commission_fen, p.commission_returned_fen) == (980, 980)
    mix = {line.key: line for line in revenue_mix(days=7).lines}
    assert mix["paid_content"].all_time_fen == 980 and mix["paid_content"].reconciles
    assert mix["commission"].all_time_fen == 0 and mix["commission"].reconciles  # counted once, under paid content
    assert settlement_selectors.commission_total() == 0
