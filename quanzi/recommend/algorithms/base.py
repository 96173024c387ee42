"""The contract every recommendation algorithm keeps, so the serving app and the offline evaluation use them alike.

An algorithm is fitted on a user × item matrix of implicit feedback (scipy CSR, float32 weights: higher = stronger
interest) and then scores rows of that shape: `score(X)` returns a dense float32 array (rows of X × all items),
higher = recommend first. Excluding already-seen items is the caller's job (evaluation masks the training items;
serving applies business filters). Nothing here imports Django.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import numpy as np
import scipy.sparse as sp


class Recommender(ABC):
    """fit(X) once, then score(rows of X) as often as needed."""

    name: str = ""

    def __init__(self, **params: Any) -> None:
        self.params = params

    @abstractmethod
    def fit(self, X: sp.csr_matrix) -> Recommender: ...

    @abstractmethod
    def score(self, X_users: sp.csr_matrix) -> np.ndarray: ...


class Popularity(Recommender):
    """Items ranked by how many users interacted with them: the non-personalised list and the fallback."""

    name = "popularity"

    def fit(self, X: sp.csr_matrix) -> Popularity:
        self.counts = np.asarray((X > 0).sum(axis=0), dtype=np.float32).ravel()
        return self

    def score(self, X_users: sp.csr_matrix) -> np.ndarray:
        return np.tile(self.counts, (X_users.shape[0], 1))


class ItemKNN(Recommender):
    """Item-based collaborative filtering: cosine similarity between item columns, k nearest kept per item."""

    name = "itemknn"

    def fit(self, X: sp.csr_matrix) -> ItemKNN:
        k = int(self.params.get("k", 100))
        Xb = sp.csr_matrix(X, dtype=np.float32)
        norms = np.sqrt(np.asarray(Xb.multiply(Xb).sum(axis=0)).ravel()) + 1e-9
        Xn = Xb @ sp.diags(1.0 / norms)
        sim = (Xn.T @ Xn).tocsr()
        sim.setdiag(0)
        sim.eliminate_zeros()
        self.similarity = _top_k_per_row(sim, k)
        return self

    def score(self, X_users: sp.csr_matrix) -> np.ndarray:
        return np.asarray((X_users @ self.similarity).todense(), dtype=np.float32)


def _top_k_per_row(m: sp.csr_matrix, k: int) -> sp.csr_matrix:
    rows, cols, vals = [], [], []
    for i in range(m.shape[0]):
        start, end = m.indptr[i], m.indptr[i + 1]
        if end == start:
            continue
        data, idx = m.data[start:end], m.indices[start:end]
        keep = np.argsort(-data)[:k]
        rows.append(np.full(len(keep), i))
        cols.append(idx[keep])
        vals.append(data[keep])
    if not rows:
        return sp.csr_matrix(m.shape, dtype=np.float32)
    return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=m.shape,
                         dtype=np.float32)
