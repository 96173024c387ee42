"""The algorithms on small data the tests make: the contract, the maths of the graph filters, EASE's closed
form and memory guard, and the friends blend."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from quanzi.recommend.algorithms import REGISTRY, build, friends_signal, social_blend
from quanzi.recommend.algorithms.graph_filters import normalise_bipartite, randomized_right_singular_vectors
from quanzi.recommend.evaluation import top_k


def two_communities(seed: int = 0) -> sp.csr_matrix:
    """40 users × 30 items: users 0-19 use items 0-14, users 20-39 items 15-29 (each about half of them)."""
    rng = np.random.default_rng(seed)
    dense = np.zeros((40, 30), np.float32)
    for user in range(40):
        block = range(0, 15) if user < 20 else range(15, 30)
        chosen = rng.choice(list(block), size=7, replace=False)
        dense[user, chosen] = 1
    return sp.csr_matrix(dense)


SMALL_PARAMS = {
    "popularity": {}, "itemknn": {"k": 30}, "rp3beta": {"k": 30}, "ease": {"l2": 10.0},
    "als": {"factors": 2, "iterations": 15, "threads": 1}, "gfcf": {"factors": 4},
    "bspm": {"factors": 4, "sharpen_T": 0.5},
}


@pytest.mark.parametrize("name", sorted(SMALL_PARAMS))
def test_contract_and_in_community_ranking(name: str) -> None:
    X = two_communities()
    model = build(name, **SMALL_PARAMS[name]).fit(X)
    scores = model.score(X[:3])
    assert scores.shape == (3, 30) and scores.dtype == np.float32
    if name == "popularity":
        return
    # members of community A: every personalised model's top 5 unseen items are A's items
    ranked = top_k(scores, X[:3], 5)
    assert (ranked < 15).all(), (name, ranked)


def test_registry_knows_every_model() -> None:
    assert set(SMALL_PARAMS) == set(REGISTRY)
    with pytest.raises(ValueError, match="unknown recommender"):
        build("nope")
    with pytest.raises(ValueError, match="unknown params"):
        build("gfcf", alpha=0.3)


def test_graph_filter_linear_part_is_normalised_cooccurrence() -> None:
    X = two_communities(1)
    rows = X[:5]
    normalised, _ = normalise_bipartite(X)
    expected = (rows @ normalised.T @ normalised).toarray()
    got = build("gfcf", factors=0).fit(X).score(rows)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-6)


def test_gfcf_matches_a_dense_reference() -> None:
    X = two_communities(2)
    R = X.toarray().astype(np.float64)
    du, di = R.sum(1), R.sum(0)
    Rn = R / np.sqrt(du)[:, None] / np.sqrt(di)[None, :]
    _, _, vt = np.linalg.svd(Rn)
    V = vt[:6].T
    ideal = np.diag(di**-0.5) @ V @ V.T @ np.diag(di**0.5)
    expected = R @ (Rn.T @ Rn) + 0.3 * R @ ideal
    got = build("gfcf", factors=6, ideal_weight=0.3, power_iters=20).fit(X).score(X)
    np.testing.assert_allclose(got, expected, rtol=1e-3, atol=1e-4)


def test_bspm_sharpening_matches_the_polynomial() -> None:
    X = two_communities(3)
    normalised, _ = normalise_bipartite(X)
    L = (normalised.T @ normalised).toarray().astype(np.float64)
    R = X.toarray().astype(np.float64)
    t = 0.8
    euler = build("bspm", factors=0, sharpen_T=t, sharpen_solver="euler").fit(X).score(X)
    np.testing.assert_allclose(euler, (R @ L) @ (np.eye(30) - t * L), rtol=1e-3, atol=1e-4)
    rk4 = build("bspm", factors=0, sharpen_T=t, sharpen_solver="rk4").fit(X).score(X)
    poly = sum(np.linalg.matrix_power(-t * L, j) / f for j, f in enumerate([1, 1, 2, 6, 24]))
    np.testing.assert_allclose(rk4, (R @ L) @ poly, rtol=1e-3, atol=1e-4)


def test_randomized_svd_finds_the_top_subspace() -> None:
    M = sp.random(60, 50, density=0.3, format="csr", random_state=4, dtype=np.float32)
    v = randomized_right_singular_vectors(M, 5, power_iters=10)
    _, _, vt = np.linalg.svd(M.toarray())
    # same subspace: projecting the exact vectors onto ours keeps their length
    np.testing.assert_allclose(np.linalg.norm(v.T @ vt[:5].T, axis=0), 1.0, atol=1e-3)


def test_ease_closed_form_and_memory_guard() -> None:
    X = two_communities(5)
    G = (X.T @ X).toarray().astype(np.float64) + 10 * np.eye(30)
    P = np.linalg.inv(G)
    B = -P / np.diag(P)
    np.fill_diagonal(B, 0)
    np.testing.assert_allclose(build("ease", l2=10.0).fit(X).score(X[:4]), (X[:4] @ B), rtol=1e-3, atol=1e-5)
    with pytest.raises(MemoryError, match="max_items=20"):
        build("ease", max_items=20).fit(X)


def test_friends_signal_and_blend_hand_computed() -> None:
    interactions = sp.csr_matrix(np.array([[1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1]], np.float32))
    friends = sp.csr_matrix(np.array([[0, 1, 1, 0], [1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]], np.float32))
    # user 0's friends are users 1 and 2: item 0 by 1 of 2, item 1 by 2 of 2; user 3 has no friends
    signal = friends_signal(np.array([0, 3]), friends, interactions)
    np.testing.assert_allclose(signal, [[0.5, 1.0, 0.0], [0, 0, 0]])
    scores = np.array([[2.0, 0.0, 4.0], [1.0, 2.0, 0.0]], np.float32)
    np.testing.assert_array_equal(social_blend(scores, np.array([0, 3]), friends, interactions, 0.0), scores)
    blended = social_blend(scores, np.array([0, 3]), friends, interactions, 0.5)
    # rows scaled to max 1, then + 0.5 × signal
    np.testing.assert_allclose(blended, [[0.5 + 0.25, 0.5, 1.0], [0.5, 1.0, 0.0]])
