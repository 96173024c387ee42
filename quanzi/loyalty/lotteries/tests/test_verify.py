"""The draw algorithm (`verify.py`), with no database: the documented steps reimplemented here from the page's
description give the same winners; the choice is unbiased (rejection sampling) and uniform in practice; the
winners are distinct entries; a tampered document is caught; and the file runs on its own (a subprocess with no
Django and no quanzi on the path)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quanzi.loyalty.lotteries import verify

SEED = "00" * 31 + "2a"


def _by_the_book(seed_hex: str, numbers: list[int], k: int) -> list[int]:
    """The five steps exactly as the lottery page writes them, independently of verify.py's code."""
    pool = sorted(numbers)
    digest = hashlib.sha256(",".join(map(str, pool)).encode()).hexdigest()
    buf: list[int] = []
    block = [0]

    def word() -> int:
        if not buf:
            mac = hmac.new(bytes.fromhex(seed_hex), f"quanzi-lottery-v1:{digest}:{block[0]}".encode(),
                           hashlib.sha256).digest()
            block[0] += 1
            buf.extend(int.from_bytes(mac[i:i + 8], "big") for i in (24, 16, 8, 0))
        return buf.pop()

    def pick(n: int) -> int:
        while True:
            u = word()
            if u < 2**64 - (2**64 % n):
                return u % n

    for i in range(min(k, len(pool))):
        j = i + pick(len(pool) - i)
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:k]


def test_seed_hash_is_the_sha256_of_the_seed_bytes() -> None:
    assert verify.seed_hash("00" * 32) == "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925"


def test_entries_digest_is_order_free_and_documented() -> None:
    assert verify.entries_digest([5, 1, 2]) == hashlib.sha256(b"1,2,5").hexdigest()
    assert verify.entries_digest([]) == hashlib.sha256(b"").hexdigest()


def test_the_code_follows_the_documented_steps() -> None:
    numbers = list(range(1, 101))
    assert verify.draw(SEED, numbers, 10) == _by_the_book(SEED, numbers, 10)
    # pinned: a change of the algorithm must get a new name, not silently new winners
    assert verify.draw(SEED, [1, 2, 3, 4, 5, 6, 7, 8], 3) == [3, 6, 4]


def test_rejection_sampling_throws_away_the_biased_tail() -> None:
    n = 3
    limit = 2**64 - (2**64 % n)
    stream = iter([limit, limit + 1, 7])  # the first two would favour 0 and 1: skipped
    assert verify.choice_below(stream, n) == 7 % 3
    with pytest.raises(ValueError):
        verify.choice_below(iter([1]), 0)


def test_every_entry_wins_equally_often_over_many_seeds() -> None:
    numbers = [11, 22, 33, 44]
    wins: Counter[int] = Counter()
    for i in range(4000):
        seed = hashlib.sha256(f"seed-{i}".encode()).hexdigest()
        wins.update(verify.draw(seed, numbers, 1))
    # expected 1000 each; chi-square with 3 degrees of freedom below 16.27 (p = 0.001)
    chi2 = sum((wins[n] - 1000) ** 2 / 1000 for n in numbers)
    assert chi2 < 16.27, wins


@settings(max_examples=200, deadline=None)
@given(numbers=st.sets(st.integers(min_value=1, max_value=10**6), max_size=60), k=st.integers(0, 80),
       seed=st.binary(min_size=32, max_size=32))
def test_winners_are_distinct_entries_and_deterministic(numbers: set[int], k: int, seed: bytes) -> None:
    seed_hex = seed.hex()
    winners = verify.draw(seed_hex, list(numbers), k)
    assert len(winners) == min(k, len(numbers)) == len(set(winners))
    assert set(winners) <= numbers
    assert winners == verify.draw(seed_hex, sorted(numbers, reverse=True), k)  # input order does not matter


def test_assign_gives_tiers_in_order_and_stops_when_numbers_run_out() -> None:
    assert verify.assign([(1, 1), (2, 2)], [9, 8, 7, 6]) == [(1, 9), (2, 8), (2, 7)]
    assert verify.assign([(1, 1), (2, 5)], [9, 8]) == [(1, 9), (2, 8)]


def _doc() -> dict[str, object]:
    entries = [3, 5, 8, 13, 21, 34]
    winners = verify.assign([(1, 1), (2, 2)], verify.draw(SEED, entries, 3))
    return {"algorithm": verify.ALGORITHM, "seed": SEED, "seed_hash": verify.seed_hash(SEED), "entries": entries,
            "entries_digest": verify.entries_digest(entries),
            "prizes": [{"tier": 2, "count": 2}, {"tier": 1, "count": 1}],
            "winners": [{"tier": t, "number": n} for t, n in winners]}


def test_verify_accepts_the_truth_and_catches_each_kind_of_tampering() -> None:
    assert verify.verify(_doc()).ok
    doc = _doc()
    doc["winners"] = list(reversed(doc["winners"]))  # type: ignore[call-overload]
    assert not verify.verify(doc).winners_match
    doc = _doc()
    doc["seed_hash"] = "0" * 64
    assert not verify.verify(doc).seed_matches_hash
    doc = _doc()
    doc["entries"] = [3, 5, 8, 13, 21]
    v = verify.verify(doc)
    assert not v.digest_matches_entries and not v.ok
    doc = _doc()
    doc["seed"] = None
    with pytest.raises(ValueError):
        verify.verify(doc)


def test_the_verifier_runs_alone_as_a_script(tmp_path: Path) -> None:
    script = tmp_path / "verify.py"
    shutil.copy(verify.__file__, script)
    data = tmp_path / "lottery.json"
    data.write_text(json.dumps(_doc()), encoding="utf-8")
    env = {"PATH": os.environ.get("PATH", "")}  # no DJANGO_SETTINGS_MODULE, no PYTHONPATH: the file alone
    ok = subprocess.run([sys.executable, "-I", str(script), str(data)], capture_output=True, text=True, env=env,
                        cwd=tmp_path, check=False)
    assert ok.returncode == 0 and ok.stdout.strip().endswith("OK"), ok.stdout + ok.stderr
    bad = _doc()
    bad["winners"] = [{"tier": 1, "number": 3}]
    data.write_text(json.dumps(bad), encoding="utf-8")
    fail = subprocess.run([sys.executable, "-I", str(script), str(data)], capture_output=True, text=True, env=env,
                          cwd=tmp_path, check=False)
    assert fail.returncode == 1 and "MISMATCH" in fail.stdout
