"""Account jobs. Idempotent; an expired token already authenticates nobody, this only removes the rows."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from quanzi.accounts.models import ApiToken


@db_periodic_task(crontab(minute="23"))
def purge_expired_tokens() -> int:
    deleted, _rows = ApiToken.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
