from __future__ import annotations

from typing import Any

import pytest

from quanzi.catalog.tests import factories as f


@pytest.fixture
def operator(db: None) -> Any:
    return f.operator()
