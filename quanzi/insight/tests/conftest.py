from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def lake_root(tmp_path: Path, settings) -> Path:  # type: ignore[no-untyped-def]
    """An empty lake of this test's own, set as the insight directory."""
    root = tmp_path / "lake"
    settings.QUANZI_INSIGHT = {**settings.QUANZI_INSIGHT, "DIR": root}
    return root
