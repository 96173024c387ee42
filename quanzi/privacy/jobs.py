"""Privacy jobs: build an export, carry out due deletions, and the retention sweep. Idempotent, safe to run twice.

Retention periods (docs/notes/privacy.md has the reasons):
- one-time codes: 1 day after they were sent;
- export files: 7 days after they were built (services.EXPORT_KEEP);
- the event log: a deleted member's events lose the link to them at deletion (`core.Event.user` set to null);
  everyone's events are kept 3 years, then removed;
- deleted accounts: orders and payments stay 3 years after the order (电子商务法 art. 31), already without name,
  phone or address; consent records of a deleted account are removed 3 years after the deletion;
- the audit log: 3 years (网络安全法 art. 21 asks for at least six months)."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from quanzi.privacy import retention, services
from quanzi.privacy.enums import DeletionStatus
from quanzi.privacy.models import DeletionRequest

log = logging.getLogger(__name__)


@db_task(retries=2, retry_delay=30)
def build_export(export_id: int) -> None:
    services.export_build(export_id=export_id)


def deletions_run(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Every pending deletion whose grace period is over, each in its own transaction."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for request_id in DeletionRequest.objects.filter(status=DeletionStatus.PENDING, effective_at__lte=now) \
            .order_by("pk").values_list("pk", flat=True):
        try:
            status = services.deletion_execute(request_id=request_id, now=now)
        except Exception:  # one account's failure must not stop the others; it is tried again next run
            log.exception("deletion %s failed", request_id)
            status = "failed"
        counts[status] = counts.get(status, 0) + 1
    return counts


@db_periodic_task(crontab(minute="17", hour="3"))
def privacy_daily() -> dict[str, int]:
    out = {f"deletion_{k}": v for k, v in deletions_run().items()}
    out["exports_expired"] = services.exports_expire()
    out.update(retention.sweep())
    return out
