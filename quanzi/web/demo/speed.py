"""Build-time settings for the demo's SQLite file (`make demo`, `manage.py demo`).

While the demo is built nothing else uses the file, and a build that stops halfway is thrown away (`make demo`
starts from a fresh file), so the commits need not wait for the disk: `synchronous=OFF` for every connection
opened during the build, a larger page cache and temporary tables in memory. The server's own connections open
afterwards with the settings' pragmas (WAL, synchronous=NORMAL). PostgreSQL is left as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections
from django.db.backends.signals import connection_created
from django.test import override_settings

BUILD_PRAGMAS = ("PRAGMA synchronous=OFF", "PRAGMA cache_size=-65536", "PRAGMA temp_store=MEMORY")
SERVE_PRAGMAS = ("PRAGMA synchronous=NORMAL", "PRAGMA cache_size=-2000", "PRAGMA temp_store=DEFAULT")


def _apply(connection: Any, pragmas: tuple[str, ...]) -> None:
    if connection.vendor != "sqlite" or connection.connection.in_transaction:
        return  # SQLite refuses to change the sync level inside a transaction (a build that failed halfway)
    with connection.cursor() as cursor:
        for pragma in pragmas:
            cursor.execute(pragma)


def _on_connect(sender: Any, connection: Any, **kwargs: Any) -> None:
    _apply(connection, BUILD_PRAGMAS)


@contextmanager
def sqlite_build_mode() -> Iterator[None]:
    """Every SQLite connection opened or already open in this block gets the build pragmas; they are put back
    on the connections still open at the end (new ones get the settings' `init_command` as always)."""
    connection_created.connect(_on_connect, dispatch_uid="quanzi-demo-build-pragmas")
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None:
            _apply(conn, BUILD_PRAGMAS)
    try:
        yield
    finally:
        connection_created.disconnect(dispatch_uid="quanzi-demo-build-pragmas")
        for conn in connections.all(initialized_only=True):
            if conn.connection is not None:
                _apply(conn, SERVE_PRAGMAS)


@contextmanager
def no_live_pushes() -> Iterator[None]:
    """No WebSocket pushes while the demo is built: no page can be open on a database that is still being made,
    so each notice's push to its member's open pages (`core.realtime.group_send`, through a fresh event loop
    every time, ~1 ms each for some 11,000 notices) reaches nobody. With no channel layer configured
    `group_send` returns at once; the rows themselves (inbox, unread counts) are written as always."""
    with override_settings(CHANNEL_LAYERS={}):
        yield
