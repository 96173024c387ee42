"""From the event log and the orders to the lists serving reads: no Django models here, only other apps'
selectors and the algorithms (`quanzi.recommend.algorithms`). `services.model_train` stores what this returns.

1. Interactions: every member × item (products and posts) gets sum(weight(signal) · 0.5^(age / half-life)) over
   the signals of the training window (view < like < favourite < cart < buy, `conf.weights()`), then log1p.
2. The configured algorithm (`conf.model_name()`) is fitted on that matrix and scores every member's row; the
   best products and posts not seen (posts) or not bought (products, unless repurchasable) are kept.
3. Site and per-community popularity (decayed weights summed over everyone, the community of each event) and
   each product's neighbours: co-purchases (买了还买), or cosine over all signals when nobody bought it with
   another product yet (看了还看).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from django.utils import timezone

from quanzi.catalog.selectors import product_of_skus
from quanzi.communities.selectors import active_memberships
from quanzi.core.event_rows import member_event_count_since, member_events_since
from quanzi.orders.selectors import purchases_since
from quanzi.recommend import conf
from quanzi.recommend.algorithms import build
from quanzi.recommend.enums import ItemKind, Reason

# event name -> (signal, item kind); cart.add is about a SKU, mapped to its product
EVENT_SIGNALS: dict[str, tuple[str, str]] = {
    "product.view": ("view", ItemKind.PRODUCT),
    "product.card_click": ("view", ItemKind.PRODUCT),
    "post.view": ("view", ItemKind.POST),
    "post.like": ("like", ItemKind.POST),
    "post.favourite": ("favourite", ItemKind.POST),
    "cart.add": ("cart", ItemKind.PRODUCT),
}
POPULAR_SIZE = 50
NEIGHBOURS_SIZE = 20
COMMUNITY_HOT_TOP = 20  # an item in the top this-many of one of the member's communities reads 同社群热卖
SCORE_BATCH = 256  # members scored at once: 256 × items float32 stays small

Progress = Callable[[str, int, int], None]  # (step, done, total)


def _no_progress(step: str, done: int, total: int) -> None:
    return None


@dataclass
class Interactions:
    """The training matrix and what its rows and columns are."""

    user_ids: list[int]
    items: list[tuple[str, int]]  # column -> (kind, id)
    matrix: sp.csr_matrix  # members × items, log1p of decayed weights
    bought: sp.csr_matrix  # members × items, 1 where bought (products only)
    community_weights: dict[int, dict[int, float]]  # community id -> column -> decayed weight
    user_communities: dict[int, set[int]]  # row -> communities of the member's interactions
    repurchasable: set[int]  # product ids members buy again
    events: int = 0


@dataclass
class TrainingResult:
    algorithm: str
    params: dict[str, Any]
    interactions: int
    users: int
    items: int
    repurchasable: list[int]
    user_lists: dict[int, dict[str, list[list[Any]]]] = field(default_factory=dict)
    popular: dict[int | None, dict[str, list[list[Any]]]] = field(default_factory=dict)
    neighbours: dict[int, dict[str, list[list[Any]]]] = field(default_factory=dict)


def collect(*, now: dt.datetime | None = None, progress: Progress = _no_progress) -> Interactions:
    now = now or timezone.now()
    since = now - dt.timedelta(days=conf.window_days())
    weights = conf.weights()
    rate = math.log(2) / (conf.half_life_days() * 86400.0)
    cells: dict[tuple[int, tuple[str, int]], float] = defaultdict(float)
    community: dict[int, dict[tuple[str, int], float]] = defaultdict(lambda: defaultdict(float))
    user_communities: dict[int, set[int]] = defaultdict(set)
    bought: set[tuple[int, int]] = set()
    buy_days: dict[tuple[int, int], set[dt.date]] = defaultdict(set)

    def add(user_id: int, item: tuple[str, int], signal: str, community_id: int | None, at: dt.datetime) -> None:
        w = weights[signal] * math.exp(-rate * max(0.0, (now - at).total_seconds()))
        cells[(user_id, item)] += w
        if community_id:
            community[community_id][item] += w
            user_communities[user_id].add(community_id)

    total = member_event_count_since(names=tuple(EVENT_SIGNALS), since=since)
    rows = list(member_events_since(names=tuple(EVENT_SIGNALS), since=since))
    sku_product = product_of_skus(sku_ids={r.object_id for r in rows if r.name == "cart.add"})
    for n, r in enumerate(rows, 1):
        signal, kind = EVENT_SIGNALS[r.name]
        object_id = sku_product.get(r.object_id) if r.name == "cart.add" else r.object_id
        if object_id is not None:
            add(r.user_id, (kind, int(object_id)), signal, r.community_id, r.created_at)
        if n % 5000 == 0 or n == total:
            progress("events", n, total)
    for buyer_id, product_id, community_id, paid_at in purchases_since(since=since):
        add(buyer_id, (ItemKind.PRODUCT, product_id), "buy", community_id, paid_at)
        bought.add((buyer_id, product_id))
        buy_days[(buyer_id, product_id)].add(paid_at.date())
    progress("orders", 1, 1)

    # a product members buy again on another day (at least 2 of them, 20% of its buyers) is repurchasable
    buyers: dict[int, int] = defaultdict(int)
    again: dict[int, int] = defaultdict(int)
    for (_, product_id), days in buy_days.items():
        buyers[product_id] += 1
        again[product_id] += len(days) > 1
    repurchasable = {p for p, n in buyers.items() if again[p] >= 2 and again[p] >= 0.2 * n}

    user_ids = sorted({u for u, _ in cells})
    items = sorted({i for _, i in cells}, key=lambda i: (i[0] != ItemKind.PRODUCT, i[1]))
    row_of = {u: n for n, u in enumerate(user_ids)}
    col_of = {i: n for n, i in enumerate(items)}
    r_idx = np.fromiter((row_of[u] for u, _ in cells), dtype=np.int32, count=len(cells))
    c_idx = np.fromiter((col_of[i] for _, i in cells), dtype=np.int32, count=len(cells))
    vals = np.log1p(np.fromiter(cells.values(), dtype=np.float64, count=len(cells))).astype(np.float32)
    shape = (len(user_ids), len(items))
    matrix = sp.csr_matrix((vals, (r_idx, c_idx)), shape=shape, dtype=np.float32)
    b_rows = [row_of[u] for u, p in bought]
    b_cols = [col_of[(ItemKind.PRODUCT, p)] for _, p in bought]
    bought_m = sp.csr_matrix((np.ones(len(b_rows), dtype=np.float32), (b_rows, b_cols)), shape=shape)
    # what a community's members do counts for the community too, wherever they did it
    for user_id, community_id in active_memberships():
        if user_id in row_of:
            user_communities[user_id].add(community_id)
    community_weights = {c: {col_of[i]: w for i, w in ws.items()} for c, ws in community.items()}
    for user_id, cs in user_communities.items():
        row = matrix.getrow(row_of[user_id])
        for c in cs:
            ws = community_weights.setdefault(c, {})
            for col, w in zip(row.indices.tolist(), row.data.tolist(), strict=True):
                ws[col] = ws.get(col, 0.0) + w
    progress("communities", 1, 1)
    return Interactions(
        user_ids=user_ids, items=items, matrix=matrix, bought=bought_m, community_weights=community_weights,
        user_communities={row_of[u]: cs for u, cs in user_communities.items()},
        repurchasable=repurchasable, events=len(rows))


def _top(scores: np.ndarray, n: int) -> np.ndarray:
    """Indices of the n highest positive scores, best first."""
    positive = np.flatnonzero(scores > 0)
    if positive.size > n:
        positive = positive[np.argpartition(-scores[positive], n - 1)[:n]]
    return positive[np.argsort(-scores[positive], kind="stable")]


def _split(data: Interactions, cols: np.ndarray, reason_of: Callable[[int], str]) -> dict[str, list[list[Any]]]:
    out: dict[str, list[list[Any]]] = {ItemKind.PRODUCT: [], ItemKind.POST: []}
    for c in cols:
        kind, item_id = data.items[int(c)]
        out[kind].append([item_id, reason_of(int(c))])
    return out


def train(*, algorithm: str | None = None, params: dict[str, Any] | None = None, now: dt.datetime | None = None,
          progress: Progress = _no_progress) -> TrainingResult:
    algorithm = algorithm or conf.model_name()
    params = conf.model_params() if params is None else params
    data = collect(now=now, progress=progress)
    n_users, n_items = data.matrix.shape
    result = TrainingResult(algorithm=algorithm, params=params, interactions=int(data.matrix.nnz), users=n_users,
                            items=n_items, repurchasable=sorted(data.repurchasable))
    if n_items == 0:
        return result
    size = conf.list_size()
    is_post = np.array([kind == ItemKind.POST for kind, _ in data.items])
    repurchasable_col = np.array([kind == ItemKind.PRODUCT and item_id in data.repurchasable
                                  for kind, item_id in data.items])

    # popularity: the site's and each community's (their top items are what 同社群热卖 means)
    site = np.asarray(data.matrix.sum(axis=0)).ravel()
    result.popular[None] = _split(data, _top_per_kind(site, is_post, POPULAR_SIZE), lambda c: Reason.POPULAR)
    hot_cols: dict[int, set[int]] = {}
    for community_id, ws in data.community_weights.items():
        scores = np.zeros(n_items, dtype=np.float64)
        scores[list(ws)] = list(ws.values())
        top = _top_per_kind(scores, is_post, POPULAR_SIZE)
        result.popular[community_id] = _split(data, top, lambda c: Reason.COMMUNITY_HOT)
        hot_cols[community_id] = set(_top_per_kind(scores, is_post, COMMUNITY_HOT_TOP).tolist())
    progress("popular", 1, 1)

    model = build(algorithm, **params).fit(data.matrix)
    progress("fit", 1, 1)
    for start in range(0, n_users, SCORE_BATCH):
        rows = data.matrix[start:start + SCORE_BATCH]
        scores = np.asarray(model.score(rows), dtype=np.float32)
        seen = rows.toarray() > 0
        bought = data.bought[start:start + SCORE_BATCH].toarray() > 0
        # posts already seen and products already bought (unless bought again by habit) are not candidates
        scores[seen & is_post[None, :]] = 0
        scores[bought & ~repurchasable_col[None, :]] = 0
        for offset in range(scores.shape[0]):
            row = start + offset
            hot = set().union(*(hot_cols.get(c, set()) for c in data.user_communities.get(row, ())))
            top = _top_per_kind(scores[offset], is_post, size)
            if top.size:
                result.user_lists[data.user_ids[row]] = _split(data, top, _reason_by(hot))
        progress("score", min(start + SCORE_BATCH, n_users), n_users)

    result.neighbours = _neighbours(data)
    progress("neighbours", 1, 1)
    return result


def _reason_by(hot: set[int]) -> Callable[[int], str]:
    """同社群热卖 for a column among the member's communities' top items, else 看过相似."""
    return lambda c: Reason.COMMUNITY_HOT if c in hot else Reason.SIMILAR


def _top_per_kind(scores: np.ndarray, is_post: np.ndarray, n: int) -> np.ndarray:
    products = _top(np.where(is_post, 0, scores), n)
    posts = _top(np.where(is_post, scores, 0), n)
    return np.concatenate([products, posts])


def _neighbours(data: Interactions) -> dict[int, dict[str, list[list[Any]]]]:
    """Per product: products bought by the same members (co-purchase counts), else the closest by cosine over all
    signals of products (看了还看)."""
    product_cols = np.array([n for n, (kind, _) in enumerate(data.items) if kind == ItemKind.PRODUCT])
    if product_cols.size == 0:
        return {}
    bought = data.bought[:, product_cols].tocsc()
    co = (bought.T @ bought).tocsr()
    co.setdiag(0)
    co.eliminate_zeros()
    x = data.matrix[:, product_cols].tocsc()
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=0)).ravel()) + 1e-9
    xn = x @ sp.diags(1.0 / norms)
    cos = (xn.T @ xn).tocsr()
    cos.setdiag(0)
    cos.eliminate_zeros()
    out: dict[int, dict[str, list[list[Any]]]] = {}
    for n, col in enumerate(product_cols):
        product_id = data.items[int(col)][1]
        picked: list[list[Any]] = []
        for matrix, reason in ((co, Reason.ALSO_BOUGHT), (cos, Reason.ALSO_VIEWED)):
            start, end = matrix.indptr[n], matrix.indptr[n + 1]
            idx, vals = matrix.indices[start:end], matrix.data[start:end]
            have = {p for p, _ in picked}
            for j in idx[np.argsort(-vals, kind="stable")]:
                other = data.items[int(product_cols[j])][1]
                if other not in have and len(picked) < NEIGHBOURS_SIZE:
                    picked.append([other, reason])
                    have.add(other)
        if picked:
            out[product_id] = {ItemKind.PRODUCT: picked}
    return out
