"""Row-lock primitives. Always lock in primary-key order so two transactions never wait on each other in a circle.

Only an app's own `locks.py` uses them (one helper per model of that app, e.g. `orders.locks.lock_order`); other
apps call that helper. The order in which a transaction takes locks of different models is written down once, in
docs/ARCHITECTURE.md ("Lock order"). `quanzi/core/tests/test_layers.py` checks that `select_for_update` appears
nowhere else.

SQLite ignores `select_for_update`; there the IMMEDIATE transaction mode serialises writers instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db import models
from django.db.models import QuerySet

M = TypeVar("M", bound=models.Model)


def lock_rows(model: type[M], pks: Iterable[int]) -> dict[int, M]:
    rows = model._default_manager.select_for_update().filter(pk__in=sorted(set(pks))).order_by("pk")
    return {row.pk: row for row in rows}


def lock_row(model: type[M], pk: int) -> M:
    return model._default_manager.select_for_update().get(pk=pk)


def lock_first(queryset: QuerySet[M], *, of: tuple[str, ...] = ()) -> M | None:
    """Lock the row `queryset` selects (callers filter by primary key or a unique key, plus a scope such as the
    owner) and return it, or None. Rows joined by `select_related` are locked too unless `of=("self",)`."""
    return queryset.select_for_update(of=of).first()
