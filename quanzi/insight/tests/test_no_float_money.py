"""No float touches money in the export, the importer and the metric plumbing (the source scan of orders). Money
figures in the metrics stay integer fen: the SQL rounds and casts them to BIGINT (rates are ratios, not money)."""

from __future__ import annotations

from pathlib import Path

import pytest

from quanzi.orders.tests.test_no_float_money import float_uses

APP = Path(__file__).resolve().parents[1]
MODULES = ["export.py", "importer.py", "lake.py", "selectors.py", "report.py", "models.py", "jobs.py",
           "metrics/registry.py", "metrics/commerce.py"]


@pytest.mark.parametrize("name", MODULES)
def test_insight_code_has_no_float(name: str) -> None:
    assert float_uses((APP / name).read_text(encoding="utf-8")) == []
