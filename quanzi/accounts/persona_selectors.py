"""Bulk reads of members for personas' tags and segments: active members, the consented persona fields (a field
is stored only while its consent stands: `services.persona_set` / `consent_withdraw`), follow counts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from quanzi.accounts.models import Follow, Persona, User

PERSONA_FIELDS = ("gender", "birth_year", "region", "income_band")


def active_user_ids(*, user_ids: Iterable[int] | None = None) -> set[int]:
    qs = User.objects.filter(is_active=True)
    if user_ids is not None:
        qs = qs.filter(pk__in=list(user_ids))
    return set(qs.values_list("pk", flat=True))


def consented_persona(*, user_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """{user id: {field: value}} of the persona fields the members keep now (empty ones left out): withdrawing
    consent erases a field, so what is here is what is consented."""
    out: dict[int, dict[str, Any]] = {}
    for row in Persona.objects.filter(user_id__in=list(user_ids)).values("user_id", *PERSONA_FIELDS):
        out[row["user_id"]] = {f: row[f] for f in PERSONA_FIELDS if row[f] not in (None, "")}
    return out


def follow_counts(*, user_id: int) -> tuple[int, int]:
    """(how many the member follows, how many follow the member), counted from the follow rows."""
    return (Follow.objects.filter(follower_id=user_id).count(), Follow.objects.filter(followee_id=user_id).count())
