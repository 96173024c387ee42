from __future__ import annotations

from collections.abc import Iterator

import pytest

from quanzi.growth.flashsale.tests.helpers import REDIS_TEST_URL


@pytest.fixture(autouse=True)
def _no_redis_unless_asked(settings, request) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The database gate by default, whatever the environment says; tests marked `redis_gate` set their own."""
    if "redis_gate" not in request.fixturenames:
        settings.REDIS_URL = ""
    yield


@pytest.fixture
def redis_gate(settings) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """The Redis gate on db 9, flushed around the test (skips without a Redis server)."""
    from quanzi.growth.flashsale import counters

    settings.REDIS_URL = REDIS_TEST_URL
    client = counters.redis_client()
    assert client is not None
    try:
        client.ping()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"no Redis at {REDIS_TEST_URL}: {exc}")
    client.flushdb()
    yield client
    client.flushdb()
