"""Settlement reads: the ledger of a merchant's period (what a statement is built from) and who may see which
statement.

What counts, and when:
- a **sale** is a line of an order whose payment the order took (`Order.paid_at`), in the period of `paid_at`;
  its amount is what the buyer paid for the line, shipping share included (`OrderLine.payable_fen`), and its
  commission is the one recorded on the line at placement, at the merchant's rate then (`OrderLine.commission_fen`).
- a **refund** is a refund that succeeded at the gateway (`Refund.finished_at` in the period) of a payment the order
  took. Money returned for a payment the order could not take (a late payment for a cancelled order, a duplicate
  payment) was never a sale, so it is not in the statement either.
- **commission returned on a refund**: the order's commission is returned in proportion to the money returned
  for it, counted cumulatively: after refunds totalling R of an order that took P with commission C, the commission
  returned so far is C·R/P rounded half-up (``core.money.allocate`` over [R, P − R]); each refund returns the
  difference from the refunds before it. So a full refund returns exactly C, partial refunds never return more,
  and the rounding never drifts over several refunds.
- the **platform subsidy** (平台补贴) of a sale is what the platform paid for on its line — platform coupons, points,
  the red-packet balance the buyer spent (`orders.funding`) — so the merchant is paid for the goods as if the buyer
  had paid it; a refund takes back the share of it the refund returned to those sources (the split its `refunded`
  moment recorded).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from quanzi.catalog import selectors as catalog_selectors
from quanzi.catalog.selectors import merchant_get_for_user
from quanzi.core.errors import NotAuthenticated
from quanzi.core.money import allocate
from quanzi.orders import funding
from quanzi.orders import selectors as order_selectors
from quanzi.payments import selectors as payment_selectors
from quanzi.settlements import errors
from quanzi.settlements.enums import LineKind
from quanzi.settlements.models import SettlementStatement, StatementLine
from quanzi.settlements.periods import Period

if TYPE_CHECKING:
    from quanzi.catalog.models import Merchant
    from quanzi.payments.models import Refund


@dataclass(frozen=True)
class LedgerLine:
    kind: str
    happened_at: Any
    order_id: int
    order_number: str
    title: str
    amount_fen: int  # signed: refunds negative
    commission_fen: int  # signed: commission returned negative
    quantity: int = 0
    order_line_id: int | None = None
    refund_no: str = ""
    subsidy_fen: int = 0  # signed: taken back on a refund negative


def _spec_text(spec: Any) -> str:
    return " ".join(f"{k}:{v}" for k, v in (spec or {}).items()) if isinstance(spec, dict) else ""


def _counted_refunds(merchant_id: int) -> QuerySet[Refund]:
    return payment_selectors.refunds_counted(merchant_id=merchant_id)


def commission_returned(*, commission_fen: int, paid_fen: int, refunded_before_fen: int, refund_fen: int) -> int:
    """The commission one refund returns (see the module docstring). Integer fen; rounding in core.money."""
    if paid_fen <= 0 or commission_fen <= 0:
        return 0
    before = min(refunded_before_fen, paid_fen)
    after = min(refunded_before_fen + refund_fen, paid_fen)
    returned_before = allocate(commission_fen, [before, paid_fen - before])[0]
    returned_after = allocate(commission_fen, [after, paid_fen - after])[0]
    return returned_after - returned_before


def ledger(*, merchant_id: int, period: Period) -> list[LedgerLine]:
    """Every sale and refund of `merchant_id` in `period`, in time order."""
    lines: list[LedgerLine] = []
    sales = list(order_selectors.lines_paid_in(merchant_id=merchant_id, start_at=period.start_at,
                                               end_at=period.end_at))
    subsidy = funding.platform_funded_by_line(line_ids=[ln.pk for ln in sales])
    for ln in sales:
        title = f"{ln.title} {_spec_text(ln.spec)}".strip()
        lines.append(LedgerLine(kind=LineKind.SALE, happened_at=ln.order.paid_at, order_id=ln.order_id,
                                order_number=ln.order.number, title=title[:200], quantity=ln.quantity,
                                amount_fen=ln.payable_fen, commission_fen=ln.commission_fen, order_line_id=ln.pk,
                                subsidy_fen=subsidy.get(ln.pk, 0)))
    in_period = list(_counted_refunds(merchant_id).filter(finished_at__gte=period.start_at,
                                                          finished_at__lt=period.end_at))
    if not in_period:
        return lines
    order_ids = {r.order_id for r in in_period}
    orders = order_selectors.orders_by_id(order_ids=order_ids)
    commission = order_selectors.commission_by_order(order_ids=order_ids)
    refunded_before = {o: 0 for o in order_ids}
    wanted = {r.pk for r in in_period}
    subsidy_back = funding.platform_returned_by_refund(refund_refs=[r.refund_no for r in in_period])
    for refund in _counted_refunds(merchant_id).filter(order_id__in=order_ids,
                                                       finished_at__lt=period.end_at):
        order = orders[refund.order_id]
        returned = commission_returned(commission_fen=commission[order.pk], paid_fen=order.payable_fen,
                                       refunded_before_fen=refunded_before[order.pk], refund_fen=refund.amount_fen)
        refunded_before[order.pk] += refund.amount_fen
        if refund.pk not in wanted:
            continue
        title = f"退款 {refund.reason}".strip()
        lines.append(LedgerLine(kind=LineKind.REFUND, happened_at=refund.finished_at, order_id=order.pk,
                                order_number=order.number, title=title[:200], amount_fen=-refund.amount_fen,
                                commission_fen=-returned, refund_no=refund.refund_no,
                                subsidy_fen=-subsidy_back.get(refund.refund_no, 0)))
    lines.sort(key=lambda x: (x.happened_at, x.kind != LineKind.SALE, x.order_id, x.order_line_id or 0))
    return lines


def merchants_to_settle(*, period: Period) -> QuerySet[Merchant]:
    """Merchants that are (or were) selling, plus any with a sale or refund in the period."""
    return catalog_selectors.merchants_selling_or(merchant_ids=[
        order_selectors.merchant_ids_paid_in(start_at=period.start_at, end_at=period.end_at),
        payment_selectors.merchant_ids_refunded_in(start_at=period.start_at, end_at=period.end_at),
    ])


# --- who sees which statement ------------------------------------------------------------------------------------


def _viewer_scope(user: Any) -> Q:
    """Operators see every statement; a merchant only their own; anyone else none (403)."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    if user.is_staff:
        return Q()
    merchant = merchant_get_for_user(user=user)
    if merchant is None:
        raise errors.no_settlement_access()
    return Q(merchant_id=merchant.pk)


