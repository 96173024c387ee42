"""Training-free graph filters: GF-CF (Shen et al., CIKM 2021) and BSPM (Choi et al., SIGIR 2023).

Both work on the normalised interaction matrix R~ = D_u^-1/2 R D_i^-1/2 and filter a user's row r:

- linear filter        r L,            L = R~^T R~ (item × item, the normalised co-occurrence)
- ideal low-pass       r D_i^-1/2 V V^T D_i^1/2, V = top-k right singular vectors of R~
- GF-CF                r L + alpha * ideal
- BSPM                 blur (r L), add beta * ideal, then sharpen: integrate dy/dt = -y L from 0 to T
                       (Euler or one RK4 step), which pushes back items that are only popular-by-smoothing.

Why it fits this machine: L is never formed. On Gowalla it has 42 M non-zeros (a dense one would be 6.7 GB) and
multiplying a batch by it costs ~20x more than the two sparse products r R~^T then R~ (nnz(R) = 0.8 M), so every
application of L is done as R~^T (R~ y), on transposed dense batches (items × users) which is the layout scipy's
CSR × dense kernel wants. V comes from a randomized SVD (Halko et al.) with power iterations: a few sparse
products with a 500-column block instead of ARPACK's thousands of matrix-vector products.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg as la
import scipy.sparse as sp

from quanzi.recommend.algorithms.base import Recommender


def normalise_bipartite(X: sp.csr_matrix) -> tuple[sp.csr_matrix, np.ndarray]:
    """R~ = D_u^-1/2 X D_i^-1/2 (zero degrees stay zero) and the item degrees d_i^-1/2."""
    X = sp.csr_matrix(X, dtype=np.float32)
    user_deg = np.asarray(X.sum(axis=1), dtype=np.float64).ravel()
    item_deg = np.asarray(X.sum(axis=0), dtype=np.float64).ravel()
    with np.errstate(divide="ignore"):
        user_inv = np.where(user_deg > 0, user_deg ** -0.5, 0.0).astype(np.float32)
        item_inv = np.where(item_deg > 0, item_deg ** -0.5, 0.0).astype(np.float32)
    normalised = sp.csr_matrix(sp.diags(user_inv) @ X @ sp.diags(item_inv), dtype=np.float32)
    return normalised, item_inv


def randomized_right_singular_vectors(M: sp.csr_matrix, k: int, *, oversample: int = 64, power_iters: int = 8,
                                      seed: int = 0) -> np.ndarray:
    """Top-k right singular vectors of M (columns × k, float32), randomized SVD with power iterations.

    Each power iteration is two sparse × dense products with a (k + oversample)-column block, re-orthonormalised
    (QR) every time so the small singular values don't drown in round-off."""
    rng = np.random.default_rng(seed)
    n_cols = M.shape[1]
    width = min(k + oversample, min(M.shape))
    MT = sp.csr_matrix(M.T)
    Q = la.qr(rng.standard_normal((n_cols, width)).astype(np.float32), mode="economic")[0]
    for _ in range(power_iters):
        P = la.qr(M @ Q, mode="economic")[0]
        Q = la.qr(MT @ P, mode="economic")[0]
    # M ~ P B with B = P^T M; the right singular vectors of M are Q times those of the small B
    P = la.qr(M @ Q, mode="economic")[0]
    small = (MT @ P).T  # width × n_cols, = P^T M
    _, _, vt = la.svd(small, full_matrices=False)
    return np.ascontiguousarray(vt[:k].T, dtype=np.float32)


