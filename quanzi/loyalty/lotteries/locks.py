"""Row locks on the lottery app's tables (one helper per model; docs/ARCHITECTURE.md, "Lock order").

The draw and a refund's revocation lock the lottery row, so they are serialised: a revocation that commits
before the draw is left out of the entry list the draw hashes; one that comes after finds the lottery drawn and
changes nothing. An entry does not lock it: the number counter moves by a conditional update on the open
lottery, which holds the same row to the commit, so the draw also waits for every entry in flight. Locked alone,
never with another app's rows."""

from __future__ import annotations

from quanzi.core.locks import lock_row
from quanzi.loyalty.lotteries.models import Lottery


def lock_lottery(lottery_id: int) -> Lottery:
    return lock_row(Lottery, lottery_id)
