from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from django.apps import apps


@pytest.fixture(autouse=True)
def _seeded_plans(db: None) -> Iterator[None]:
    """The revenue tests buy a paid membership: its plans come from a data migration, which a transactional test
    flushes for the tests after it, so each test puts them back the way the migration does (get_or_create)."""
    seed = importlib.import_module("quanzi.loyalty.membership.migrations.0002_seed_levels_and_plans").seed
    seed(apps, None)
    yield
