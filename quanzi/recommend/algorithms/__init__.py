"""Recommendation algorithms (pure numpy/scipy, no Django): `build(name, **params)` gives a fitted-on-demand
`Recommender` (see base.py for the contract). The serving app and the offline evaluation both go through here."""

from __future__ import annotations

from typing import Any

from quanzi.recommend.algorithms.base import ItemKNN, Popularity, Recommender
from quanzi.recommend.algorithms.factorization import ALS
from quanzi.recommend.algorithms.graph_filters import BSPM, GFCF
from quanzi.recommend.algorithms.neighbours import EASE, RP3beta
from quanzi.recommend.algorithms.social import friends_signal, social_blend

REGISTRY: dict[str, type[Recommender]] = {
    cls.name: cls for cls in (Popularity, ItemKNN, RP3beta, EASE, ALS, GFCF, BSPM)
}

# the model serving trains unless told otherwise: chosen on Gowalla by measurement (docs/notes/recommend_models.md)
DEFAULT_MODEL = "gfcf"
DEFAULT_PARAMS: dict[str, dict[str, Any]] = {"gfcf": {}, "bspm": {}}

__all__ = ["REGISTRY", "DEFAULT_MODEL", "DEFAULT_PARAMS", "Recommender", "build", "friends_signal", "social_blend"]


def build(name: str, **params: Any) -> Recommender:
    try:
        return REGISTRY[name](**params)
    except KeyError:
        raise ValueError(f"unknown recommender {name!r}; known: {sorted(REGISTRY)}") from None
