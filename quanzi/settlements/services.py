"""Settlement writes: build a merchant's statement for a period from the ledger, and confirm it.

Idempotent: there is one statement per merchant and period (a unique constraint). Generating again rebuilds a
draft in place from the ledger as it is now (same data, same numbers); a confirmed statement is frozen and
generating it again is refused (`statement_confirmed`) — the periodic job simply skips it. Money that moves
after a period closed (a refund next month) lands in the period in which it moved, never in a closed one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from quanzi.catalog import selectors as catalog_selectors
from quanzi.core.errors import Conflict, NotAuthenticated
from quanzi.core.events import track
from quanzi.settlements import errors, selectors
from quanzi.settlements.enums import LineKind, StatementStatus
from quanzi.settlements.locks import lock_statement
from quanzi.settlements.models import SettlementStatement, StatementLine
from quanzi.settlements.periods import Period

if TYPE_CHECKING:
    from quanzi.catalog.models import Merchant


def _operator(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    if not user.is_staff:
        raise errors.not_operator()


def _statement_row(merchant: Merchant, period: Period) -> SettlementStatement:
    """The (locked) statement row of this merchant and period, created empty if there is none yet."""
    statement = lock_statement(merchant=merchant, period_start=period.start, period_end=period.end)
    if statement is not None:
        return statement
    try:
        with transaction.atomic():
            return SettlementStatement.objects.create(merchant=merchant, period_start=period.start,
                                                      period_end=period.end, generated_at=timezone.now())
    except IntegrityError:  # generated concurrently: rebuild the one that won
        won = lock_statement(merchant=merchant, period_start=period.start, period_end=period.end)
        if won is None:
            raise
        return won


@transaction.atomic
def statement_generate(*, period: Period, merchant: Merchant | None = None, merchant_id: int | None = None,
                       actor: Any = None) -> SettlementStatement:
    """Build (or rebuild, while a draft) the statement of one merchant for `period`. `actor` None is the system
    (the monthly job); a person must be an operator."""
    if actor is not None:
        _operator(actor)
    if merchant is None:
        merchant = catalog_selectors.merchant_find(merchant_id=merchant_id) if merchant_id is not None else None
        if merchant is None:
            raise errors.merchant_not_found()
    statement = _statement_row(merchant, period)
    if statement.status == StatementStatus.CONFIRMED:
        raise errors.statement_confirmed()
    ledger = selectors.ledger(merchant_id=merchant.pk, period=period)
    statement.lines.all().delete()
    StatementLine.objects.bulk_create([
        StatementLine(statement=statement, kind=ln.kind, happened_at=ln.happened_at, order_id=ln.order_id,
                      order_number=ln.order_number, order_line_id=ln.order_line_id, refund_no=ln.refund_no,
                      title=ln.title, quantity=ln.quantity, amount_fen=ln.amount_fen,
                      commission_fen=ln.commission_fen, subsidy_fen=ln.subsidy_fen)
        for ln in ledger
    ], batch_size=500)
    sales = [ln for ln in ledger if ln.kind == LineKind.SALE]
    refunds = [ln for ln in ledger if ln.kind == LineKind.REFUND]
    statement.sales_fen = sum(ln.amount_fen for ln in sales)
    statement.refunds_fen = -sum(ln.amount_fen for ln in refunds)
    statement.sales_commission_fen = sum(ln.commission_fen for ln in sales)
    statement.commission_returned_fen = -sum(ln.commission_fen for ln in refunds)
    statement.commission_fen = statement.sales_commission_fen - statement.commission_returned_fen
    statement.subsidy_fen = sum(ln.subsidy_fen for ln in ledger)
    statement.net_fen = statement.sales_fen - statement.refunds_fen + statement.subsidy_fen - statement.commission_fen
    statement.order_count = len({ln.order_id for ln in sales})
    statement.refund_count = len(refunds)
    statement.generated_at = timezone.now()
    statement.save()
    track("settlement.generate", user=actor, obj=statement, merchant_id=merchant.pk,
          period=period.label(), net_fen=statement.net_fen)
    return statement


def statements_generate(*, period: Period, actor: Any = None) -> list[SettlementStatement]:
    """Every merchant's statement for `period`, each in its own transaction; confirmed ones are left as they
    are. Safe to run twice (the monthly job)."""
    if actor is not None:
        _operator(actor)
    out = []
    for merchant in selectors.merchants_to_settle(period=period):
        try:
            out.append(statement_generate(period=period, merchant=merchant, actor=actor))
        except Conflict:
            continue
    return out


@transaction.atomic
def statement_confirm(*, operator: Any, statement_id: int) -> SettlementStatement:
    """The operator confirms a statement of a period that is over: it is frozen from then on."""
    _operator(operator)
    statement = lock_statement(pk=statement_id)
    if statement is None:
        raise errors.statement_not_found()
    if statement.status == StatementStatus.CONFIRMED:
        return statement
    if selectors.statement_period(statement).end_at > timezone.now():
        raise errors.period_not_over()
    statement.status = StatementStatus.CONFIRMED
    statement.confirmed_at = timezone.now()
    statement.confirmed_by = operator
    statement.save(update_fields=["status", "confirmed_at", "confirmed_by"])
    track("settlement.confirm", user=operator, obj=statement, merchant_id=statement.merchant_id)
    return statement


@transaction.atomic
def statement_regenerate(*, operator: Any, statement_id: int) -> SettlementStatement:
    """Rebuild a draft statement from the ledger as it is now (refused once confirmed)."""
    _operator(operator)
    statement = SettlementStatement.objects.filter(pk=statement_id).first()
    if statement is None:
        raise errors.statement_not_found()
    return statement_generate(period=selectors.statement_period(statement), merchant_id=statement.merchant_id,
                              actor=operator)
