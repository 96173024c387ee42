"""Bulk reads of the event log for the readers that learn from it (recommend's training): plain tuples, streamed
in chunks, so a reader never loads model instances or imports `core.models` (docs/ARCHITECTURE.md: between apps,
selectors only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import NamedTuple

from quanzi.core.models import Event


class EventRow(NamedTuple):
    user_id: int
    name: str
    object_type: str
    object_id: int
    community_id: int | None
    created_at: dt.datetime


def member_events_since(*, names: tuple[str, ...], since: dt.datetime, chunk_size: int = 5000) -> Iterator[EventRow]:
    """Events of these names since `since` that have a member and an object, oldest first."""
    qs = (Event.objects.filter(name__in=names, created_at__gte=since, user__isnull=False, object_id__isnull=False)
          .order_by("id").values_list("user_id", "name", "object_type", "object_id", "community_id", "created_at"))
    for row in qs.iterator(chunk_size=chunk_size):
        yield EventRow(*row)  # type: ignore[arg-type]  # the filters exclude NULL user and object


def member_event_count_since(*, names: tuple[str, ...], since: dt.datetime) -> int:
    """How many rows `member_events_since` will yield (for a progress bar)."""
    return Event.objects.filter(name__in=names, created_at__gte=since, user__isnull=False,
                                object_id__isnull=False).count()
