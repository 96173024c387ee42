"""Distribution jobs: retry the payout of approved withdrawals (idempotent by the withdrawal's number)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/5"))
def withdrawals_payout() -> int:
    from quanzi.referrals.distribution.services import withdrawals_payout_due

    return withdrawals_payout_due()
