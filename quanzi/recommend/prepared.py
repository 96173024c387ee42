"""Statement reuse for the queries every recommendation request runs with new ids (the member's, the candidates').
Django compiles a query each time it runs; for these (the product cards: a join, an EXISTS and two subqueries)
compiling costs up to ~2 ms, several times what SQLite then takes to answer, and it was most of a "for you"
request. So each query is compiled once per thread and shape, and run again with other ids: the answer is as live
as the ORM's, only the SQL text is reused.

How: the queryset is built with sentinel ids, compiled, and the sentinels' places in the parameters noted; a run
puts the real ids in those places and applies the same converters as the ORM would (JSON fields and the like). An
id list is padded to the next size bucket (a repeated id changes nothing in `IN (...)`), so a handful of
statements cover every length. When a sentinel cannot be found, or a list is longer than the largest bucket, the
queryset runs through the ORM as usual: never a wrong answer, at worst the ORM's cost.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.db.models import QuerySet

BUCKETS = (8, 16, 32, 64, 128, 256)
MAX_STATEMENTS = 64  # per query and thread (shapes × sizes); beyond, the oldest are forgotten
_SENTINEL_BASE = -(2**42)  # ids no table hands out


class PreparedQuery:
    """`run(ids, binds, fixed)` returns what `list(build(ids, binds, fixed))` would, for a `values_list` queryset:
    `ids` an id list (or None), `binds` single ids (the member's), `fixed` anything else the query is built from
    (hashable; each value its own statement, so keep it coarse: a window start rounded to the hour)."""

    def __init__(self, build: Callable[[list[int] | None, tuple[int, ...], tuple[Any, ...]], QuerySet[Any, Any]]):
        self._build = build
        self._local = threading.local()  # each thread its own compiled statements (and its own connection)

    def _compile(self, size: int | None, binds: int, fixed: tuple[Any, ...]) -> tuple[Any, ...] | None:
        sentinels = [_SENTINEL_BASE - k for k in range((size or 0) + binds)]
        qs = self._build(sentinels[:size] if size is not None else None, tuple(sentinels[size or 0:]), fixed)
        compiler = qs.query.get_compiler(using=qs.db)
        sql, params = compiler.as_sql()
        wanted = set(sentinels)
        slots = [i for i, p in enumerate(params) if isinstance(p, int) and p in wanted]
        found = [params[i] for i in slots]
        if not wanted.issubset(found):  # a shape this helper does not know: the ORM, every time
            return None
        fields = [s[0] for s in compiler.select[0:compiler.col_count]]
        order = [sentinels.index(p) for p in found]  # which value goes in which slot
        return (compiler, sql, list(params), list(zip(slots, order, strict=True)), compiler.get_converters(fields))

    def _statement(self, size: int | None, binds: int, fixed: tuple[Any, ...]) -> tuple[Any, ...] | None:
        cache: dict[tuple[Any, ...], Any] = self._local.__dict__.setdefault("statements", {})
        key = (size, binds, fixed)
        if key not in cache:
            if len(cache) >= MAX_STATEMENTS:
                cache.pop(next(iter(cache)))
            cache[key] = self._compile(size, binds, fixed)
        return cache[key]

    def run(self, ids: list[int] | None = None, binds: tuple[int, ...] = (),
            fixed: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        size: int | None = None
        values = [int(b) for b in binds]
        if ids is not None:
            ids = list(dict.fromkeys(int(i) for i in ids))
            if not ids:
                return []
            size = next((b for b in BUCKETS if b >= len(ids)), 0)
            values = ids + [ids[-1]] * (size - len(ids)) + values
        statement = self._statement(size, len(binds), fixed) if size != 0 else None
        if statement is None:
            return [tuple(r) for r in self._build(ids, tuple(binds), fixed)]
        compiler, sql, template, slots, converters = statement
        params = list(template)
        for slot, k in slots:
            params[slot] = values[k]
        with connections[compiler.using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            return [tuple(r) for r in compiler.apply_converters(rows, converters)]
        return [tuple(r) for r in rows]
