"""Row locks on the settlements app's tables (docs/ARCHITECTURE.md, "Lock order"): a statement is locked alone."""

from __future__ import annotations

from typing import Any

from quanzi.core.locks import lock_first
from quanzi.settlements.models import SettlementStatement


def lock_statement(**lookup: Any) -> SettlementStatement | None:
    """Lock one statement, by `pk=` or by its unique (merchant, period_start, period_end); None when missing."""
    return lock_first(SettlementStatement.objects.filter(**lookup))
