from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conftest import make_user
from quanzi.loyalty import rewards
from quanzi.loyalty.tasks.tests.helpers import Recorder, community, join


@pytest.fixture
def points(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    """Points (and growth) paid into a recorder instead of the points and membership ledgers."""
    rec = Recorder()
    monkeypatch.setitem(rewards.GRANTERS, "points", rec)
    monkeypatch.setitem(rewards.GRANTERS, "growth", rec)
    return rec


@pytest.fixture
def owner(db: None) -> Any:
    return make_user("群主")


@pytest.fixture
def group(owner: Any) -> Any:
    return community(owner)


@pytest.fixture
def member(group: Any) -> Any:
    u = make_user("小打卡")
    join(u, group)
    return u


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """`commit(fn, **kw)`: call a service and run what it queued for after its commit (the hooks)."""

    def run(fn: Callable[..., Any], **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kwargs)

    return run
