"""What higher apps learn from live selling: a registry filled in their `AppConfig.ready()` (notify tells a
community when its session goes on air). Each function runs after the commit of the moment; one that fails is
logged and never undoes the start."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

_started: dict[str, Callable[..., Any]] = {}


def on_session_started(name: str, fn: Callable[..., Any]) -> None:
    """`fn(session_id=, community_id=, title=, host_id=)` after a session goes on air. Same name: replaced."""
    _started[name] = fn


def session_started(*, session_id: int, community_id: int, title: str, host_id: int | None) -> None:
    for name, fn in list(_started.items()):
        try:
            fn(session_id=session_id, community_id=community_id, title=title, host_id=host_id)
        except Exception:  # noqa: BLE001 - a listener never undoes the start
            log.exception("live session_started listener %s failed", name)
