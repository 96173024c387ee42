"""Item-item models beyond ItemKNN: RP3beta (Paudel et al. 2017, as in Dacrema et al.'s baselines) and EASE
(Steck, WWW 2019). Both give an item × item matrix W and score r W.

EASE needs the dense item Gram matrix and its inverse: items² float32 bytes (Gowalla's 40,981 items: 6.7 GB for
one copy, and the inversion needs a second one; O(items³) ≈ 7e13 flops, tens of minutes on 2 cores). So EASE
refuses data sets above `max_items` (default 20,000: 1.6 GB per copy) instead of swapping the machine; see
docs/notes/recommend_models.md for the measurement and the argument.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as la
import scipy.sparse as sp

from quanzi.recommend.algorithms.base import Recommender, _top_k_per_row


class RP3beta(Recommender):
    """Three-step random walk item -> user -> item, transition probabilities raised to alpha, divided by the
    target item's popularity^beta; top-k neighbours per item kept. Params: alpha, beta, k."""

    name = "rp3beta"

    def fit(self, X: sp.csr_matrix) -> RP3beta:
        alpha = float(self.params.get("alpha", 1.0))
        beta = float(self.params.get("beta", 0.5))
        k = int(self.params.get("k", 200))
        X = sp.csr_matrix(X, dtype=np.float32)
        user_deg = np.asarray(X.sum(axis=1)).ravel()
        item_deg = np.asarray(X.sum(axis=0)).ravel()
        with np.errstate(divide="ignore"):
            user_inv = np.where(user_deg > 0, 1.0 / user_deg, 0.0).astype(np.float32)
            item_inv = np.where(item_deg > 0, 1.0 / item_deg, 0.0).astype(np.float32)
        p_ui = sp.csr_matrix(sp.diags(user_inv) @ X)  # user -> item
        p_iu = sp.csr_matrix(sp.diags(item_inv) @ X.T)  # item -> user
        if alpha != 1.0:
            p_ui.data **= alpha
            p_iu.data **= alpha
        walk = sp.csr_matrix(p_iu @ p_ui)
        with np.errstate(divide="ignore"):
            popularity_penalty = np.where(item_deg > 0, item_deg ** -beta, 0.0).astype(np.float32)
        walk = sp.csr_matrix(walk @ sp.diags(popularity_penalty))
        walk.setdiag(0)
        walk.eliminate_zeros()
        self.similarity = _top_k_per_row(walk, k)
        return self

    def score(self, X_users: sp.csr_matrix) -> np.ndarray:
        return np.asarray((sp.csr_matrix(X_users, dtype=np.float32) @ self.similarity).toarray(), dtype=np.float32)


class EASE(Recommender):
    """Embarrassingly shallow autoencoder: B = I - P / diag(P), P = (X^T X + lambda I)^-1. Params: l2,
    max_items (memory guard)."""

    name = "ease"

    def fit(self, X: sp.csr_matrix) -> EASE:
        l2 = float(self.params.get("l2", 500.0))
        max_items = int(self.params.get("max_items", 20_000))
        n_items = X.shape[1]
        if n_items > max_items:
            raise MemoryError(
                f"ease: {n_items} items need a dense {n_items}x{n_items} Gram ({n_items**2 * 4 / 2**30:.1f} GB per "
                f"float32 copy, two copies to invert); above max_items={max_items}")
        X = sp.csr_matrix(X, dtype=np.float32)
        gram = (X.T @ X).toarray()
        gram[np.diag_indices(n_items)] += l2
        # Cholesky in place (the Gram + l2 I is symmetric positive definite): one dense copy, not three
        precision = la.cho_solve(la.cho_factor(gram, overwrite_a=True, check_finite=False),
                                 np.eye(n_items, dtype=np.float32), overwrite_b=True, check_finite=False)
        del gram
        weights = precision / -np.diag(precision)
        weights[np.diag_indices(n_items)] = 0.0
        self.weights = weights.astype(np.float32, copy=False)
        return self

    def score(self, X_users: sp.csr_matrix) -> np.ndarray:
        return np.asarray(sp.csr_matrix(X_users, dtype=np.float32) @ self.weights, dtype=np.float32)
