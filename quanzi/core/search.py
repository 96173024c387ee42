"""Chinese keyword search: the one helper that turns what someone typed into search terms, for every app's
search (posts in content, communities; docs/ARCHITECTURE.md, "Chinese search").

A query with spaces is split on them; one without (Chinese usually) is cut with jieba's search mode
(`lcut_for_search`), which also yields the shorter words inside longer ones. Terms are lower-cased and kept once,
in order; punctuation is dropped, and single characters too when longer terms exist (so "的" does not match
everything). Rows then match when their text contains a term and rank by the number of matched terms."""

from __future__ import annotations

import re

_PUNCT = re.compile(r"^[\W_]+$")
MAX_QUERY_CHARS = 100


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
