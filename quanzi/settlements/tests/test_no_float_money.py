"""No float touches settlement money: the same source scan the orders app runs on its own code."""

from __future__ import annotations

from pathlib import Path

import pytest

from quanzi.orders.tests.test_no_float_money import float_uses

APP = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("path", sorted(p for p in APP.rglob("*.py") if "tests" not in p.parts),
                         ids=lambda p: p.name)
def test_settlement_code_has_no_float(path: Path) -> None:
    assert float_uses(path.read_text(encoding="utf-8")) == []
