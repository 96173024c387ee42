"""Row locks on the distribution tables (one helper per model; docs/ARCHITECTURE.md, "Lock order").

Every write of a promoter's money — a ledger entry from an order moment, a withdrawal's request, rejection or
payout — locks the promoter's account row (`Promoter`) first, several in primary-key order; so two withdrawals
racing against one balance see each other's debit. A withdrawal's own row is locked after its promoter's. These
locks are taken alone (the order moments reach us after their commit, holding nothing) — never with an order,
payment or stock row held."""

from __future__ import annotations

from collections.abc import Iterable

from quanzi.core.locks import lock_row, lock_rows
from quanzi.referrals.distribution.models import Promoter, Withdrawal


def lock_promoter(promoter_id: int) -> Promoter:
    return lock_row(Promoter, promoter_id)


def lock_promoters(promoter_ids: Iterable[int]) -> dict[int, Promoter]:
    return lock_rows(Promoter, promoter_ids)


def lock_withdrawal(withdrawal_id: int) -> Withdrawal:
    return lock_row(Withdrawal, withdrawal_id)