class GraphFilter(Recommender):
    """BSPM; GF-CF is the special case without sharpening (`sharpen_T=0`, `ideal_weight` = GF-CF's alpha).

    Params: factors (k of the ideal filter), ideal_weight (GF-CF alpha / BSPM beta), blur_T, blur_K (Euler steps
    of dy/dt = y L - y), sharpen_T, sharpen_K, sharpen_solver ("euler" | "rk4"), power_iters, seed."""

    name = "bspm"
    # tuned on Gowalla train -> valid (bench/recommend_tune.py, docs/notes/recommend_models.md): a short Euler
    # sharpening and a small ideal-filter weight; a long single Euler step (T = 2.5) would flip the sign of the
    # strongest components (1 - T * lambda < 0 for lambda near 1)
    defaults: dict[str, Any] = {
        "factors": 256, "ideal_weight": 0.1, "blur_T": 1.0, "blur_K": 1, "sharpen_T": 0.5, "sharpen_K": 1,
        "sharpen_solver": "euler", "power_iters": 8, "seed": 0,
    }

    def __init__(self, **params: Any) -> None:
        unknown = set(params) - set(self.defaults)
        if unknown:
            raise ValueError(f"{self.name}: unknown params {sorted(unknown)}; known: {sorted(self.defaults)}")
        super().__init__(**{**self.defaults, **params})
        if self.params["sharpen_solver"] not in ("euler", "rk4"):
            raise ValueError(f"{self.name}: sharpen_solver must be 'euler' or 'rk4'")

    def fit(self, X: sp.csr_matrix) -> GraphFilter:
        self.normalised, item_inv = normalise_bipartite(X)
        self.normalised_T = sp.csr_matrix(self.normalised.T)
        factors = int(self.params["factors"])
        if factors > 0 and float(self.params["ideal_weight"]) != 0.0:
            v = randomized_right_singular_vectors(self.normalised, factors, power_iters=int(self.params["power_iters"]),
                                                  seed=int(self.params["seed"]))
            with np.errstate(divide="ignore"):
                item_sqrt = np.where(item_inv > 0, 1.0 / item_inv, 0.0).astype(np.float32)
            # ideal filter r D^-1/2 V V^T D^1/2, kept as two thin factors (items × k each)
            self.ideal_left = v * item_inv[:, None]
            self.ideal_right = v * item_sqrt[:, None]
        else:
            self.ideal_left = self.ideal_right = np.zeros((X.shape[1], 0), np.float32)
        return self

    def _linear(self, yt: np.ndarray) -> np.ndarray:
        """L applied to a transposed batch (items × users): R~^T (R~ y)."""
        return np.asarray(self.normalised_T @ (self.normalised @ yt), dtype=np.float32)

    def score(self, X_users: sp.csr_matrix) -> np.ndarray:
        p = self.params
        X_users = sp.csr_matrix(X_users, dtype=np.float32)
        yt = np.zeros((X_users.shape[1], X_users.shape[0]), dtype=np.float32)  # items × users
        yt[X_users.indices, np.repeat(np.arange(X_users.shape[0]), np.diff(X_users.indptr))] = X_users.data
        beta = float(p["ideal_weight"])
        # the ideal filter from the sparse rows: r D^-1/2 V is a sparse × thin product, cheap
        ideal = (self.ideal_right @ np.ascontiguousarray((X_users @ self.ideal_left).T)
                 if beta and self.ideal_left.shape[1] else None)
        # blurring: Euler steps of dy/dt = y L - y (one step of size 1 is exactly r L, GF-CF's linear filter)
        blur_K, blur_T = int(p["blur_K"]), float(p["blur_T"])
        h = blur_T / max(blur_K, 1)
        for _ in range(max(blur_K, 1)):
            yt = yt + h * (self._linear(yt) - yt)
        if ideal is not None:
            yt += beta * ideal
        del ideal
        sharpen_T, sharpen_K = float(p["sharpen_T"]), int(p["sharpen_K"])
        if sharpen_T > 0 and sharpen_K > 0:
            h = sharpen_T / sharpen_K
            for _ in range(sharpen_K):
                if p["sharpen_solver"] == "euler":
                    yt = yt - h * self._linear(yt)
                else:  # classic RK4 on the linear ODE dy/dt = -y L
                    k1 = -self._linear(yt)
                    k2 = -self._linear(yt + 0.5 * h * k1)
                    k3 = -self._linear(yt + 0.5 * h * k2)
                    k4 = -self._linear(yt + h * k3)
                    yt = yt + (h / 6.0) * (k1 + 2 * k2 + 2 * k3 + k4)
        return np.ascontiguousarray(yt.T, dtype=np.float32)


class GFCF(GraphFilter):
    """GF-CF: linear filter + alpha * ideal low-pass filter (256 factors, alpha 0.3 in the paper for Gowalla)."""

    name = "gfcf"
    defaults: dict[str, Any] = {**GraphFilter.defaults, "factors": 256, "ideal_weight": 0.3, "sharpen_T": 0.0}


class BSPM(GraphFilter):
    name = "bspm"
