"""Statements: the numbers a merchant reconciles — sales, refunds, commission and net — sum exactly from the
lines, follow the Shanghai calendar, reverse commission on refunds, and stay put once confirmed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import make_user
from quanzi.catalog.tests.factories import approved_merchant, operator, product_with_sku
from quanzi.core.errors import Conflict, PermissionDenied
from quanzi.settlements import selectors, services
from quanzi.settlements.enums import LineKind, StatementStatus
from quanzi.settlements.models import SettlementStatement, StatementLine
from quanzi.settlements.periods import Period
from quanzi.settlements.tests.helpers import at, paid_order, refund
from quanzi.web.demo.clock import clock_at

pytestmark = pytest.mark.django_db

OCT = Period.month(2026, 10)


def _assert_reconciles(s: SettlementStatement) -> None:
    lines = list(s.lines.all())
    sales = [ln for ln in lines if ln.kind == LineKind.SALE]
    refunds = [ln for ln in lines if ln.kind == LineKind.REFUND]
    assert s.sales_fen == sum(ln.amount_fen for ln in sales)
    assert s.refunds_fen == -sum(ln.amount_fen for ln in refunds)
    assert s.commission_fen == sum(ln.commission_fen for ln in lines)
    assert s.net_fen == sum(ln.net_fen for ln in lines) == s.sales_fen - s.refunds_fen - s.commission_fen
    for value in (s.sales_fen, s.refunds_fen, s.commission_fen, s.net_fen):
        assert type(value) is int


def test_a_month_of_sales_sums_exactly_from_the_order_lines() -> None:
    m = approved_merchant(rate="0.0600")
    _p1, a = product_with_sku(m, price_fen=9900, stock=50)
    _p2, b = product_with_sku(m, price_fen=1234, stock=50)
    buyer = make_user()
    o1 = paid_order(buyer, [(a, 2), (b, 3)], at(2026, 10, 3))
    o2 = paid_order(buyer, [(b, 1)], at(2026, 10, 31, 23, 59))
    with clock_at(at(2026, 11, 2)):
        s = services.statement_generate(merchant=m, period=OCT)
    _assert_reconciles(s)
    assert s.sales_fen == o1.payable_fen + o2.payable_fen
    assert s.order_count == 2 and s.refund_count == 0
    # commission is what the lines recorded at 6 %, each line rounded half-up on its own
    line_commissions = sorted(s.lines.values_list("commission_fen", flat=True))
    assert line_commissions == sorted([1188, 222, 74])  # 19800·6 %, 3702·6 % = 222.12, 1234·6 % = 74.04
    assert s.commission_fen == 1188 + 222 + 74
    assert s.net_fen == s.sales_fen - s.commission_fen
    assert s.lines.filter(kind=LineKind.SALE).count() == 3


def test_the_period_follows_shanghai_days_not_utc() -> None:
    m = approved_merchant()
    _p, sku = product_with_sku(m, price_fen=1000, stock=10)
    buyer = make_user()
    paid_order(buyer, [(sku, 1)], at(2026, 11, 1, 0, 30))  # 16:30 UTC on Oct 31: November in Shanghai
    late_oct = paid_order(buyer, [(sku, 1)], at(2026, 10, 31, 23, 30))
    with clock_at(at(2026, 11, 5)):
        oct_s = services.statement_generate(merchant=m, period=OCT)
        nov_s = services.statement_generate(merchant=m, period=Period.month(2026, 11))
    assert oct_s.sales_fen == late_oct.payable_fen and oct_s.order_count == 1
    assert nov_s.order_count == 1


def test_a_partial_and_a_full_refund_reverse_commission_exactly() -> None:
    m = approved_merchant(rate="0.0500")
    _p, sku = product_with_sku(m, price_fen=3333, stock=10)
    buyer = make_user()
    order = paid_order(buyer, [(sku, 3)], at(2026, 10, 2))  # 9999 fen, commission 500 (499.95 half-up)
    assert order.commission_fen == 500
    refund(order, 3333, at(2026, 10, 10))  # a third back
    with clock_at(at(2026, 11, 1, 9)):
        s = services.statement_generate(merchant=m, period=OCT)
    _assert_reconciles(s)
    assert s.refunds_fen == 3333 and s.refund_count == 1
    assert s.commission_returned_fen == 167  # 500 · 3333 / 9999 = 166.67 → 167
    assert s.commission_fen == 500 - 167
    refund(order, 6666, at(2026, 11, 3))  # the rest, next month
    with clock_at(at(2026, 12, 1, 9)):
        nov = services.statement_generate(merchant=m, period=Period.month(2026, 11))
    _assert_reconciles(nov)
    assert nov.sales_fen == 0 and nov.refunds_fen == 6666
    assert nov.commission_returned_fen == 333  # together exactly the 500 that was charged
    assert nov.commission_fen == -333 and nov.net_fen == -6666 + 333


def test_many_small_refunds_never_return_more_commission_than_was_charged() -> None:
    m = approved_merchant(rate="0.0730")
    _p, sku = product_with_sku(m, price_fen=997, stock=10)
    buyer = make_user()
    order = paid_order(buyer, [(sku, 1)], at(2026, 10, 2))
    charged = order.commission_fen
    for day in range(3, 3 + 7):
        refund(order, 100, at(2026, 10, day))
    refund(order, order.payable_fen - 700, at(2026, 10, 20))
    with clock_at(at(2026, 11, 1, 9)):
        s = services.statement_generate(merchant=m, period=OCT)
    _assert_reconciles(s)
    assert s.refunds_fen == s.sales_fen == order.payable_fen
    assert s.commission_returned_fen == charged and s.commission_fen == 0 and s.net_fen == 0
    assert all(ln.commission_fen <= 0 for ln in s.lines.filter(kind=LineKind.REFUND))


def test_commission_uses_the_rate_recorded_on_the_line_not_todays_rate() -> None:
    m = approved_merchant(rate="0.1000")
    _p, sku = product_with_sku(m, price_fen=10000, stock=10)
    order = paid_order(make_user(), [(sku, 1)], at(2026, 10, 5))
    from quanzi.catalog import services as catalog

    ops = operator()
    catalog.merchant_suspend(operator=ops, merchant_id=m.pk, reason="整改")
    catalog.merchant_approve(operator=ops, merchant_id=m.pk, commission_rate=Decimal("0.0200"))
    with clock_at(at(2026, 11, 2)):
        s = services.statement_generate(merchant=m, period=OCT)
    assert order.commission_fen == 1000 and s.commission_fen == 1000


def test_only_this_merchants_money_is_in_the_statement() -> None:
    m1, m2 = approved_merchant(), approved_merchant()
    _p1, s1 = product_with_sku(m1, price_fen=5000)
    _p2, s2 = product_with_sku(m2, price_fen=7000)
    buyer = make_user()
    paid_order(buyer, [(s1, 1)], at(2026, 10, 5))
    paid_order(buyer, [(s2, 1)], at(2026, 10, 6))
    with clock_at(at(2026, 11, 2)):
        st = services.statement_generate(merchant=m1, period=OCT)
    assert st.order_count == 1 and st.sales_fen == 5000


def test_unpaid_and_cancelled_orders_are_not_sales() -> None:
    m = approved_merchant()
    _p, sku = product_with_sku(m, price_fen=5000, stock=10)
    buyer = make_user()
    from quanzi.orders import services as orders
    from quanzi.orders.tests.helpers import place

    with clock_at(at(2026, 10, 5)):
        place(buyer, [(sku.pk, 1)])  # never paid: expires
        c = place(buyer, [(sku.pk, 1)]).orders.get()
        orders.order_cancel(user=buyer, order_id=c.pk)
    with clock_at(at(2026, 11, 2)):
        st = services.statement_generate(merchant=m, period=OCT)
    assert st.sales_fen == 0 and st.order_count == 0 and not st.lines.exists()


def test_generating_twice_rebuilds_the_draft_and_refuses_once_confirmed() -> None:
    m = approved_merchant()
    _p, sku = product_with_sku(m, price_fen=5000, stock=10)
    buyer = make_user()
    paid_order(buyer, [(sku, 1)], at(2026, 10, 5))
    with clock_at(at(2026, 10, 20)):  # a preview before the month is over
        first = services.statement_generate(merchant=m, period=OCT)
    paid_order(buyer, [(sku, 2)], at(2026, 10, 25))
    ops = operator()
    with clock_at(at(2026, 10, 30)):
        with pytest.raises(Conflict) as not_over:
            services.statement_confirm(operator=ops, statement_id=first.pk)
        assert not_over.value.code == "period_not_over"
    with clock_at(at(2026, 11, 2)):
        again = services.statement_generate(merchant=m, period=OCT)
        assert again.pk == first.pk and again.sales_fen == 15000
        assert SettlementStatement.objects.count() == 1 and StatementLine.objects.count() == 2
        same = services.statement_generate(merchant=m, period=OCT)  # nothing changed: the same numbers
        assert (same.sales_fen, same.net_fen, same.lines.count()) == (15000, again.net_fen, 2)
        confirmed = services.statement_confirm(operator=ops, statement_id=first.pk)
    assert confirmed.status == StatementStatus.CONFIRMED and confirmed.confirmed_by == ops
    with pytest.raises(Conflict) as frozen:
        services.statement_generate(merchant=m, period=OCT)
    assert frozen.value.code == "statement_confirmed"
    assert services.statements_generate(period=OCT) == []  # the job skips it
    confirmed.refresh_from_db()
    assert confirmed.sales_fen == 15000 and confirmed.lines.count() == 2


def test_only_operators_generate_or_confirm() -> None:
    m = approved_merchant()
    with pytest.raises(PermissionDenied):
        services.statement_generate(merchant=m, period=OCT, actor=m.user)
    st = services.statement_generate(merchant=m, period=OCT)
    with pytest.raises(PermissionDenied):
        services.statement_confirm(operator=m.user, statement_id=st.pk)


def test_the_monthly_job_settles_last_month_for_every_merchant() -> None:
    from quanzi.settlements.jobs import generate_last_month

    m1, m2 = approved_merchant(), approved_merchant()
    _p, sku = product_with_sku(m1, price_fen=2000)
    paid_order(make_user(), [(sku, 1)], at(2026, 10, 9))
    with clock_at(at(2026, 11, 1, 9, 5)):
        generate_last_month.call_local()
        generate_last_month.call_local()  # twice: still one statement each
    rows = SettlementStatement.objects.filter(period_start=OCT.start, period_end=OCT.end)
    assert sorted(rows.values_list("merchant_id", flat=True)) == sorted([m1.pk, m2.pk])
    assert rows.get(merchant=m1).sales_fen == 2000 and rows.get(merchant=m2).sales_fen == 0


def test_periods() -> None:
    assert Period.month(2026, 12) == Period(OCT.start.replace(month=12), OCT.start.replace(year=2027, month=1))
    assert Period.month_before(OCT.start.replace(day=15)) == Period.month(2026, 9)
    assert Period.month_before(OCT.start.replace(month=1, day=1)) == Period.month(2025, 12)
    assert Period.parse(month="2026-10") == OCT
    assert Period.parse(start="2026-10-01", end="2026-10-08").label() == "2026-10-01 – 2026-10-07"
    for bad in ({"month": "2026-13"}, {"start": "2026-10-08", "end": "2026-10-01"}, {"start": "x", "end": "y"},
                {"start": "2025-01-01", "end": "2026-12-01"}):
        with pytest.raises(Exception) as exc:
            Period.parse(**bad)
        assert getattr(exc.value, "code", "") == "invalid_period"


def test_commission_returned_rule() -> None:
    c = selectors.commission_returned
    assert c(commission_fen=500, paid_fen=9999, refunded_before_fen=0, refund_fen=9999) == 500
    assert c(commission_fen=0, paid_fen=9999, refunded_before_fen=0, refund_fen=100) == 0
    total = sum(c(commission_fen=77, paid_fen=1000, refunded_before_fen=i * 10, refund_fen=10) for i in range(100))
    assert total == 77
