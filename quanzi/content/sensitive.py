"""Sensitive-word filter: one Aho-Corasick automaton over the active `SensitiveWord` rows.

Operators edit the list in the admin (or the staff API). The automaton is built once per process and rebuilt
only when the list changes: the cache key is (max(updated_at) over all rows, active count, total count), read
with one cheap aggregate query, so an edit, a deactivation or a deletion all trigger a rebuild.
"""

from __future__ import annotations

import threading
from typing import Any

import ahocorasick
from django.db.models import Count, Max, Q

from quanzi.content.models import SensitiveWord

_lock = threading.Lock()
_state: dict[str, Any] = {"key": None, "automaton": None}


def _list_key() -> tuple[Any, int, int]:
    agg = SensitiveWord.objects.aggregate(
        latest=Max("updated_at"), active=Count("id", filter=Q(is_active=True)), total=Count("id"))
    return agg["latest"], agg["active"], agg["total"]


def _build(words: list[str]) -> Any:
    automaton = ahocorasick.Automaton()
    for word in words:
        word = word.strip().lower()
        if word:
            automaton.add_word(word, word)
    if len(automaton) == 0:
        return None
    automaton.make_automaton()
    return automaton


def automaton() -> Any:
    """The current automaton (None when the list is empty); rebuilt when the list has changed."""
    key = _list_key()
    if _state["key"] == key:
        return _state["automaton"]
    with _lock:
        if _state["key"] != key:
            words = list(SensitiveWord.objects.filter(is_active=True).values_list("word", flat=True))
            _state["automaton"] = _build(words)
            _state["key"] = key
        return _state["automaton"]


def find_words(*texts: str) -> list[str]:
    """The distinct sensitive words found in the texts (case-insensitive), in order of first appearance."""
    auto = automaton()
    if auto is None:
        return []
    found: list[str] = []
    for text in texts:
        for _end, word in auto.iter((text or "").lower()):
            if word not in found:
                found.append(word)
    return found