def statement_list(*, user: Any, merchant_id: int | None = None, status: str = "") -> QuerySet[SettlementStatement]:
    qs = SettlementStatement.objects.filter(_viewer_scope(user)).select_related("merchant")
    if merchant_id is not None:
        qs = qs.filter(merchant_id=merchant_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-period_start", "-period_end", "merchant_id")


def statement_get(*, user: Any, statement_id: int) -> SettlementStatement:
    """Another merchant's statement reads as missing (404), not forbidden."""
    statement = (SettlementStatement.objects.filter(_viewer_scope(user)).select_related("merchant")
                 .filter(pk=statement_id).first())
    if statement is None:
        raise errors.statement_not_found()
    return statement


def statement_lines(*, statement: SettlementStatement, kind: str = "") -> QuerySet[StatementLine]:
    qs = statement.lines.all()
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("happened_at", "id")


def statement_period(statement: SettlementStatement) -> Period:
    return Period(statement.period_start, statement.period_end)


# --- the platform's commission revenue (the operators' revenue mix, quanzi/ads/revenue.py) -----------------------


# name -> fn() giving the ids of orders (a list or a values() subquery) whose commission another revenue line books
# (paid content, from its own app's ready()): the commission line leaves them out, so the mix counts each fen once
COMMISSION_ELSEWHERE: dict[str, Callable[[], Any]] = {}


def commission_elsewhere(name: str, order_ids: Callable[[], Any]) -> None:
    """Register (or replace, by name) the orders whose commission is shown under another revenue line."""
    COMMISSION_ELSEWHERE[name] = order_ids


def _elsewhere_lines() -> QuerySet[StatementLine]:
    qs = StatementLine.objects.none()
    for fn in COMMISSION_ELSEWHERE.values():
        qs = qs | StatementLine.objects.filter(order_id__in=fn())
    return qs


def commission_by_day(*, since: dt.date | None = None) -> dict[dt.date, int]:
    """The platform's commission per day (Asia/Shanghai) as the statements' lines book it: sales +, commission
    returned on refunds −; the orders another revenue line books (`commission_elsewhere`) left out."""
    qs = StatementLine.objects.all()
    for fn in COMMISSION_ELSEWHERE.values():
        qs = qs.exclude(order_id__in=fn())
    if since is not None:
        qs = qs.filter(happened_at__date__gte=since)
    rows = (qs.annotate(day=TruncDate("happened_at")).values("day").annotate(s=Sum("commission_fen"))
            .values_list("day", "s"))
    return {day: int(s or 0) for day, s in rows}


def commission_total() -> int:
    """The commission of every statement, from their headers (reconciles with the sum of their lines), less the
    lines another revenue line books (`commission_elsewhere`)."""
    total = int(SettlementStatement.objects.aggregate(s=Sum("commission_fen"))["s"] or 0)
    if COMMISSION_ELSEWHERE:
        total -= int(_elsewhere_lines().aggregate(s=Sum("commission_fen"))["s"] or 0)
    return total
