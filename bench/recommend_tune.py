"""Tune the graph filters (GF-CF / BSPM) on train -> valid, the way bench/recommend.py's defaults were chosen.

    .venv/bin/python bench/recommend_tune.py [DIR] [--users 5000] [--batch 500]

BSPM's output is a polynomial in the linear filter L applied to (r L + beta * ideal): Euler sharpening is
y - T L y, one RK4 step is y - T L y + T^2/2 L^2 y - T^3/6 L^3 y + T^4/24 L^4 y. So per batch of users this
computes L^j (r L) and L^j ideal for j = 0..4 once, and every (factors, beta, solver, T) of the grid is then a
cheap weighted sum: the whole grid costs about ten applications of L instead of ten per point. Validation
users are a seeded sample (`--users`) so the run stays bounded on a shared 2-core machine.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quanzi.recommend.algorithms.graph_filters import GraphFilter  # noqa: E402
from quanzi.recommend.datasets import DEFAULT_DATA_ROOT, load_lightgcn  # noqa: E402
from quanzi.recommend.evaluation import recall_ndcg, top_k  # noqa: E402

FACTORS = (256, 448)
BETAS = (0.1, 0.2, 0.3)
SHARPEN = [("none", 0.0)] + [("euler", t) for t in (0.25, 0.5)] + [("rk4", t) for t in (0.5, 1.0, 2.5)]


def coefficients(solver: str, t: float) -> list[float]:
    if solver == "none":
        return [1.0]
    if solver == "euler":
        return [1.0, -t]
    return [1.0, -t, t**2 / 2, -(t**3) / 6, t**4 / 24]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data", nargs="?", default=str(DEFAULT_DATA_ROOT / "gowalla"))
    parser.add_argument("--users", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--factors", default=",".join(map(str, FACTORS)), help="comma-separated k of the ideal filter")
    args = parser.parse_args()
    factors = tuple(int(k) for k in args.factors.split(","))
    split = load_lightgcn(args.data)
    rng = np.random.default_rng(0)
    candidates = np.flatnonzero(np.diff(split.valid.indptr) > 0)
    users = np.sort(rng.choice(candidates, size=min(args.users, len(candidates)), replace=False))
    started = time.perf_counter()
    model = GraphFilter(factors=max(factors), ideal_weight=1.0).fit(split.train)
    print(f"fit (SVD k={max(factors)}) {time.perf_counter() - started:.0f} s", flush=True)
    grid = list(itertools.product(factors, BETAS, SHARPEN))
    recalls: dict[tuple, list[np.ndarray]] = {g: [] for g in grid}
    ndcgs: dict[tuple, list[np.ndarray]] = {g: [] for g in grid}
    for start in range(0, len(users), args.batch):
        batch = users[start:start + args.batch]
        rows = split.train[batch]
        yt = np.zeros((rows.shape[1], rows.shape[0]), np.float32)
        yt[rows.indices, np.repeat(np.arange(rows.shape[0]), np.diff(rows.indptr))] = rows.data
        blur = [model._linear(yt)]
        del yt
        for _ in range(4):
            blur.append(model._linear(blur[-1]))
        low = rows @ model.ideal_left  # users × max k; ideal with k factors uses the first k columns
        ideal_powers = {}
        for k in factors:
            ideal = [model.ideal_right[:, :k] @ np.ascontiguousarray(low[:, :k].T)]
            for _ in range(4):
                ideal.append(model._linear(ideal[-1]))
            ideal_powers[k] = ideal
        for (k, beta, (solver, t)) in grid:
            coef = coefficients(solver, t)
            out = sum(c * (blur[j] + beta * ideal_powers[k][j]) for j, c in enumerate(coef))
            recall, ndcg = recall_ndcg(top_k(out.T, rows, 20), split.valid[batch], 20)
            recalls[(k, beta, (solver, t))].append(recall)
            ndcgs[(k, beta, (solver, t))].append(ndcg)
        print(f"  {start + len(batch)}/{len(users)} users, {time.perf_counter() - started:.0f} s", flush=True)
    rows_out = []
    for g in grid:
        r, n = np.concatenate(recalls[g]), np.concatenate(ndcgs[g])
        rows_out.append((float(np.nanmean(r)), float(np.nanmean(n)), g))
    rows_out.sort(reverse=True)
    print("valid recall@20 ndcg@20  factors beta sharpen")
    for mean_recall, mean_ndcg, (k, beta, (solver, t)) in rows_out:
        print(f"{mean_recall:.4f} {mean_ndcg:.4f}  {k} {beta} {solver} {t}")


if __name__ == "__main__":
    main()
