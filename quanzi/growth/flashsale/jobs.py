"""Flash-sale jobs: place a queued winner's order, make a session's end real (its leftover units go back to stock;
it already reads as ended), and keep Redis's counters equal to the database's record. Idempotent, safe to run
twice. The services import this module; each job imports the services inside its function."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task(retries=2, retry_delay=2)
def flashsale_ticket_place(ticket_id: int) -> bool:
    """A winner's order, placed from its ticket (services.ticket_place); True when it was placed."""
    from quanzi.growth.flashsale import services

    return services.ticket_place(ticket_id=ticket_id) is not None


@db_periodic_task(crontab(minute="*"))
def flashsale_tickets_requeue() -> int:
    """Tickets whose job was lost or whose worker died, placed again (the order's key keeps it to one)."""
    from quanzi.growth.flashsale import services

    return services.tickets_requeue_stale()


@db_periodic_task(crontab(minute="*"))
def flashsale_end_due() -> int:
    """End the sessions whose end time has passed, each in its own transaction."""
    from quanzi.growth.flashsale import selectors, services

    ids = selectors.sessions_due_to_end()
    for session_id in ids:
        services.session_end_due(session_id=session_id)
    return len(ids)


@db_periodic_task(crontab(minute="*"))
def flashsale_reconcile() -> int:
    """Recompute Redis from the database for every item not ended yet: remaining = allotment - reserved, and the
    member counts (the reservations are the record; Redis only gates). Without Redis there is nothing to do."""
    from quanzi.growth.flashsale import counters, selectors

    if counters.redis_client() is None:
        return 0
    ids = selectors.open_item_ids()
    for item_id in ids:
        counters.sync_item(item_id=item_id)
    return len(ids)
