from __future__ import annotations

from typing import Any

import pytest

from conftest import make_user
from quanzi.catalog.tests import factories as f
from quanzi.loyalty.points.tests import helpers


@pytest.fixture
def operator(db: None) -> Any:
    return f.operator()


@pytest.fixture
def buyer(db: None) -> Any:
    return make_user("攒积分的人")


@pytest.fixture
def shop(db: None) -> Any:
    return helpers.shop()
