"""Sensitive-word filter: one Aho-Corasick automaton over the active `SensitiveWord` rows.

Operators edit the list in the admin (or the staff API). The automaton is built once per process and rebuilt
only when the list changes: the cache key is (max(updated_at) over all rows, active count, total count), read
with one cheap aggregate query, so an edit, a deactivation or a deletion all trigger a rebuild.

Matching runs on a normalised form of both the listed words and the text (`normalise`), so that the usual ways
around a word list do not get through: invisible characters inside a word (`刷\u200b单`), spaces or punctuation
between its characters (`刷 单`, `刷.单`), full-width letters (`ＶＸ`), upper case, and traditional characters
(`刷單`). The price is that a word can now also match across punctuation (`…刷。单…`); for a list of words to
hold for review that is the right side to err on. The normalised text has no index mapping back to the original
text, which is fine: callers only need to know which configured words were found.
"""

from __future__ import annotations

import functools
import threading
import unicodedata
from typing import Any, NamedTuple

import ahocorasick
import opencc
from django.db.models import Count, Max, Q

from quanzi.content.models import SensitiveWord

_lock = threading.Lock()
_state: dict[str, Any] = {"key": None, "automaton": None}


# --- normalisation -------------------------------------------------------------------------------------------------

# Code points that render as nothing (Unicode's Default_Ignorable_Code_Point) but are not in category Cf:
# the combining grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian free variation selectors,
# variation selectors (and their supplement), and the reserved default-ignorable ranges.
_IGNORABLE_RANGES = (
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x2065, 0x2065),
    (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0xE0000, 0xE0FFF),
)
# Removed before NFKC: control and format characters (zero-width space / joiners, BOM, soft hyphen, bidi
# controls, tags...) and the ignorable code points above, so that they cannot keep characters apart.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
# Removed after NFKC, from words and text alike: spaces (Z*), punctuation (P*), symbols (S*, emoji included)
# and combining marks (Mn, Me), so that anything put between the characters of a word is ignored.
_GAP_CATEGORIES = _INVISIBLE_CATEGORIES | {"Zs", "Zl", "Zp", "Mn", "Me"}
_GAP_MAJOR = ("P", "S")
# Where those characters live: the Basic Multilingual Plane, plane 1 (symbols, emoji) and plane 14 (tags,
# variation selectors supplement). Planes 2–3 hold only CJK ideographs; 15–16 private use.
_SCAN = (range(0x0000, 0x20000), range(0xE0000, 0xE1000))
# The CJK ideographs OpenCC may fold: radicals, Extension A, the unified block, Extensions B onwards.
_CJK = (range(0x2E80, 0x2FE0), range(0x3400, 0x4DC0), range(0x4E00, 0xA000), range(0x20000, 0x323B0))


class _Tables(NamedTuple):
    before: dict[int, str | None]  # applied before NFKC
    after: dict[int, str | None]  # applied after NFKC and case folding


def _traditional_to_simplified() -> dict[int, str]:
    """Traditional → simplified, one character at a time, from OpenCC's own dictionaries.

    Library: `opencc` on PyPI, the Python binding shipped by the OpenCC project itself (BYVoid/OpenCC, the
    reference implementation that the other packages copy their dictionaries from; actively released,
    Apache-2.0 like quanzi, prebuilt wheels for CPython 3.11/3.12 on Linux, macOS and Windows, no system
    library needed). `opencc-python-reimplemented` (last release 2023) and `zhconv` (last release 2021) carry
    older copies of the same data and are no longer kept up.

    The converter is asked once per process for every CJK ideograph (one call over a newline-separated list:
    no phrase spans a newline, so each line is converted as a single character) and the answer becomes a
    `str.translate` table. Per-character folding, rather than converting the text phrase by phrase, is what
    matching needs: a phrase conversion depends on the neighbouring characters (乾隆 stays, 乾燥 → 干燥), so a
    listed word could convert differently on its own than inside a sentence and be missed; a per-character
    fold keeps "word occurs in text" true after normalisation. `t2s` is the main table; Hong Kong variants that
    `t2s` leaves alone (衞 → 卫, 粧 → 妆) are added from `hk2s`."""
    chars = [chr(cp) for block in _CJK for cp in block]
    table: dict[int, str] = {}
    for config in ("t2s", "hk2s"):
        converted = opencc.OpenCC(f"{config}.json").convert("\n".join(chars)).split("\n")
        if len(converted) != len(chars):  # never seen; keep what the earlier config gave rather than misalign
            continue
        for char, simple in zip(chars, converted, strict=True):
            if simple != char and simple and ord(char) not in table:
                table[ord(char)] = simple
    return table


