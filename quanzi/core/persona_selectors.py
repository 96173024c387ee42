"""Reads of the event log for member-level analysis (personas' tags, segments' "last active"): what one member
did, and who was active when. Reads `core.Event` only; the callers own what the numbers mean."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from quanzi.core.models import Event


@dataclass(frozen=True)
class MemberEvent:
    name: str
    object_type: str
    object_id: int | None
    community_id: int | None
    props: dict[str, Any]
    created_at: dt.datetime


def member_events(*, user_id: int, since: dt.datetime, names: Iterable[str] | None = None,
                  limit: int = 20000) -> list[MemberEvent]:
    """One member's events since `since` (of these names, when given), oldest first, at most `limit` (the newest
    ones kept)."""
    qs = Event.objects.filter(user_id=user_id, created_at__gte=since)
    if names is not None:
        qs = qs.filter(name__in=list(names))
    rows = qs.order_by("-created_at", "-id").values_list(
        "name", "object_type", "object_id", "community_id", "props", "created_at")[:limit]
    return [MemberEvent(n, t, o, c, p or {}, at) for n, t, o, c, p, at in reversed(list(rows))]


def user_ids_active_since(*, since: dt.datetime, user_ids: Iterable[int] | None = None) -> set[int]:
    """Members with at least one event since `since` (among `user_ids`, when given)."""
    qs = Event.objects.filter(created_at__gte=since, user_id__isnull=False)
    if user_ids is not None:
        qs = qs.filter(user_id__in=list(user_ids))
    return set(qs.values_list("user_id", flat=True).distinct())


def last_active_at(*, user_id: int) -> dt.datetime | None:
    """When the member's latest event happened."""
    return Event.objects.filter(user_id=user_id).order_by("-created_at").values_list(
        "created_at", flat=True).first()
