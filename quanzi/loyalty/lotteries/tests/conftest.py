from __future__ import annotations

from typing import Any

import pytest

from conftest import make_user
from quanzi.catalog.tests import factories as f
from quanzi.loyalty import rewards
from quanzi.loyalty.lotteries.tests.helpers import community


@pytest.fixture(autouse=True)
def granted(monkeypatch: Any) -> list[tuple[int, str, int, str]]:
    """A recording granter for points and growth (their apps are built alongside this one): (user_id, kind,
    amount, key) for every grant, once per key as the real granters are."""
    paid: list[tuple[int, str, int, str]] = []

    def granter(kind: str) -> Any:
        def grant(*, user_id: int, amount: int, key: str, reason: str) -> None:
            if all(k != key for _u, _k2, _a, k in paid):
                paid.append((user_id, kind, amount, key))
        return grant

    monkeypatch.setitem(rewards.GRANTERS, "points", granter("points"))
    monkeypatch.setitem(rewards.GRANTERS, "growth", granter("growth"))
    return paid


@pytest.fixture
def operator(db: None) -> Any:
    return f.operator()


@pytest.fixture
def owner(db: None) -> Any:
    return make_user("群主小美")


@pytest.fixture
def group(db: None, owner: Any) -> Any:
    return community(owner)