@functools.cache
def _tables() -> _Tables:
    """The translate tables, built on first use (about 0.15 s) and kept for the life of the process.

    `after` does the whole job on NFKC text: it removes every gap character (spaces, punctuation, symbols,
    combining marks, invisible characters) and folds traditional to simplified. `before` exists for speed:
    Chinese text is full of full-width punctuation (，。！), which NFKC would rewrite one by one on its slow
    path; removing beforehand every character that would end up removed anyway (its NFKC form is all gaps),
    and the invisible ones, lets most texts take NFKC's quick "already normalised" path. It leaves combining
    marks and characters like Ⓥ or ™ (symbols whose NFKC form is letters) to NFKC."""
    invisible: set[int] = set()
    gaps: set[int] = set()
    for block in _SCAN:
        for cp in block:
            category = unicodedata.category(chr(cp))
            if category in _INVISIBLE_CATEGORIES:
                invisible.add(cp)
            if category in _GAP_CATEGORIES or category[0] in _GAP_MAJOR:
                gaps.add(cp)
    for first, last in _IGNORABLE_RANGES:
        invisible.update(range(first, last + 1))
    gaps |= invisible
    simplified = _traditional_to_simplified()
    before: dict[int, str | None] = dict(simplified)
    after: dict[int, str | None] = dict(simplified)
    for cp in gaps:
        after[cp] = None
        char = chr(cp)
        if cp in invisible or (unicodedata.category(char) not in ("Mn", "Me")
                               and all(ord(c) in gaps for c in unicodedata.normalize("NFKC", char))):
            before[cp] = None
    return _Tables(before=before, after=after)


def normalise(text: str) -> str:
    """The form that words and texts are matched in: invisible characters removed, NFKC (full-width and other
    compatibility forms folded: ＶＸ → vx, ① → 1), case-folded, traditional folded to simplified, and every
    space, punctuation mark, symbol and combining mark removed. Words of the list go through the same function
    when the automaton is built."""
    tables = _tables()
    text = unicodedata.normalize("NFKC", text.translate(tables.before))
    return text.casefold().translate(tables.after)


# --- the automaton -------------------------------------------------------------------------------------------------


def _list_key() -> tuple[Any, int, int]:
    agg = SensitiveWord.objects.aggregate(
        latest=Max("updated_at"), active=Count("id", filter=Q(is_active=True)), total=Count("id"))
    return agg["latest"], agg["active"], agg["total"]


def _build(words: list[str]) -> Any:
    """An automaton whose keys are the normalised words and whose values are the configured words (a tuple:
    two entries can normalise alike, e.g. 刷单 and 刷單). A word that normalises to nothing (only punctuation
    or symbols) cannot be matched and is left out."""
    configured: dict[str, list[str]] = {}
    for word in words:
        word = word.strip()
        key = normalise(word)
        if key and word not in configured.setdefault(key, []):
            configured[key].append(word)
    automaton = ahocorasick.Automaton()
    for key, listed in configured.items():
        automaton.add_word(key, tuple(listed))
    if len(automaton) == 0:
        return None
    automaton.make_automaton()
    return automaton


def scan(auto: Any, *texts: str) -> list[str]:
    """The configured words of `auto` (built by `_build`) found in the texts, distinct, in order of first
    appearance. `find_words` without the database; the benchmark scans with it too."""
    found: list[str] = []
    for text in texts:
        for _end, listed in auto.iter(normalise(text or "")):
            for word in listed:
                if word not in found:
                    found.append(word)
    return found


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
    """The distinct sensitive words (as configured) found in the texts, in order of first appearance. Matching
    ignores case, width, traditional/simplified, invisible characters and anything between the characters."""
    auto = automaton()
    if auto is None:
        return []
    return scan(auto, *texts)

