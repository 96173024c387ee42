"""Matrix factorisation: implicit-feedback ALS (Hu, Koren & Volinsky 2008) from the `implicit` library.

Scoring folds the given rows in (one least-squares solve per row against the fixed item factors, implicit's
`recalculate_user`), so score() works for any row, including a member whose events arrived after training.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from quanzi.recommend.algorithms.base import Recommender


class ALS(Recommender):
    """Params: factors (128), regularization (0.05), iterations (15), alpha (confidence scale, 1.0), seed."""

    name = "als"

    def fit(self, X: sp.csr_matrix) -> ALS:
        from implicit.cpu.als import AlternatingLeastSquares

        self.model = AlternatingLeastSquares(
            factors=int(self.params.get("factors", 128)),
            regularization=float(self.params.get("regularization", 0.05)),
            iterations=int(self.params.get("iterations", 15)),
            alpha=float(self.params.get("alpha", 1.0)),
            random_state=int(self.params.get("seed", 0)),
            num_threads=int(self.params.get("threads", 0)),
        )
        self.model.fit(sp.csr_matrix(X, dtype=np.float32), show_progress=False)
        return self

    def score(self, X_users: sp.csr_matrix) -> np.ndarray:
        rows = sp.csr_matrix(X_users, dtype=np.float32)
        user_factors = self.model.recalculate_user(np.arange(rows.shape[0]), rows)
        return np.asarray(user_factors @ self.model.item_factors.T, dtype=np.float32)
