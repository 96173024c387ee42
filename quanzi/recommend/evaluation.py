"""Offline evaluation, the published protocol (LightGCN, He et al. SIGIR 2020; NGCF's Gowalla split):

- every item is a candidate except the user's training items (masked to -inf before ranking);
- Recall@K = hits in the top K / number of the user's test items;
- NDCG@K = DCG / IDCG, DCG = sum over the top K of rel / log2(rank + 1) (rank from 1), IDCG the same for
  min(|test items|, K) hits in the first places (LightGCN's `NDCGatK_r`);
- both averaged over the users with at least one test item.

Scores are computed in batches of users so memory stays bounded (a batch of 1,000 Gowalla users is 164 MB of
float32 scores). No Django here: the management command and bench/recommend.py call these functions.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from quanzi.recommend.algorithms.base import Recommender
from quanzi.recommend.datasets import Split, load

K_DEFAULT = 20


@dataclass
class Result:
    recall: float
    ndcg: float
    users: int
    seconds: float


def top_k(scores: np.ndarray, exclude: sp.csr_matrix, k: int) -> np.ndarray:
    """Indices of the k best items per row (best first), the items of `exclude` (same rows) never chosen."""
    scores = np.array(scores, dtype=np.float32, copy=True)  # masked in place: never the caller's array
    rows = np.repeat(np.arange(exclude.shape[0]), np.diff(exclude.indptr))
    scores[rows, exclude.indices] = -np.inf
    k = min(k, scores.shape[1])
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def recall_ndcg(ranked: np.ndarray, truth: sp.csr_matrix, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-row Recall@k and NDCG@k of ranked item lists (rows × ≥k) against the test items `truth` (same rows).
    Rows without test items give NaN (they are left out of the averages)."""
    ranked = ranked[:, :k]
    truth = sp.csr_matrix(truth)
    n_true = np.diff(truth.indptr)
    hits = np.zeros(ranked.shape, dtype=bool)
    for row in range(ranked.shape[0]):
        items = truth.indices[truth.indptr[row]:truth.indptr[row + 1]]
        hits[row] = np.isin(ranked[row], items)
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    dcg = (hits * discounts).sum(axis=1)
    ideal_hits = np.minimum(n_true, k)
    idcg = np.concatenate([[0.0], np.cumsum(discounts)])[ideal_hits]
    with np.errstate(divide="ignore", invalid="ignore"):
        recall = np.where(n_true > 0, hits.sum(axis=1) / n_true, np.nan)
        ndcg = np.where(n_true > 0, dcg / idcg, np.nan)
    return recall, ndcg


Scorer = Callable[[np.ndarray, sp.csr_matrix], np.ndarray]  # (user ids of the batch, their train rows) -> scores


def evaluate(model: Recommender | Scorer, train: sp.csr_matrix, test: sp.csr_matrix, *, k: int = K_DEFAULT,
             batch_size: int = 1000, users: np.ndarray | None = None) -> Result:
    """Score every user with test items (from their `train` row), rank all items but the training ones.
    `model` is a fitted Recommender or a scorer function that also gets the user ids (the social blend)."""
    scorer: Scorer
    if isinstance(model, Recommender):
        fitted = model

        def by_rows(_users: np.ndarray, rows: sp.csr_matrix) -> np.ndarray:
            return fitted.score(rows)

        scorer = by_rows
    else:
        scorer = model
    started = time.perf_counter()
    train, test = sp.csr_matrix(train), sp.csr_matrix(test)
    if users is None:
        users = np.flatnonzero(np.diff(test.indptr) > 0)
    recalls, ndcgs = [], []
    for start in range(0, len(users), batch_size):
        batch = users[start:start + batch_size]
        rows = train[batch]
        ranked = top_k(scorer(batch, rows), rows, k)
        recall, ndcg = recall_ndcg(ranked, test[batch], k)
        recalls.append(recall)
        ndcgs.append(ndcg)
    recall_all, ndcg_all = np.concatenate(recalls or [np.empty(0)]), np.concatenate(ndcgs or [np.empty(0)])
    counted = ~np.isnan(recall_all)
    return Result(recall=float(recall_all[counted].mean()) if counted.any() else 0.0,
                  ndcg=float(ndcg_all[counted].mean()) if counted.any() else 0.0,
                  users=int(counted.sum()), seconds=time.perf_counter() - started)


