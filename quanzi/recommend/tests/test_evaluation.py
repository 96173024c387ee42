"""The evaluation maths against hand-computed figures, the readers, and the hold-out split."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

from quanzi.recommend.algorithms.base import Recommender
from quanzi.recommend.datasets import load, load_lastfm_social, load_lightgcn
from quanzi.recommend.evaluation import evaluate, holdout_split, recall_ndcg, top_k


def csr(rows: list[list[int]], n_items: int) -> sp.csr_matrix:
    data = [(u, i) for u, items in enumerate(rows) for i in items]
    u, i = zip(*data, strict=True) if data else ((), ())
    return sp.csr_matrix((np.ones(len(u), np.float32), (u, i)), shape=(len(rows), n_items))


def test_recall_and_ndcg_hand_computed() -> None:
    ranked = np.array([[3, 0, 1], [0, 1, 3], [0, 5, 1], [2, 4, 0]])
    truth = csr([[1, 3], [2], [0, 1, 2, 3], []], 6)
    recall, ndcg = recall_ndcg(ranked, truth, 3)
    # user 0: hits at ranks 1 and 3 of 2 test items; DCG = 1/log2(2) + 1/log2(4) = 1.5, IDCG = 1 + 1/log2(3)
    assert recall[0] == pytest.approx(1.0)
    assert ndcg[0] == pytest.approx(1.5 / (1 + 1 / math.log2(3)))
    # user 1: no hit
    assert recall[1] == 0 and ndcg[1] == 0
    # user 2: 2 hits of 4 test items; IDCG over min(4, 3) = 3 places: 1 + 1/log2(3) + 1/log2(4)
    assert recall[2] == pytest.approx(0.5)
    assert ndcg[2] == pytest.approx(1.5 / (1 + 1 / math.log2(3) + 0.5))
    # user 3 has no test items: left out (NaN), not counted as 0
    assert math.isnan(recall[3]) and math.isnan(ndcg[3])


def test_top_k_never_returns_training_items_and_orders_best_first() -> None:
    scores = np.array([[0.9, 0.8, 0.7, 0.1, 0.5]], dtype=np.float32)
    exclude = csr([[0, 2]], 5)
    assert top_k(scores, exclude, 3).tolist() == [[1, 4, 3]]
    assert scores[0, 0] == pytest.approx(0.9)  # the caller's scores are not modified


class FixedScores(Recommender):
    """Scores = a fixed vector for every row (so the ranking only differs by the masked training items)."""

    name = "fixed"

    def fit(self, X: sp.csr_matrix) -> FixedScores:
        return self

    def score(self, X_users: sp.csr_matrix) -> np.ndarray:
        return np.tile(np.array(self.params["scores"], np.float32), (X_users.shape[0], 1))


def test_evaluate_end_to_end_hand_computed() -> None:
    # items ranked 0 > 1 > 2 > 3 > 4 > 5; k = 2
    model = FixedScores(scores=[6, 5, 4, 3, 2, 1])
    train = csr([[0], [1, 2], [], [3]], 6)
    test = csr([[1, 4], [0], [5], []], 6)
    result = evaluate(model, train, test, k=2, batch_size=2)
    # user 0: top-2 without item 0 = [1, 2]: 1 hit of 2, DCG 1, IDCG 1 + 1/log2(3)
    # user 1: top-2 without 1, 2 = [0, 3]: 1 hit of 1 at rank 1 -> recall 1, ndcg 1
    # user 2: top-2 = [0, 1]: no hit; user 3 has no test item (not counted)
    assert result.users == 3
    assert result.recall == pytest.approx((0.5 + 1 + 0) / 3)
    assert result.ndcg == pytest.approx((1 / (1 + 1 / math.log2(3)) + 1 + 0) / 3)


def test_holdout_split_partitions_and_keeps_single_interactions() -> None:
    X = sp.lil_matrix(sp.random(50, 40, density=0.2, format="csr", random_state=1, dtype=np.float32))
    X[7] = 0
    X[7, 3] = 1
    X = sp.csr_matrix(X)
    X.data[:] = 1
    fit, held = holdout_split(X, 0.3, seed=2)
    assert (fit + held - X).nnz == 0
    assert fit.multiply(held).nnz == 0
    assert held.nnz > 0 and held[7].nnz == 0


def test_lightgcn_reader(tmp_path) -> None:
    (tmp_path / "train.txt").write_text("0 0 1 2\n1 2\n2\n")
    (tmp_path / "valid.txt").write_text("0 3\n")
    (tmp_path / "test.txt").write_text("0 4\n1 0 1\n")
    split = load(tmp_path)
    assert (split.n_users, split.n_items) == (3, 5)
    assert split.train[0].indices.tolist() == [0, 1, 2] and split.train[2].nnz == 0
    assert split.train_valid()[0].indices.tolist() == [0, 1, 2, 3]
    assert split.test[1].indices.tolist() == [0, 1]
    (tmp_path / "test.txt").write_text("0 x\n")
    with pytest.raises(ValueError, match="test.txt:1"):
        load_lightgcn(tmp_path)


def test_lastfm_reader_makes_friends_symmetric(tmp_path) -> None:
    (tmp_path / "train.tsv").write_text("0\t1\t10\n1\t2\t3.2e+05\n")
    (tmp_path / "test.tsv").write_text("2\t0\t1\n")
    (tmp_path / "trust.tsv").write_text("0\t2\n")
    split = load(tmp_path)
    assert split.friends is not None
    assert split.friends[0, 2] == 1 and split.friends[2, 0] == 1 and split.friends[0, 1] == 0
    assert split.valid.nnz == 0 and split.train.nnz == 2
    assert split.weights is not None and split.weights[1, 2] == pytest.approx(3.2e5)
    assert load_lastfm_social(tmp_path).test[2].indices.tolist() == [0]


def write_lightgcn(directory, n_users: int = 60, n_items: int = 80) -> None:
    """Two taste groups, every user with 6 train, 1 valid, 2 test items from their group."""
    rng = np.random.default_rng(0)
    parts: dict[str, list[str]] = {"train": [], "valid": [], "test": []}
    for user in range(n_users):
        group = range(0, n_items // 2) if user % 2 else range(n_items // 2, n_items)
        items = rng.choice(list(group), size=9, replace=False)
        for part, chosen in (("train", items[:6]), ("valid", items[6:7]), ("test", items[7:])):
            parts[part].append(" ".join(str(x) for x in (user, *chosen)))
    for part, lines in parts.items():
        (directory / f"{part}.txt").write_text("\n".join(lines) + "\n")


def test_evaluate_command_prints_published_protocol_and_summary_line(tmp_path) -> None:
    import io

    from django.core.management import call_command

    write_lightgcn(tmp_path)
    out = io.StringIO()
    call_command("recommend", "evaluate", "--data", str(tmp_path), "--model", "gfcf", "--params", '{"factors": 4}',
                 stdout=out)
    lines = out.getvalue().strip().splitlines()
    popularity = next(line for line in lines if line.startswith("popularity (ours)"))
    assert any("gfcf on valid" in line for line in lines)
    last = lines[-1]
    assert last.startswith(f"recommend: dataset={tmp_path.name} recall@20=")
    recall = float(last.split("recall@20=")[1].split()[0])
    # two clean taste groups: the graph filter ranks the user's group first, popularity mixes both groups
    assert recall > float(popularity.split()[2]) + 0.1
    assert all(key in last for key in ("ndcg@20=", "train_s=", "peak_mb="))


def test_evaluate_command_refuses_bad_input(tmp_path) -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="train.txt"):
        call_command("recommend", "evaluate", "--data", str(tmp_path))
    with pytest.raises(CommandError, match="unknown model"):
        call_command("recommend", "evaluate", "--data", str(tmp_path), "--model", "nope")
    with pytest.raises(CommandError, match="JSON"):
        call_command("recommend", "evaluate", "--data", str(tmp_path), "--params", "{oops")
