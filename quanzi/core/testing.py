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


def race_in_batches(calls: list[Callable[[], object]], threads: int) -> list[str]:
    """Run many calls through `threads` connections started at the same instant (each thread runs its share one
    after the other), when there are more calls than the shared PostgreSQL allows connections. One outcome per
    call, as `race` gives them."""
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker(batch: list[Callable[[], object]]) -> Callable[[], None]:
        def run() -> None:
            for call in batch:
                try:
                    call()
                    outcome = "ok"
                except DomainError as exc:
                    outcome = exc.code
                except Exception as exc:  # noqa: BLE001 - shown in the caller's assertion
                    outcome = f"crash:{type(exc).__name__}:{exc}"
                with lock:
                    outcomes.append(outcome)
        return run

    batches = [b for b in (calls[i::threads] for i in range(threads)) if b]
    assert race([worker(b) for b in batches]) == ["ok"] * len(batches)
    return outcomes


_asgi_server: dict[str, str] = {}


def asgi_live_server(application: object) -> str:
    """The URL of daphne serving `application` (HTTP and WebSockets) on a free loopback port, in a thread of this
    process, for browser tests of real-time pages (pytest-django's live_server speaks WSGI only). One per process:
    Twisted's reactor cannot be restarted, so the first caller's application is served until the process ends
    (pass the same one: quanzi.asgi's, with static files). Works with the in-memory SQLite test database shared
    by threads (transaction=True tests) and the in-memory channel layer (everything runs in daphne's loop)."""
    if "url" in _asgi_server:
        return _asgi_server["url"]
    import socket
    import time

    from daphne.server import Server

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = Server(application=application, endpoints=[f"tcp:port={port}:interface=127.0.0.1"],
                    signal_handlers=False, verbosity=0)
    threading.Thread(target=server.run, name="daphne-test-server", daemon=True).start()
    deadline = time.monotonic() + 10
    while not server.listening_addresses:
        if time.monotonic() > deadline:
            raise RuntimeError("daphne did not start listening")
        time.sleep(0.05)
    _asgi_server["url"] = f"http://127.0.0.1:{port}"
    return _asgi_server["url"]
