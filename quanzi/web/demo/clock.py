"""Demo data happens over the last 30 days: the builder moves the clock that every service reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.utils import timezone


@contextmanager
def clock_at(moment: dt.datetime) -> Iterator[None]:
    """Run services as if it were `moment` (timestamps, check-in days, poll and event windows)."""
    with mock.patch.object(timezone, "now", return_value=moment):
        yield
