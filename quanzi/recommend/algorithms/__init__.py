"""Recommendation algorithms (pure numpy/scipy, no Django): `build(name, **params)` gives a fitted-on-demand
`Recommender` (see base.py for the contract). The serving app and the offline evaluation both go through here."""

from __future__ import annotations

from typing import Any

from quanzi.recommend.algorithms.base import ItemKNN, Popularity, Recommender

REGISTRY: dict[str, type[Recommender]] = {cls.name: cls for cls in (Popularity, ItemKNN)}


def build(name: str, **params: Any) -> Recommender:
    try:
        return REGISTRY[name](**params)
    except KeyError:
        raise ValueError(f"unknown recommender {name!r}; known: {sorted(REGISTRY)}") from None
