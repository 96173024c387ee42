"""Shared by the benchmarks: Django on a throw-away SQLite database, and small timing helpers.

`setup_django()` points QUANZI_VAR_DIR at a new temporary folder BEFORE Django reads its settings, so the
benchmarks never touch var/quanzi.sqlite3 (or a DATABASE_URL from the environment); the folder is removed
when the process exits.
"""

from __future__ import annotations

import atexit
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(*, migrate: bool = True) -> Path:
    """Configure and start Django on a fresh SQLite file in a temp folder; migrate it. Returns the folder."""
    var = Path(tempfile.mkdtemp(prefix="quanzi-bench-"))
    atexit.register(shutil.rmtree, var, ignore_errors=True)
    os.environ["QUANZI_VAR_DIR"] = str(var)
    os.environ.pop("QUANZI_MEDIA_ROOT", None)
    os.environ.pop("DATABASE_URL", None)  # always the throw-away SQLite file, never a shared server
    os.environ.pop("REDIS_URL", None)
    os.environ["DEBUG"] = "0"  # production-like: no query log kept in memory, no debug pages
    os.environ["QUANZI_TESTING"] = "1"  # cheap password hashing for the bench users; jobs run in-process
    os.environ["DJANGO_SETTINGS_MODULE"] = "quanzi.settings"
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
    return var


def timed(fn: Callable[[], object]) -> float:
    """Seconds one call takes."""
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def samples(fn: Callable[[], object], *, warmup: int, runs: int) -> list[float]:
    """Seconds per call over `runs` calls after `warmup` untimed ones."""
    for _ in range(warmup):
        fn()
    return [timed(fn) for _ in range(runs)]


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def p90_ms(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))] * 1000


def header(title: str) -> None:
    print()
    print(f"== {title} ==")
