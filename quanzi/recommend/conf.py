"""The recommendation settings, each overridable in Django settings (RECOMMEND_*) or the environment
(QUANZI_RECOMMEND_MODEL). Documented in docs/notes/recommend_serving.md."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

from quanzi.recommend.algorithms import DEFAULT_MODEL, DEFAULT_PARAMS

# Implicit-feedback weight of each signal: view < like < favourite < cart < buy. A member's weight for an item is
# log1p(sum of decayed weights), so ten views do not outweigh a purchase.
DEFAULT_WEIGHTS: dict[str, float] = {"view": 1.0, "like": 2.0, "favourite": 3.0, "cart": 5.0, "buy": 8.0}


def _get(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def model_name() -> str:
    """The algorithm `quanzi.recommend.algorithms.build` trains (RECOMMEND_MODEL / QUANZI_RECOMMEND_MODEL); by
    default the one the offline evaluation chose (`algorithms.DEFAULT_MODEL`)."""
    return str(os.environ.get("QUANZI_RECOMMEND_MODEL") or _get("RECOMMEND_MODEL", DEFAULT_MODEL))


def model_params() -> dict[str, Any]:
    """RECOMMEND_MODEL_PARAMS, else the evaluated defaults of the chosen algorithm."""
    return dict(_get("RECOMMEND_MODEL_PARAMS", None) or DEFAULT_PARAMS.get(model_name(), {}))


def weights() -> dict[str, float]:
    return {**DEFAULT_WEIGHTS, **_get("RECOMMEND_WEIGHTS", {})}


def half_life_days() -> float:
    """An interaction's weight halves every this many days (a purchase 30 days ago counts half of one today)."""
    return float(_get("RECOMMEND_HALF_LIFE_DAYS", 30.0))


def window_days() -> int:
    """Training reads this much history (beyond it a weight is below 1/60 of a fresh one at the default)."""
    return int(_get("RECOMMEND_WINDOW_DAYS", 180))


def list_size() -> int:
    """Candidates stored per member and kind: a page (PAGE_SIZE) plus room for the serving filters."""
    return int(_get("RECOMMEND_LIST_SIZE", 60))


def recent_purchase_days() -> int:
    """A product bought this recently is not recommended again unless it is repurchasable."""
    return int(_get("RECOMMEND_RECENT_PURCHASE_DAYS", 30))


def repurchasable_tags() -> set[str]:
    """Product tags that mark a consumable (recommended again after a purchase), besides the products members
    are seen to buy again."""
    return set(_get("RECOMMEND_REPURCHASABLE_TAGS", {"可复购", "消耗品", "日用", "零食", "咖啡"}))


def friends_window_days() -> int:
    return int(_get("RECOMMEND_FRIENDS_WINDOW_DAYS", 90))


PAGE_SIZE = 10
