"""Group-buy jobs: make due time-outs real sooner (a group past its deadline already reads as closed). Idempotent:
closing is a state-machine move on the locked group, each refund is one per member (`GB-<member id>`)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from quanzi.growth.groupbuy.services import groups_settle_due


@db_periodic_task(crontab(minute="*"))
def groupbuy_settle_due() -> int:
    """Close the open groups past their deadline (or of an ended campaign): failed ones refund every paid member
    once and tell them; retry refunds that did not go through."""
    return groups_settle_due()
