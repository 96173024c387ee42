"""Reads that may go to the read replica (DATABASE_REPLICA_URL -> the `replica` alias), and only those.

A replica lags its primary by a little, so nothing is sent there by default: a read goes to the replica only
inside `replica_reads()` (or a function decorated `@replica_selector`), which a read-only selector uses when a
slightly old answer is fine (public feeds, product lists, reports, exports). Even then the primary answers when
- there is no `replica` alias (the embedded default, one database), or
- the code is inside a transaction on the primary (it may just have written what it reads), or
- the request wrote something in this process shortly before (`note_write`: read-your-writes for
  QUANZI_REPLICA_STICKY_SECONDS after a write, default 5 s), so a member who just posted sees the post.
Writes always go to the primary. Migrations run where `migrate --database` points (the replica copies the
primary's schema by itself in production; the tests migrate a second database of their own).
"""

from __future__ import annotations

import contextvars
import functools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import connections

REPLICA = "replica"
_replica_ok: contextvars.ContextVar[bool] = contextvars.ContextVar("quanzi_replica_ok", default=False)
_last_write: contextvars.ContextVar[float] = contextvars.ContextVar("quanzi_last_write", default=0.0)
P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _replica_ok.set(True)
    try:
        yield
    finally:
        _replica_ok.reset(token)


def replica_selector(fn: Callable[P, R]) -> Callable[P, R]:
    """Mark a read-only selector whose callers accept a replica's slight lag."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with replica_reads():
            return fn(*args, **kwargs)

    return wrapper


def note_write() -> None:
    _last_write.set(time.monotonic())


def replica_in_use() -> bool:
    if not _replica_ok.get() or REPLICA not in settings.DATABASES:
        return False
    if connections["default"].in_atomic_block:
        return False
    sticky = float(getattr(settings, "QUANZI_REPLICA_STICKY_SECONDS", 5))
    last = _last_write.get()
    return not (last and time.monotonic() - last < sticky)


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return REPLICA if replica_in_use() else "default"

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        note_write()
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the same data on both: an object read from the replica may point at one from the primary

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return None
