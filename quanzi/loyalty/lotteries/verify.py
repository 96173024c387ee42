"""Recompute a quanzi lottery's winners from its published data alone. Pure Python (standard library only, no
Django, no quanzi import): copy this one file anywhere and run it.

    python verify.py lottery-12.json        # the file /lotteries/12/data.json serves

The draw, `quanzi-lottery-v1`, step by step:

1. **Commit.** When the lottery is created the platform draws a secret 32-byte seed (`secrets.token_bytes`) and
   publishes its SHA-256, `seed_hash`, on the lottery's page. Nobody — not the organiser, not the operators in
   the back office — sees the seed before the draw.
2. **Entries.** Every valid entry is a lucky number (an integer). At the draw the list of valid numbers is
   sorted ascending and hashed: `entries_digest = SHA-256("n1,n2,n3,...")` (decimal, comma-separated, no
   spaces; the empty list hashes the empty string).
3. **Random stream.** Block `i` (i = 0, 1, 2, ...) is
   `HMAC-SHA256(key=seed, message="quanzi-lottery-v1:<entries_digest>:<i>")`; each 32-byte block is read as
   four big-endian unsigned 64-bit words, used in order.
4. **Unbiased choice.** To pick a number below `n`, take the next word `u`; if `u >= 2^64 - (2^64 mod n)` it is
   thrown away and the next word is taken (rejection sampling, so every choice is exactly uniform); else the
   choice is `u mod n`.
5. **Shuffle.** Partial Fisher–Yates over the sorted numbers: for `i` = 0 .. k-1, `j = i + choice(n - i)`,
   swap positions `i` and `j`. The first `k` numbers are the winners in drawing order, where `k` is the total
   number of prizes (or `n` when there are fewer entries).
6. **Prizes.** Tier 1's `count` prizes go to the first winners, then tier 2's, and so on.
7. **Reveal.** After the draw the seed is published: anyone checks `SHA-256(seed) == seed_hash` (the seed was
   fixed before the entries closed) and reruns steps 2–6.

Since the seed was committed before anyone could know the final entry list, and the entry list is an input of
the stream, neither the platform nor an entrant can steer the outcome: changing an entry changes every word.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

ALGORITHM = "quanzi-lottery-v1"
_WORD = 1 << 64


def seed_hash(seed_hex: str) -> str:
    """SHA-256 of the seed's 32 bytes, hex: what the page publishes before the entries close."""
    return hashlib.sha256(bytes.fromhex(seed_hex)).hexdigest()


def entries_digest(numbers: Sequence[int]) -> str:
    """SHA-256 of the sorted valid numbers, written "1,2,5" (decimal, comma-separated)."""
    text = ",".join(str(n) for n in sorted(numbers))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def words(seed_hex: str, digest: str) -> Iterator[int]:
    """The stream of unsigned 64-bit words: HMAC-SHA256(seed, "<algorithm>:<digest>:<block>") in counter mode."""
    key = bytes.fromhex(seed_hex)
    block = 0
    while True:
        mac = hmac.new(key, f"{ALGORITHM}:{digest}:{block}".encode("ascii"), hashlib.sha256).digest()
        for i in range(0, 32, 8):
            yield int.from_bytes(mac[i:i + 8], "big")
        block += 1


def choice_below(stream: Iterator[int], n: int) -> int:
    """A uniform integer in [0, n) from the stream, by rejection sampling (no modulo bias)."""
    if n <= 0:
        raise ValueError("n must be positive")
    limit = _WORD - (_WORD % n)
    while True:
        u = next(stream)
        if u < limit:
            return u % n


def draw(seed_hex: str, numbers: Sequence[int], k: int) -> list[int]:
    """The first `k` winners (fewer when there are fewer numbers), in drawing order."""
    pool = sorted(numbers)
    if len(set(pool)) != len(pool):
        raise ValueError("lucky numbers must be distinct")
    stream = words(seed_hex, entries_digest(pool))
    n = len(pool)
    k = min(k, n)
    for i in range(k):
        j = i + choice_below(stream, n - i)
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:k]


def assign(prize_counts: Sequence[tuple[int, int]], winners: Sequence[int]) -> list[tuple[int, int]]:
    """[(tier, number)]: tier 1's prizes to the first winners, then tier 2's ... (`prize_counts` = [(tier, count)]
    in tier order)."""
    out: list[tuple[int, int]] = []
    it = iter(winners)
    for tier, count in prize_counts:
        for _ in range(count):
            number = next(it, None)
            if number is None:
                return out
            out.append((tier, number))
    return out


@dataclass(frozen=True)
class Verdict:
    ok: bool
    seed_matches_hash: bool
    digest_matches_entries: bool
    winners_match: bool
    recomputed: list[tuple[int, int]]

    def explain(self) -> str:
        lines = [
            f"seed matches the published hash: {'yes' if self.seed_matches_hash else 'NO'}",
            f"entries digest matches the entry list: {'yes' if self.digest_matches_entries else 'NO'}",
            f"winners match the recomputation: {'yes' if self.winners_match else 'NO'}",
            "recomputed winners (tier, number): " + ", ".join(f"({t}, {n})" for t, n in self.recomputed),
        ]
        return "\n".join(lines)


def recompute(doc: dict[str, Any]) -> list[tuple[int, int]]:
    """The winners [(tier, number)] a published document implies: its seed, entries and prize counts."""
    if doc.get("algorithm") != ALGORITHM:
        raise ValueError(f"unknown algorithm {doc.get('algorithm')!r}")
    if not doc.get("seed"):
        raise ValueError("the seed is published after the draw only")
    counts = [(int(p["tier"]), int(p["count"])) for p in sorted(doc["prizes"], key=lambda p: int(p["tier"]))]
    numbers = [int(n) for n in doc["entries"]]
    return assign(counts, draw(doc["seed"], numbers, sum(c for _t, c in counts)))


def verify(doc: dict[str, Any]) -> Verdict:
    """Check a published lottery document: the seed against its hash, the digest against the entries, and the
    published winners against a recomputation."""
    recomputed = recompute(doc)
    published = [(int(w["tier"]), int(w["number"])) for w in doc.get("winners", [])]
    seed_ok = seed_hash(doc["seed"]) == doc.get("seed_hash")
    digest_ok = entries_digest([int(n) for n in doc["entries"]]) == doc.get("entries_digest")
    winners_ok = published == recomputed
    return Verdict(ok=seed_ok and digest_ok and winners_ok, seed_matches_hash=seed_ok,
                   digest_matches_entries=digest_ok, winners_match=winners_ok, recomputed=recomputed)


def main(argv: Sequence[str]) -> int:
    if len(argv) != 2:
        print("usage: python verify.py lottery.json", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as fh:
        verdict = verify(json.load(fh))
    print(verdict.explain())
    print("OK" if verdict.ok else "MISMATCH")
    return 0 if verdict.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
