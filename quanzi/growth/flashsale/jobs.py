"""Flash-sale jobs: make a session's end real (its leftover units go back to stock; it already reads as ended), and
keep Redis's counters equal to the database's record. Idempotent, safe to run twice."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from quanzi.growth.flashsale import counters, selectors, services


@db_periodic_task(crontab(minute="*"))
def flashsale_end_due() -> int:
    """End the sessions whose end time has passed, each in its own transaction."""
    ids = selectors.sessions_due_to_end()
    for session_id in ids:
        services.session_end_due(session_id=session_id)
    return len(ids)


@db_periodic_task(crontab(minute="*"))
def flashsale_reconcile() -> int:
    """Recompute Redis from the database for every item not ended yet: remaining = allotment - reserved, and the
    member counts (the reservations are the record; Redis only gates). Without Redis there is nothing to do."""
    if counters.redis_client() is None:
        return 0
    ids = selectors.open_item_ids()
    for item_id in ids:
        counters.sync_item(item_id=item_id)
    return len(ids)
