"""Sensitive-word filter: the content app's Aho-Corasick automaton vs the naive baseline.

Word lists of 2,000 and 20,000 real Chinese words (drawn with a fixed seed from jieba's dictionary) are matched
against 5,000 post-like texts (the demo corpus' sentences padded with dictionary words; one in ten has a listed
word planted in it). The automaton is built by `quanzi.content.sensitive._build` and scanned exactly as
`find_words` scans (`scan`: normalised text, distinct words); the baseline is `[w for w in words if w in text]`
on the same normalised forms of words and text.
Both must find the same words in every text. Then `find_words()` end to end, as `post_create` calls it,
with the 20,000 words stored as SensitiveWord rows (it adds one cache-key query per call).

Run alone: .venv/bin/python bench/bench_wordfilter.py
"""

from __future__ import annotations

import os
import random
import re
from typing import Any

import common

SEED = 20261125
TEXTS = 5_000
SIZES = (2_000, 20_000)
END_TO_END_TEXTS = 1_000
_CJK = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


def vocabulary() -> list[str]:
    """Distinct 2–4 character Chinese words from jieba's dictionary, shuffled with a fixed seed."""
    import jieba

    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    with open(path, encoding="utf-8") as fh:
        words = sorted({line.split(" ", 1)[0] for line in fh if _CJK.match(line.split(" ", 1)[0])})
    random.Random(SEED).shuffle(words)
    return words


def post_texts(rng: random.Random, filler: list[str], planted: list[str], n: int) -> list[str]:
    """Post-like texts, 100–300 characters: a demo sentence, dictionary words and punctuation."""
    from quanzi.web.demo import corpus

    topics = [t for values in corpus.TOPICS.values() for t in values]
    texts = []
    for i in range(n):
        parts = [rng.choice(corpus.NOTE_TEMPLATES).format(t=rng.choice(topics))]
        parts += [rng.choice(filler) + rng.choice("，。！、 ") for _ in range(rng.randint(20, 60))]
        if i % 10 == 0:
            for word in rng.sample(planted, k=rng.randint(1, 2)):
                parts.insert(rng.randrange(len(parts) + 1), word)
        parts.append(rng.choice(corpus.COMMENTS))
        texts.append("".join(parts))
    return texts


def ac_find(automaton: Any, text: str) -> list[str]:
    """quanzi.content.sensitive.find_words without the database: `scan` (normalises the text, then walks the
    automaton) on an automaton built by `_build`."""
    from quanzi.content.sensitive import scan

    return [] if automaton is None else scan(automaton, text)


def naive_find(keys: list[tuple[str, str]], text: str) -> list[str]:
    """The baseline on the same normalised forms: `keys` are (word, normalise(word)) pairs, made once."""
    from quanzi.content.sensitive import normalise

    text = normalise(text)
    return [w for w, key in keys if key and key in text]


def compare(words: list[str], texts: list[str]) -> dict[str, float]:
    from quanzi.content.sensitive import _build, normalise

    automaton: Any = None
    keys = [(w, normalise(w)) for w in words]

    def build() -> None:
        nonlocal automaton
        automaton = _build(words)

    build_s = common.timed(build)
    ac_results: list[list[str]] = []
    naive_results: list[list[str]] = []
    ac_s = common.timed(lambda: ac_results.extend(ac_find(automaton, t) for t in texts))
    naive_s = common.timed(lambda: naive_results.extend(naive_find(keys, t) for t in texts))
    for i, (a, b) in enumerate(zip(ac_results, naive_results, strict=True)):
        assert set(a) == set(b), f"text {i}: Aho-Corasick found {sorted(a)}, the baseline {sorted(b)}"
    return {
        "build_s": build_s, "ac_s": ac_s, "naive_s": naive_s,
        "hits": sum(1 for r in ac_results if r), "matches": sum(len(r) for r in ac_results),
    }


def end_to_end(words: list[str], texts: list[str]) -> tuple[float, float, float, int]:
    """find_words() as the services call it: the words are SensitiveWord rows; every call checks the list's
    cache key (one aggregate query) and the automaton is built on the first call only."""
    from quanzi.content.models import SensitiveWord
    from quanzi.content.sensitive import _list_key, find_words

    SensitiveWord.objects.bulk_create([SensitiveWord(word=w) for w in words], batch_size=2000)
    first_s = common.timed(lambda: find_words("预热"))
    found = 0

    def scan() -> None:
        nonlocal found
        found = sum(1 for t in texts if find_words(t))

    scan_s = common.timed(scan)
    key_s = common.median_ms(common.samples(_list_key, warmup=3, runs=50)) / 1000
    SensitiveWord.objects.all().delete()
    return first_s, scan_s, key_s, found


def main() -> None:
    common.header("sensitive-word filter: Aho-Corasick (quanzi.content.sensitive) vs naive `w in text`")
    vocab = vocabulary()
    rng = random.Random(SEED)
    listed = vocab[: max(SIZES)]
    texts = post_texts(rng, vocab[max(SIZES):], vocab[: min(SIZES)], TEXTS)
    chars = sum(len(t) for t in texts)
    print(f"{TEXTS} texts, {chars / TEXTS:.0f} characters on average ({chars / 1e6:.2f} M characters); "
          f"words from jieba's dictionary ({len(vocab)} candidates)")
    print(f"{'words':>7} {'build ms':>9} {'AC s':>7} {'AC texts/s':>11} {'naive s':>8} {'naive texts/s':>14} "
          f"{'speed-up':>9} {'texts hit':>10} {'matches':>8}")
    for size in SIZES:
        r = compare(listed[:size], texts)
        print(f"{size:>7} {r['build_s'] * 1000:>9.1f} {r['ac_s']:>7.3f} {TEXTS / r['ac_s']:>11,.0f} "
              f"{r['naive_s']:>8.3f} {TEXTS / r['naive_s']:>14,.0f} {r['naive_s'] / r['ac_s']:>8.1f}x "
              f"{int(r['hits']):>10} {int(r['matches']):>8}")
    print("both methods found the same words in every text")
    first_s, scan_s, key_s, found = end_to_end(listed, texts[:END_TO_END_TEXTS])
    print(f"find_words() end to end over {END_TO_END_TEXTS} texts with {max(SIZES)} SensitiveWord rows (SQLite): "
          f"first call {first_s * 1000:.0f} ms (loads + builds), then {scan_s / END_TO_END_TEXTS * 1000:.2f} ms "
          f"per call ({END_TO_END_TEXTS / scan_s:,.0f} texts/s), of which the cache-key query is "
          f"{key_s * 1000:.2f} ms (median); {found} texts matched")


if __name__ == "__main__":
    common.setup_django()
    main()
