"""Counts over the event log by day (Asia/Shanghai), for the dashboards that chart what happened: how many card
clicks each of a KOL's posts had per day. Reads `core.Event` only; the callers own what the numbers mean."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from quanzi.core.dbrouter import replica_selector
from quanzi.core.models import Event
from quanzi.core.timeutil import local_date


@replica_selector  # a dashboard's chart over the event log: a scan a replica's second of lag does not change
def daily_counts_by_prop(*, name: str, prop: str, values: Iterable[int],
                         since: dt.datetime) -> dict[int, dict[dt.date, int]]:
    """{value of `props[prop]`: {local day: events named `name` since `since`}} for the given values."""
    wanted = list({int(v) for v in values})
    out: dict[int, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    if not wanted:
        return {}
    rows = Event.objects.filter(name=name, created_at__gte=since, **{f"props__{prop}__in": wanted})\
        .values_list("props", "created_at")
    for props, at in rows.iterator(chunk_size=2000):
        value = (props or {}).get(prop)
        if isinstance(value, int) and value in wanted:
            out[value][local_date(at)] += 1
    return {k: dict(v) for k, v in out.items()}
