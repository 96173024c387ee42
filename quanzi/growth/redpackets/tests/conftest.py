from __future__ import annotations

from typing import Any

import pytest

from conftest import make_user
from quanzi.catalog.tests import factories as f
from quanzi.growth.redpackets.tests.helpers import community, grant


@pytest.fixture
def operator(db: None) -> Any:
    return f.operator()


@pytest.fixture
def funder(db: None) -> Any:
    return make_user("发红包的人")


@pytest.fixture
def group(db: None, funder: Any) -> Any:
    """A community the funder owns."""
    return community(funder)


@pytest.fixture
def rich_funder(operator: Any, funder: Any) -> Any:
    """The funder with ¥100 of balance."""
    grant(operator, funder, 10000)
    return funder
