"""The retention sweep: what is past its period is removed or anonymised (periods: jobs.py, docs/notes/privacy.md)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from quanzi.core import personal_data
from quanzi.privacy.enums import DeletionStatus
from quanzi.privacy.models import AuditEntry, Consent, DeletionRequest, PhoneCode

CODE_KEEP = dt.timedelta(days=1)
EVENT_KEEP = personal_data.EVENT_KEEP  # 3 years
DELETED_ACCOUNT_RECORDS_KEEP = dt.timedelta(days=3 * 365)  # consents of a deleted account, after the deletion
AUDIT_KEEP = dt.timedelta(days=3 * 365)


def sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    codes, _rows = PhoneCode.objects.filter(created_at__lt=now - CODE_KEEP).delete()
    events = personal_data.events_purge(before=now - EVENT_KEEP)
    gone = DeletionRequest.objects.filter(status=DeletionStatus.DONE,
                                          finished_at__lt=now - DELETED_ACCOUNT_RECORDS_KEEP).values("user_id")
    consents, _rows = Consent.objects.filter(user_id__in=gone).delete()
    audit = AuditEntry.purge_before(now - AUDIT_KEEP)
    return {"codes": codes, "events": events, "consents": consents, "audit": audit}
