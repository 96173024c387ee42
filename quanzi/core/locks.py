"""Row-lock helpers. Always lock in primary-key order so two transactions never wait on each other in a circle.

SQLite ignores `select_for_update`; there the IMMEDIATE transaction mode serialises writers instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def lock_rows(model: type[M], pks: Iterable[int]) -> dict[int, M]:
    rows = model._default_manager.select_for_update().filter(pk__in=sorted(set(pks))).order_by("pk")
    return {row.pk: row for row in rows}


def lock_row(model: type[M], pk: int) -> M:
    return model._default_manager.select_for_update().get(pk=pk)
