"""Row locks on the flash-sale tables: one helper per model. A session move locks its session first, then changes
its items by conditional updates, then stock (catalog). Checkouts and order moments never lock the session: they
change an item by conditional updates (its row is held to the commit), then a member's counter, then the SKU's
stock, always in that order."""

from __future__ import annotations

from quanzi.core.locks import lock_first
from quanzi.growth.flashsale.models import FlashSession


def lock_session(session_id: int) -> FlashSession | None:
    return lock_first(FlashSession.objects.filter(pk=session_id))
