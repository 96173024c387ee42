"""No float touches money: scan the money code's source for FloatField, float() calls and float literals."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

QUANZI = Path(__file__).resolve().parents[2]
MONEY_CODE = [QUANZI / "catalog", QUANZI / "orders", QUANZI / "payments", QUANZI / "core" / "money.py"]


def _sources() -> list[Path]:
    files: list[Path] = []
    for root in MONEY_CODE:
        if root.is_file():
            files.append(root)
        elif root.is_dir():
            files.extend(p for p in root.rglob("*.py") if "tests" not in p.parts)
    return sorted(files)


def float_uses(source: str) -> list[tuple[int, str]]:
    """(line, what) for every FloatField, float() call and float literal in `source`."""
    found: set[tuple[int, str]] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, float):
            found.add((node.lineno, f"float literal {node.value!r}"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "float":
            found.add((node.lineno, "float() call"))
        elif (isinstance(node, ast.Attribute) and node.attr == "FloatField") or (
                isinstance(node, ast.Name) and node.id == "FloatField"):
            found.add((node.lineno, "FloatField"))
        elif isinstance(node, ast.ImportFrom) and any(a.name == "FloatField" for a in node.names):
            found.add((node.lineno, "FloatField"))
    return sorted(found)


def test_the_scanner_catches_what_it_should() -> None:
    bad = ("from django.db import models\nfrom django.db.models import FloatField\nx = models.FloatField()\n"
           "y = float('1')\nz = 0.5\n")
    assert float_uses(bad) == [(2, "FloatField"), (3, "FloatField"), (4, "float() call"), (5, "float literal 0.5")]
    assert float_uses("a = 7 // 2\nb = int('3')\nfrom decimal import Decimal\nc = Decimal('0.05')\n") == []


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(QUANZI)))
def test_money_code_has_no_float(path: Path) -> None:
    assert float_uses(path.read_text(encoding="utf-8")) == []
