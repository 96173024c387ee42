"""Offline recommendation benchmark on the public Gowalla split (or any LightGCN-format directory).

    .venv/bin/python bench/recommend.py [DIR] [--model gfcf] [--params '{"alpha": ...}'] [--no-valid]
    .venv/bin/python bench/recommend.py --social [LASTFM_DIR]

The published protocol (quanzi.recommend.evaluation): rank all items but the user's training items, Recall@20
and NDCG@20 over the test users; the valid figure is fit on train, the test figure refit on train + valid.
Popularity is measured in the same run as the ratio baseline, the published rows are printed beside ours, and
the last line is `recommend: dataset=NAME recall@20=X ndcg@20=Y train_s=S peak_mb=M`.

`--social` runs the LastFM check instead: the same model with and without the friends signal
(the blend weight chosen on a hold-out of train), both test figures printed; last line
`recommend-social: dataset=NAME model=M recall@20_without=X recall@20_with=Y weight=W`.

Bounded: GF-CF on Gowalla takes a few minutes on 2 idle cores (fit ~1 min, scoring 30k users in batches of
1,000); no data leaves ../shared/data and nothing is written. No Django needed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quanzi.recommend.algorithms import DEFAULT_MODEL, DEFAULT_PARAMS, REGISTRY  # noqa: E402
from quanzi.recommend.datasets import DEFAULT_DATA_ROOT, load  # noqa: E402
from quanzi.recommend.evaluation import report, social_check  # noqa: E402


def social(data: str, model: str, params: dict) -> int:
    started = time.perf_counter()
    split = load(data)
    name = Path(data).resolve().name
    print(f"dataset {name}: {split.n_users} users, {split.n_items} items, train {split.train.nnz}, "
          f"test {split.test.nnz}, friendships {split.friends.nnz // 2 if split.friends is not None else 0}")
    check = social_check(split, model, params, log=lambda line: print(line, flush=True))
    print(f"{model} without friends: test recall@20={check.without.recall:.4f} ndcg@20={check.without.ndcg:.4f}")
    print(f"{model} + friends (weight {check.weight}): test recall@20={check.with_friends.recall:.4f} "
          f"ndcg@20={check.with_friends.ndcg:.4f}")
    print(f"total {time.perf_counter() - started:.0f} s")
    print(f"recommend-social: dataset={name} model={model} recall@20_without={check.without.recall:.4f} "
          f"recall@20_with={check.with_friends.recall:.4f} weight={check.weight}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="?", default=None, help="data directory (default ../shared/data/gowalla)")
    parser.add_argument("--model", default=DEFAULT_MODEL, choices=sorted(REGISTRY))
    parser.add_argument("--params", default=None, help="JSON object of model params (default: the tuned ones)")
    parser.add_argument("--no-valid", action="store_true", help="skip the valid figure (test only, faster)")
    parser.add_argument("--batch", type=int, default=1000, help="users scored per batch")
    parser.add_argument("--social", action="store_true", help="the LastFM friends-signal check instead")
    args = parser.parse_args()
    if args.social:
        return social(args.data or str(DEFAULT_DATA_ROOT / "lastfm_social"), args.model,
                      json.loads(args.params) if args.params else DEFAULT_PARAMS.get(args.model, {}))
    params = json.loads(args.params) if args.params else DEFAULT_PARAMS.get(args.model, {})
    data = args.data or str(DEFAULT_DATA_ROOT / "gowalla")
    report(data, args.model, params, with_valid=not args.no_valid, batch_size=args.batch,
           write=lambda line: print(line, flush=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
