"""The friends signal ("friends bought"): blend what a member's friends interacted with into their scores.

`friends_signal` gives, per member and item, the share of the member's friends who interacted with the item
(0..1). `social_blend` adds it to the model's scores after scaling each row of scores to a maximum of 1, so
`weight` means the same thing whatever the model's score scale: weight 0.5 lets an item that every friend has
outrank the model's best item only if the model scores it at least half as high. The serving app passes only
the friends who allow their activity to be used (that filtering is the caller's: here a friend matrix is data).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def friends_signal(user_rows: np.ndarray, friends: sp.csr_matrix, interactions: sp.csr_matrix) -> np.ndarray:
    """Dense (len(user_rows) × items) float32: share of each user's friends who interacted with each item."""
    friends = sp.csr_matrix(friends, dtype=np.float32)[user_rows]
    counts = np.asarray(friends.sum(axis=1), dtype=np.float32).ravel()
    seen = sp.csr_matrix(interactions, dtype=np.float32).copy()
    seen.data[:] = 1.0
    shared = np.asarray((friends @ seen).toarray(), dtype=np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        shared /= np.where(counts > 0, counts, 1.0)[:, None]
    return shared


def social_blend(scores: np.ndarray, user_rows: np.ndarray, friends: sp.csr_matrix, interactions: sp.csr_matrix,
                 weight: float) -> np.ndarray:
    """Model scores (rows = user_rows) blended with the friends signal; weight 0 returns the scores unchanged."""
    scores = np.asarray(scores, dtype=np.float32)
    if weight == 0:
        return scores
    top = np.abs(scores).max(axis=1, keepdims=True)
    scaled = scores / np.where(top > 0, top, 1.0)
    return scaled + np.float32(weight) * friends_signal(user_rows, friends, interactions)
