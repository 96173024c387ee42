"""run_for_each: an admin action runs a service per row in pk order; a refused row gets its message, the rest go on."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from quanzi.core.admin_base import run_for_each
from quanzi.core.errors import Conflict


class _Admin:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def message_user(self, request: Any, message: str, level: Any) -> None:
        self.messages.append(message)


def test_refused_rows_are_reported_and_the_others_run_in_pk_order() -> None:
    rows = [SimpleNamespace(pk=pk) for pk in (3, 1, 2)]
    seen: list[int] = []

    def call(row: Any) -> None:
        if row.pk == 2:
            raise Conflict("campaign_ended", "活动已结束")
        seen.append(row.pk)

    admin = _Admin()
    assert run_for_each(admin, None, rows, call) == 2  # type: ignore[arg-type]
    assert seen == [1, 3]
    assert len(admin.messages) == 1 and admin.messages[0].endswith("活动已结束")
