"""Row locks of the KOL marketplace (docs/ARCHITECTURE.md, "Lock order"): a deal's row is locked alone, before
any status move of it (two answers racing see each other: the second finds the status moved and is refused)."""

from __future__ import annotations

from quanzi.core.locks import lock_row
from quanzi.kolmarket.models import Deal


def lock_deal(deal_id: int) -> Deal:
    return lock_row(Deal, deal_id)
