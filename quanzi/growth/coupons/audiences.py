"""Audiences a coupon campaign can be limited to, filled in by higher apps in their `AppConfig.ready()` (growth
imports none of them: docs/ARCHITECTURE.md, "The domain map"). personas registers "segment": a template with
`audience_kind="segment"` and `audience_ref=<segment id>` gives coupons only to the members of that segment.

An audience is three functions:
- `contains(ref, user_id) -> bool`: is the member in it now (asked on every claim and grant);
- `usable_by(actor, ref) -> bool`: may this campaign manager limit a campaign to it (a segment of their own
  community, or a platform segment for an operator);
- `label(ref) -> str`: what the campaign desk shows ("人群：高频复购")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from quanzi.core.personal_data import consent_withdrawn


@dataclass(frozen=True)
class Audience:
    contains: Callable[[int, int], bool]
    usable_by: Callable[[Any, int], bool]
    label: Callable[[int], str]


AUDIENCES: dict[str, Audience] = {}


def register(kind: str, *, contains: Callable[[int, int], bool], usable_by: Callable[[Any, int], bool],
             label: Callable[[int], str]) -> None:
    """Register (or replace, by kind) an audience."""
    AUDIENCES[kind] = Audience(contains=contains, usable_by=usable_by, label=label)


def in_audience(kind: str, ref: int | None, user_id: int) -> bool:
    """True when a campaign limited to (kind, ref) may give this member a coupon. A kind nobody registers (its app
    is not installed) lets nobody in: a limit is never silently lifted."""
    if not kind:
        return True
    if consent_withdrawn(user_id, "marketing"):  # a member who said no to marketing is targeted by no campaign
        return False
    audience = AUDIENCES.get(kind)
    return audience is not None and ref is not None and audience.contains(ref, user_id)


def audience_label(kind: str, ref: int | None) -> str:
    audience = AUDIENCES.get(kind)
    return audience.label(ref) if audience is not None and ref is not None else ""
