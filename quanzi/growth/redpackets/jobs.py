"""Red-packet jobs: close packets past their deadline sooner (they already read as expired) and return what
nobody claimed to the funder, once (`redpacket-return:<id>`)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from quanzi.growth.redpackets.services import redpackets_expire_due


@db_periodic_task(crontab(minute="*"))
def redpackets_expire() -> int:
    return redpackets_expire_due()
