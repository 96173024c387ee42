"""Every code this app's modules raise is in its ErrorCode (the project-wide check, run on this app alone)."""

from __future__ import annotations

import pathlib

from quanzi.core.tests.test_error_codes import check_codes
from quanzi.growth.flashsale.errors import ErrorCode

APP = pathlib.Path(__file__).resolve().parents[1]


def test_every_code_raised_is_in_the_enum():
    codes, names = {m.value for m in ErrorCode}, {m.name for m in ErrorCode}
    found = [f"{path.name}:{msg}" for path in sorted(APP.glob("*.py"))
             for msg in check_codes(path.read_text("utf-8"), codes, names)]
    assert found == []
    assert all(m.name == m.value.upper() for m in ErrorCode)
