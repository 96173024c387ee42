"""Daily reconciliation (对账): each provider's trade bill of a day against our payments and refunds of that day.

A difference is one of: `missing_here` (the provider has a trade we did not book: a lost notification the query
job did not find either), `missing_there` (we booked money the provider does not list), `amount` (both have it,
with different amounts). The report is stored per gateway and day (`Reconciliation`, one row, replaced when the
day is reconciled again) and shown to operators in the admin. A bill that cannot be fetched is stored as a failed
report, so a missing day is visible too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from quanzi.core.errors import DomainError
from quanzi.core.events import track
from quanzi.payments.enums import PaymentStatus, ReconciliationStatus, RefundStatus
from quanzi.payments.gateways import available_gateways, get_gateway
from quanzi.payments.gateways.base import BillRow
from quanzi.payments.models import CombinedPayment, Payment, Reconciliation, Refund


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The providers' bill day is Beijing time (the site's time zone)."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def ours(*, gateway: str, day: dt.date) -> dict[tuple[str, str], int]:
    """(kind, our number) -> fen: the payments paid and the refunds that succeeded at this gateway that day."""
    start, end = _day_bounds(day)
    out: dict[tuple[str, str], int] = {}
    # a combined trade's shares (合单支付) are on the provider's bill as the one combined trade
    paid = Payment.objects.filter(gateway=gateway, paid_at__gte=start, paid_at__lt=end, combined__isnull=True,
                                  status__in=[PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED])
    for number, fen in paid.values_list("payment_no", "amount_fen"):
        out[("payment", number)] = fen
    trades = CombinedPayment.objects.filter(gateway=gateway, paid_at__gte=start, paid_at__lt=end,
                                            status=PaymentStatus.SUCCEEDED)
    for number, fen in trades.values_list("combined_no", "amount_fen"):
        out[("payment", number)] = fen
    refunded = Refund.objects.filter(payment__gateway=gateway, status=RefundStatus.SUCCEEDED,
                                     finished_at__gte=start, finished_at__lt=end)
    for number, fen in refunded.values_list("refund_no", "amount_fen"):
        out[("refund", number)] = fen
    return out


def differences(bill: list[BillRow], booked: dict[tuple[str, str], int]) -> list[dict[str, Any]]:
    theirs: dict[tuple[str, str], int] = {}
    for row in bill:
        theirs[(row.kind, row.ref)] = theirs.get((row.kind, row.ref), 0) + row.amount_fen
    out: list[dict[str, Any]] = []
    for key in sorted(set(theirs) | set(booked)):
        kind, ref = key
        if key not in booked:
            out.append({"kind": "missing_here", "type": kind, "ref": ref, "ours": None, "theirs": theirs[key]})
        elif key not in theirs:
            out.append({"kind": "missing_there", "type": kind, "ref": ref, "ours": booked[key], "theirs": None})
        elif theirs[key] != booked[key]:
            out.append({"kind": "amount", "type": kind, "ref": ref, "ours": booked[key], "theirs": theirs[key]})
    return out


def reconcile_gateway(*, gateway: str, day: dt.date) -> Reconciliation | None:
    """Fetch one gateway's bill of `day` and store the report (None for a gateway without bills: the sandbox).
    Safe to run again: the day's report is replaced."""
    gw = get_gateway(gateway)
    error = ""
    try:
        bill = gw.bill(day)
    except DomainError as exc:
        bill, error = [], str(exc.message)[:200]
    except Exception as exc:  # noqa: BLE001 - a network failure is a failed report, not a crashed job
        bill, error = [], str(exc)[:200]
    if bill is None:
        return None
    booked = ours(gateway=gateway, day=day)
    diffs = [] if error else differences(bill, booked)
    status = (ReconciliationStatus.FAILED if error else
              ReconciliationStatus.DIFFERENT if diffs else ReconciliationStatus.MATCHED)
    with transaction.atomic():
        report, _created = Reconciliation.objects.update_or_create(
            gateway=gateway, bill_date=day,
            defaults={"status": status, "bill_rows": len(bill), "our_rows": len(booked), "differences": diffs,
                      "error": error})
    track("payment.reconciled", gateway=gateway, day=day.isoformat(), status=str(status), differences=len(diffs))
    return report


def reconcile_day(*, day: dt.date) -> list[Reconciliation]:
    """Reconcile every enabled gateway that has bills."""
    reports = []
    for name in available_gateways():
        report = reconcile_gateway(gateway=name, day=day)
        if report is not None:
            reports.append(report)
    return reports
