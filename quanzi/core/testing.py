"""Helpers for tests of several apps (imported by tests only)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections

from quanzi.core.errors import DomainError


def race(fns: list[Callable[[], object]]) -> list[str]:
    """Run the callables at the same instant, one thread (and database connection) each.

    Returns one outcome per callable: "ok", the DomainError code it raised, or "crash:..." for anything else, so a
    crash shows up in the test's assertion instead of dying silently in its thread."""
    results: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(fns))

    def worker(fn: Callable[[], object]) -> None:
        try:
            barrier.wait()
            fn()
            outcome = "ok"
        except DomainError as exc:
            outcome = exc.code
        except Exception as exc:  # noqa: BLE001 - reported to the caller, see above
            outcome = f"crash:{type(exc).__name__}:{exc}"
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker, args=(fn,)) for fn in fns]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results
