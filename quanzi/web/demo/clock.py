"""Demo data happens over the last 30 days: the builder moves the clock that every service reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone


@contextmanager
def clock_at(moment: dt.datetime) -> Iterator[None]:
    """Run services as if it were `moment` (timestamps, check-in days, poll and event windows).

    A plain function swapped in, not `mock.patch`: the demo moves the clock some 30,000 times and a MagicMock
    (built per call, recording every call) cost several seconds of the build. Nesting restores the outer clock."""
    previous = timezone.now

    def now() -> dt.datetime:
        return moment

    timezone.now = now  # type: ignore[assignment]  # the module attribute every service looks up at call time
    try:
        yield
    finally:
        timezone.now = previous  # type: ignore[assignment]
