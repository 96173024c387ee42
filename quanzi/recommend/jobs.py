"""Recommendation jobs (huey). Idempotent: a second run trains again and replaces the lists (the previous run
keeps serving until the new one is READY).

- `train_nightly`: every night at 19:30 UTC (03:30 Shanghai, the quietest hour), train the configured model from
  the event log and orders and store the serving lists (`services.model_train`). Serving never trains.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from quanzi.recommend import services


@db_periodic_task(crontab(hour="19", minute="30"))
def train_nightly() -> int:
    return services.model_train().pk
