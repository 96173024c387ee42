"""Liveness and readiness, for load balancers and orchestrators (served by core/edge.HealthMiddleware).

- liveness (`/healthz`): the process answers. Nothing else is touched, so a slow database never gets a healthy
  process killed.
- readiness (`/readyz`): the default database answers `SELECT 1`, the replica too when there is one, Redis answers
  PING when REDIS_URL is set, every migration is applied, and (with hashed static files) collectstatic has run.
  The migration check reads the migration files once; after it has passed, a process remembers it (migrations
  are not un-applied under a running server), so a probe costs one query and one PING.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)
_migrations_done: set[str] = set()
_static_done: list[bool] = []


def liveness() -> tuple[dict[str, Any], int]:
    return {"status": "ok", "pid": os.getpid()}, 200


def _database(alias: str) -> str:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _redis() -> str:
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def _migrations(alias: str = "default") -> str:
    if alias in _migrations_done:
        return "ok"
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[alias])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        return f"{len(pending)} pending"
    _migrations_done.add(alias)
    return "ok"


def _static() -> str:
    if _static_done:
        return "ok"
    from django.contrib.staticfiles.storage import staticfiles_storage

    present = getattr(staticfiles_storage, "manifest_present", None)
    if present is not None and not present():
        return "collectstatic has not run"
    _static_done.append(True)
    return "ok"


def readiness() -> tuple[dict[str, Any], int]:
    started = time.perf_counter()
    checks: dict[str, Any] = {}
    probes: list[tuple[str, Any]] = [("database", lambda: _database("default"))]
    if "replica" in settings.DATABASES and not getattr(settings, "TESTING", False):
        probes.append(("replica", lambda: _database("replica")))
    if getattr(settings, "REDIS_URL", ""):
        probes.append(("redis", _redis))
    probes += [("migrations", _migrations), ("static", _static)]
    for name, probe in probes:
        try:
            checks[name] = probe()
        except Exception as exc:  # noqa: BLE001 - a probe that fails is the answer, not an error
            logger.warning("readiness: %s failed: %s", name, exc.__class__.__name__)
            checks[name] = f"error: {exc.__class__.__name__}"
    ready = all(value == "ok" for value in checks.values())
    body = {"status": "ok" if ready else "unavailable", "checks": checks,
            "duration_ms": int((time.perf_counter() - started) * 1000)}
    return body, 200 if ready else 503