def holdout_split(X: sp.csr_matrix, fraction: float = 0.2, seed: int = 0) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Split each user's interactions at random into (fit, held-out), for data sets without a validation file.
    Users with a single interaction keep it in `fit`."""
    X = sp.csr_matrix(X, dtype=np.float32)
    coo = X.tocoo()
    rng = np.random.default_rng(seed)
    held = rng.random(coo.nnz) < fraction
    counts = np.diff(X.indptr)
    held &= counts[coo.row] > 1
    shape = X.shape
    fit = sp.csr_matrix((coo.data[~held], (coo.row[~held], coo.col[~held])), shape=shape)
    out = sp.csr_matrix((coo.data[held], (coo.row[held], coo.col[held])), shape=shape)
    return fit, out


@contextmanager
def peak_memory() -> Iterator[dict[str, float]]:
    """Peak resident memory (MB) of this process while the block runs, sampled every 20 ms (psutil), so each
    phase gets its own figure rather than the process-lifetime maximum of ru_maxrss."""
    import psutil

    process = psutil.Process()
    box = {"peak_mb": process.memory_info().rss / 2**20}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            box["peak_mb"] = max(box["peak_mb"], process.memory_info().rss / 2**20)
            done.wait(0.02)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield box
    finally:
        done.set()
        thread.join()
        box["peak_mb"] = max(box["peak_mb"], process.memory_info().rss / 2**20)


# Published Recall@20 / NDCG@20 on the Gowalla split (../shared/data/README.md: LightGCN paper, BARS, Open-CF)
PUBLISHED: dict[str, list[tuple[str, float, float]]] = {
    "gowalla": [
        ("ItemKNN", 0.1570, 0.1214), ("NGCF", 0.1570, 0.1327), ("MF-BPR", 0.1627, 0.1378),
        ("Mult-VAE", 0.1641, 0.1335), ("SLIM", 0.1699, 0.1382), ("EASE", 0.1765, 0.1467),
        ("LightGCN", 0.1830, 0.1554), ("UltraGCN", 0.1862, 0.1580), ("SimpleX", 0.1872, 0.1557),
    ],
}


@dataclass
class Run:
    """One model through the protocol: valid (fit on train) when the data set has a validation file, then test
    (fit again on train + valid). train_s is the fit on train + valid; peak_mb the process peak during it and
    the test scoring."""

    model: str
    params: dict
    valid: Result | None
    test: Result
    train_s: float
    peak_mb: float


def run_protocol(split: Split, model_name: str, params: dict | None = None, *, k: int = K_DEFAULT,
                 batch_size: int = 1000, with_valid: bool = True,
                 log: Callable[[str], None] | None = None) -> Run:
    """Fit on train -> score valid (tuning figure); refit on train + valid -> score test (the reported figure)."""
    from quanzi.recommend.algorithms import build

    params = dict(params or {})
    valid = None
    if with_valid and split.valid.nnz:
        model = build(model_name, **params).fit(split.train)
        valid = evaluate(model, split.train, split.valid, k=k, batch_size=batch_size)
        del model
        if log:
            log(f"  {model_name} valid recall@{k}={valid.recall:.4f} ndcg@{k}={valid.ndcg:.4f} ({valid.seconds:.0f} s)")
    train_valid = split.train_valid()
    with peak_memory() as memory:
        started = time.perf_counter()
        model = build(model_name, **params).fit(train_valid)
        train_s = time.perf_counter() - started
        test = evaluate(model, train_valid, split.test, k=k, batch_size=batch_size)
    if log:
        log(f"  {model_name} test  recall@{k}={test.recall:.4f} ndcg@{k}={test.ndcg:.4f} "
            f"(train {train_s:.1f} s, scoring {test.seconds:.0f} s, peak {memory['peak_mb']:.0f} MB)")
    return Run(model=model_name, params=params, valid=valid, test=test, train_s=train_s, peak_mb=memory["peak_mb"])


def published_rows(dataset: str) -> list[tuple[str, float, float]]:
    return PUBLISHED.get(dataset.lower(), [])


def summary_line(dataset: str, run: Run) -> str:
    """The one line the issue names, last line of the command and of bench/recommend.py."""
    return (f"recommend: dataset={dataset} recall@20={run.test.recall:.4f} ndcg@20={run.test.ndcg:.4f} "
            f"train_s={run.train_s:.1f} peak_mb={run.peak_mb:.0f}")


def report(data_dir: str, model_name: str, params: dict | None = None, *, write: Callable[[str], None] = print,
           with_valid: bool = True, batch_size: int = 1000) -> Run:
    """The whole offline evaluation of `quanzi recommend evaluate` and bench/recommend.py: Popularity (the
    baseline, measured in the same run) and the model through the protocol, the published rows beside ours
    (ratio = Recall@20 / Popularity's), and the summary line last."""
    started = time.perf_counter()
    split = load(data_dir)
    name = Path(data_dir).resolve().name
    write(f"dataset {name}: {split.n_users} users, {split.n_items} items, train {split.train.nnz}, "
          f"valid {split.valid.nnz}, test {split.test.nnz} interactions (loaded in {time.perf_counter() - started:.1f} s)")
    baseline = run_protocol(split, "popularity", with_valid=False, batch_size=batch_size, log=write)
    run = run_protocol(split, model_name, params, with_valid=with_valid, batch_size=batch_size, log=write)
    base = baseline.test.recall or float("nan")
    write("")
    write(f"{'model':<28} {'recall@20':>9} {'ndcg@20':>8} {'x popularity':>12}")
    for label, recall, ndcg in published_rows(name):
        write(f"{label + ' (published)':<28} {recall:>9.4f} {ndcg:>8.4f} {recall / base:>12.2f}")
    write(f"{'popularity (ours)':<28} {baseline.test.recall:>9.4f} {baseline.test.ndcg:>8.4f} {1.0:>12.2f}")
    label = f"{model_name} (ours)"
    write(f"{label:<28} {run.test.recall:>9.4f} {run.test.ndcg:>8.4f} {run.test.recall / base:>12.2f}")
    if run.valid is not None:
        write(f"{model_name} on valid (fit on train): recall@20={run.valid.recall:.4f} ndcg@20={run.valid.ndcg:.4f}")
    write(f"total {time.perf_counter() - started:.0f} s")
    write(summary_line(name, run))
    return run


@dataclass
class SocialCheck:
    model: str
    weight: float  # chosen on the hold-out carved from train
    holdout: dict[float, Result]  # weight -> hold-out figure (the tuning)
    without: Result  # test, weight 0
    with_friends: Result  # test, chosen weight


def social_check(split: Split, model_name: str, params: dict | None = None,
                 weights: tuple[float, ...] = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0), *, holdout_fraction: float = 0.2,
                 log: Callable[[str], None] | None = None) -> SocialCheck:
    """The same model with and without the friends signal (algorithms.social_blend). The data set has no
    validation file, so the blend weight is chosen on a seeded hold-out of train (model fit on the rest), then
    the model is refit on all of train and test is scored at weight 0 and at the chosen weight."""
    from quanzi.recommend.algorithms import build, social_blend

    if split.friends is None:
        raise ValueError(f"{split.name}: no friend graph (trust.tsv)")
    friends = split.friends

    def blended(model: Recommender, interactions: sp.csr_matrix, weight: float) -> Scorer:
        def scorer(users: np.ndarray, rows: sp.csr_matrix) -> np.ndarray:
            return social_blend(model.score(rows), users, friends, interactions, weight)
        return scorer

    fit_part, held = holdout_split(split.train, holdout_fraction)
    model = build(model_name, **(params or {})).fit(fit_part)
    holdout = {w: evaluate(blended(model, fit_part, w), fit_part, held) for w in weights}
    if log:
        for w, result in holdout.items():
            log(f"  hold-out weight={w:<5} recall@20={result.recall:.4f} ndcg@20={result.ndcg:.4f}")
    best = max(weights, key=lambda w: holdout[w].recall)
    model = build(model_name, **(params or {})).fit(split.train)
    without = evaluate(blended(model, split.train, 0.0), split.train, split.test)
    with_friends = evaluate(blended(model, split.train, best), split.train, split.test)
    return SocialCheck(model=model_name, weight=best, holdout=holdout, without=without, with_friends=with_friends)
