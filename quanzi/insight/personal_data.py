"""Insight's part of a member's account deletion (core/personal_data.py), registered in `InsightConfig.ready()`.

The lake is a copy of the database for analytics; when a member deletes their account, the copy must forget them
as the database does (`lake.forget_user`: the event log and its rollup lose the link to the person, follows go).
The rewrite runs after the deletion commits (a deletion rolled back leaves the lake as it was) and under the
export's lock (an export running at that moment finishes first; the database it reads is already erased, so it
cannot bring the rows back). Nothing to export: the lake holds no data the member's export does not already have
from the database."""

from __future__ import annotations

import logging

from django.db import transaction

from quanzi.core import personal_data

log = logging.getLogger(__name__)


def forget_in_lake(user_id: int) -> int:
    from quanzi.insight import export, lake

    with export.export_lock():
        n = lake.forget_user(user_id)
    log.info("insight lake: %s rows of deleted member %s anonymised or removed", n, user_id)
    return n


def erase_lake(user_id: int) -> None:
    transaction.on_commit(lambda: forget_in_lake(user_id))


def register() -> None:
    personal_data.register("insight_lake", erase=erase_lake, erase_order=90)
