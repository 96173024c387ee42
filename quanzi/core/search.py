"""Chinese keyword search: the one helper that turns what someone typed into search terms, for every app's
search (posts in content, communities; docs/ARCHITECTURE.md, "Chinese search").

A query with spaces is split on them; one without (Chinese usually) is cut with jieba's search mode
(`lcut_for_search`), which also yields the shorter words inside longer ones. Terms are lower-cased and kept once,
in order; punctuation is dropped, and single characters too when longer terms exist (so "的" does not match
everything). Rows then match when their text contains a term and rank by the number of matched terms.

Partial matching (`search_plan`, `search_ranked`): the words of the query are strong terms, and their single
Chinese characters weak ones, so searching 跑步 also finds 晨跑 and 跑鞋 — ranked after every row that contains a
whole word. A row that contains no word must contain at least half of the characters (rounded up: one of 跑步's two,
two of 母婴推荐's four), and the commonest function characters (的, 了 …) never count. Matching is a substring test
(`icontains`), so 跑步 is found inside 跑步机 as well: the text does not need to be segmented like the query.

jieba's dictionary takes about a second to load; `warm_up()` loads it in a background thread when a server starts
(quanzi/wsgi.py, quanzi/asgi.py), so the first search does not pay for it (jieba's own lock makes an early search
wait for the load rather than start a second one)."""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from operator import add, or_
from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

_PUNCT = re.compile(r"^[\W_]+$")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
MAX_QUERY_CHARS = 100
# characters too common to say anything about a row on their own (function words, pronouns, measure words)
STOP_CHARS = frozenset("的了是在和与及或也都就还又很我你他她它们这那有个一不之其把被给让对为以于从到吗呢吧啊么着过")
STRONG = 10  # a whole word counts as much as ten single characters: every word match ranks above partial ones


def search_terms(q: str, *, limit: int = 10, phrase: bool = False) -> list[str]:
    """At most `limit` terms of the query `q`. With `phrase`, a query jieba cut is also kept whole, as the last
    term (so a short name typed in full ranks above rows that only contain its parts)."""
    q = (q or "").strip().lower()[:MAX_QUERY_CHARS]
    if not q:
        return []
    parts = q.split()
    cut = len(parts) == 1
    if cut:
        import jieba  # imported lazily: loading its dictionary takes a moment

        parts = jieba.lcut_for_search(q) or [q]
    terms: list[str] = []
    for part in parts:
        part = part.strip()
        if part and not _PUNCT.match(part) and part not in terms:
            terms.append(part)
    if any(len(t) > 1 for t in terms):
        terms = [t for t in terms if len(t) > 1]
    if phrase and cut and q not in terms and not _PUNCT.match(q):
        terms.append(q)
    return terms[:limit]


@dataclass(frozen=True)
class SearchPlan:
    terms: tuple[str, ...]  # words (and the whole query when jieba cut it): a row containing one matches
    chars: tuple[str, ...]  # the words' single Chinese characters: partial matches
    min_chars: int  # how many of `chars` a row that contains no word must contain


def search_plan(q: str, *, limit: int = 10) -> SearchPlan:
    """What a query looks for: its terms (`search_terms` with the phrase) and the characters of its words."""
    terms = search_terms(q, limit=limit, phrase=True)
    chars: list[str] = []
    for term in terms:
        if len(term) < 2:
            continue
        for ch in term:
            if _HAN.match(ch) and ch not in STOP_CHARS and ch not in terms and ch not in chars:
                chars.append(ch)
    chars = chars[:limit]
    return SearchPlan(terms=tuple(terms), chars=tuple(chars), min_chars=max(1, (len(chars) + 1) // 2))


def _contains(fields: Sequence[str], json_fields: Sequence[str], term: str) -> Q:
    found = [Q(**{f"{field}__icontains": term}) for field in fields]
    escaped = json.dumps(term)[1:-1]  # how SQLite's JSON text stores it (\uXXXX); PostgreSQL's jsonb as is
    for field in json_fields:
        found.append(Q(**{f"{field}__icontains": term}))
        if escaped != term:
            found.append(Q(**{f"{field}__icontains": escaped}))
    return reduce(or_, found)


def _score(fields: Sequence[str], json_fields: Sequence[str], terms: Sequence[str], weight: int) -> Any:
    if not terms:
        return Value(0, output_field=IntegerField())
    return reduce(add, [Case(When(_contains(fields, json_fields, t), then=Value(weight)), default=Value(0),
                             output_field=IntegerField()) for t in terms])


def search_ranked(qs: QuerySet[Any], *, q: str, fields: Sequence[str], json_fields: Sequence[str] = (),
                  limit: int = 10) -> QuerySet[Any]:
    """The rows of `qs` matching the query `q` in any of `fields` (lookups such as `title`, `brand__name`) or
    `json_fields` (a JSON list of words, such as tags), annotated with `search_rank` (words × STRONG +
    characters) for the caller to order by; none for an empty query. Callers keep their own visibility filters
    on `qs`."""
    plan = search_plan(q, limit=limit)
    if not plan.terms:  # annotated all the same, so the caller's order_by("-search_rank") holds
        return qs.none().annotate(search_rank=Value(0, output_field=IntegerField()))
    qs = qs.annotate(search_strong=_score(fields, json_fields, plan.terms, STRONG),
                     search_weak=_score(fields, json_fields, plan.chars, 1))
    found = Q(search_strong__gt=0)
    if plan.chars:
        found |= Q(search_weak__gte=plan.min_chars)
    return qs.filter(found).annotate(search_rank=F("search_strong") + F("search_weak"))


def _load() -> None:
    import jieba

    jieba.setLogLevel(logging.WARNING)  # not its "Building prefix dict…" lines in the server log
    jieba.initialize()


def warm_up(*, background: bool = True) -> threading.Thread | None:
    """Load jieba's dictionary now (in a daemon thread by default) so the first search is fast."""
    if not background:
        _load()
        return None
    thread = threading.Thread(target=_load, name="jieba-warm-up", daemon=True)
    thread.start()
    return thread
