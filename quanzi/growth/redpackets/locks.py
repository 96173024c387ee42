"""Row locks on the red-packet app's tables (one helper per model; docs/ARCHITECTURE.md, "Lock order").

A spend of a member's balance locks that member's `BalanceAccount` row, then sums the ledger and writes the
negative entry, so two spends of one member cannot both see the same balance. A packet is locked only by its
expiry (to read its claimed total after every claim in flight has committed); claims never lock it: its counter
moves by a conditional update. Order: balance account, then packet."""

from __future__ import annotations

from typing import Any

from quanzi.core.locks import lock_row
from quanzi.growth.redpackets.models import BalanceAccount, RedPacket


def lock_balance_account(user: Any) -> BalanceAccount:
    """Lock (creating it the first time) the member's balance account."""
    account, _created = BalanceAccount.objects.get_or_create(user=user)
    return lock_row(BalanceAccount, account.pk)


def lock_packet(packet_id: int) -> RedPacket:
    return lock_row(RedPacket, packet_id)
