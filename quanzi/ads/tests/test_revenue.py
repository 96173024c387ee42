"""The revenue mix: every line's dashboard total equals its ledger's sum — commission (the statements' lines and
their headers), paid membership (the paid periods) and ads (the billed events and the campaigns' spend) — and the
registry takes a later line."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db.models import F, Sum
from django.utils import timezone

from conftest import make_user
from quanzi.ads import revenue, services
from quanzi.ads.models import AdEvent
from quanzi.ads.tests.helpers import campaign, pay, topped_up
from quanzi.catalog.tests import factories as f
from quanzi.loyalty.membership.models import MembershipPeriod
from quanzi.loyalty.membership.tests.helpers import buy
from quanzi.orders import services as orders
from quanzi.orders.tests.helpers import address
from quanzi.settlements import services as settlements
from quanzi.settlements.models import SettlementStatement, StatementLine
from quanzi.settlements.periods import Period

pytestmark = pytest.mark.django_db


def _revenue_everywhere() -> None:
    merchant = topped_up()
    product, sku = f.product_with_sku(merchant, price_fen=8800, stock=10)
    ad = campaign(merchant, product=product, target_product_id=product.pk, billing="cpm", price_fen=2500)
    buyer = make_user("买家")
    for _ in range(5):
        services.impression_record(campaign_id=ad.pk, user=None, placement="feed")
    checkout = orders.order_place(user=buyer, address_id=address(buyer).pk, idempotency_key=uuid.uuid4().hex,
                                  items=[(sku.pk, 1)])
    pay(buyer, checkout.orders.get().pk)
    today = timezone.localdate()
    settlements.statements_generate(period=Period(today - dt.timedelta(days=1), today + dt.timedelta(days=1)))
    order = buy(make_user("会员"), "plus-monthly")
    orders.moments_dispatch_due(older_than_seconds=0, order_id=order.pk)  # the paid moment starts the period


def test_each_line_reconciles_with_its_ledger() -> None:
    _revenue_everywhere()
    mix = revenue.revenue_mix(days=7)
    lines = {line.key: line for line in mix.lines}
    assert list(lines)[:3] == ["commission", "membership", "ads"]
    commission = StatementLine.objects.aggregate(s=Sum("commission_fen"))["s"]
    assert commission and lines["commission"].window_fen == lines["commission"].all_time_fen == commission
    assert lines["commission"].ledger_fen == SettlementStatement.objects.aggregate(s=Sum("commission_fen"))["s"]
    membership = MembershipPeriod.objects.filter(order_id__isnull=False).aggregate(
        s=Sum(F("paid_fen") - F("refunded_fen")))["s"]
    assert membership and lines["membership"].all_time_fen == lines["membership"].ledger_fen == membership
    ads = AdEvent.objects.aggregate(s=Sum("charge_fen"))["s"]
    assert ads == 12 and lines["ads"].all_time_fen == lines["ads"].ledger_fen == ads  # 5 × ¥25 / 1000 = 12 fen
    assert all(line.reconciles for line in mix.lines)
    assert mix.window_fen == sum(line.window_fen for line in mix.lines)
    chart = mix.chart()
    assert len(chart["days"]) == 7 and [s["key"] for s in chart["series"]][:3] == ["commission", "membership", "ads"]
    assert sum(sum(s["fen"]) for s in chart["series"]) == mix.window_fen


def test_a_later_line_plugs_in() -> None:
    today = timezone.localdate()
    # its own key: the real apps' lines (paid content, service fees) stay registered for the tests after it
    revenue.revenue_line("a_later_line", label="以后的收入", order=90, by_day=lambda since: {today: 300},
                         ledger_total=lambda: 300)
    try:
        line = next(x for x in revenue.revenue_mix(days=7).lines if x.key == "a_later_line")
        assert line.window_fen == 300 and line.reconciles and line.days[-1] == 300
    finally:
        revenue.LINES.pop("a_later_line")
