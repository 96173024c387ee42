"""Nest a flat list of URL patterns by their leading path segments, so resolving a path tries a handful of
prefixes instead of every pattern.

django-ninja hands Django one flat list with every API operation (~250 paths). Django's resolver tries the
patterns of a list in order, so a request for an operation near the end paid for ~170 failed regex matches before
its own: about half a millisecond of CPU per request, as much as everything else a refused flash-sale buy does
(bench/flashsale.py). `grouped` turns `growth/flashsale/items/<int:item_id>/buy` and its siblings into
`growth/` → `flashsale/` → `items/<int:item_id>/buy`.

It changes no answer: a pattern is only moved into a group when its route starts with a literal segment, and two
patterns whose routes start with different literal segments can never match the same path, so the order between
groups does not matter; inside a group the patterns keep their order. Names are not namespaced by the groups
(`include` of a plain list), so `reverse("api-v1:...")` is unchanged.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from django.urls.resolvers import RoutePattern

MIN_GROUP = 3  # fewer patterns than this under one prefix stay where they are: a group would only add a step


def _literal_head(pattern: URLPattern | URLResolver) -> tuple[str, str] | None:
    """("growth/", "flashsale/items/<int:item_id>/buy") for a plain route starting with a literal segment."""
    if not isinstance(pattern, URLPattern) or not isinstance(pattern.pattern, RoutePattern):
        return None
    route = str(pattern.pattern)
    head, slash, rest = route.partition("/")
    if not slash or not head or "<" in head or not rest:
        return None
    return head + "/", rest


def grouped(patterns: list[URLPattern | URLResolver], depth: int = 2) -> list[URLPattern | URLResolver]:
    """The same patterns nested up to `depth` levels by their leading literal segments."""
    if depth <= 0:
        return list(patterns)
    heads: dict[str, list[tuple[URLPattern, str]]] = {}
    for p in patterns:
        split = _literal_head(p)
        if split is not None:
            assert isinstance(p, URLPattern)
            heads.setdefault(split[0], []).append((p, split[1]))
    out: list[URLPattern | URLResolver] = []
    placed: set[str] = set()
    for p in patterns:
        split = _literal_head(p)
        if split is None or len(heads[split[0]]) < MIN_GROUP:
            out.append(p)
            continue
        head = split[0]
        if head in placed:
            continue
        placed.add(head)
        members: list[URLPattern | URLResolver] = [
            path(rest, member.callback, kwargs=member.default_args, name=member.name)
            for member, rest in heads[head]]
        out.append(path(head, include(grouped(members, depth - 1))))
    return out
