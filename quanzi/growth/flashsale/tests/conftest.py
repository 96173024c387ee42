from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _no_redis_unless_asked(settings, request) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The database gate by default, whatever the environment says; tests marked `redis_gate` set their own."""
    if "redis_gate" not in request.fixturenames:
        settings.REDIS_URL = ""
    yield
