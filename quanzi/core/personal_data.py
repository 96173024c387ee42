"""A member's personal data across every app: what the privacy export collects and what account deletion erases.

Why a registry in core: `privacy` sits near the top (it reads every app), but the app that knows which of its
columns are personal, which are secrets, and how to anonymise a row without breaking its money or stock rules is
the app that owns the table. So the owner writes `quanzi/<app>/personal_data.py` and registers a provider here
(export and/or erase); privacy runs them all without knowing the apps.

And so that nothing is forgotten, a **generic pass** exports, for every table with a foreign key to the user that
no provider claims, the rows pointing at the member (every concrete column but secrets). A new app's table is in
the export by default; a provider is needed only to shape a section, hide a column, or erase something.

Also here, so lower apps can ask without importing privacy:
- `consent_given(user_id, purpose)`: privacy fills it (`set_consent_lookup`); before it does, only opt-out
  purposes answer True (see `OPT_OUT_PURPOSES`); `withdrawn_among(purpose, ids)`: who said no (privacy fills it).
- `persona_check(user_id, field, value)`: accounts calls it before it stores a persona field; privacy registers
  the checks that need a separate consent (income: financial data; a birth year under 14: a minor's data).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

# columns never exported, whatever their table: secrets and server-side bookkeeping of authentication
SECRET_FIELD_WORDS = ("password", "key_hash", "code_hash", "secret", "user_stamp", "auth_epoch", "token_hash",
                      "ticket_hash", "session_key", "signature")


@dataclass(frozen=True)
class Provider:
    name: str  # the section of the export ("orders", "profile")
    export: Callable[[int], list[dict[str, Any]]] | None
    erase: Callable[[int], None] | None
    models: tuple[str, ...]  # "app_label.ModelName" covered by this provider: the generic pass skips them
    erase_order: int  # erasers run lowest first; accounts' (the name, phone, login) runs last


PROVIDERS: dict[str, Provider] = {}


def register(name: str, *, export: Callable[[int], list[dict[str, Any]]] | None = None,
             erase: Callable[[int], None] | None = None, models: tuple[str, ...] = (),
             erase_order: int = 50) -> None:
    """Register (or replace, by name) a provider of one section of a member's data."""
    PROVIDERS[name] = Provider(name=name, export=export, erase=erase, models=tuple(models), erase_order=erase_order)


def _covered() -> set[str]:
    return {label.lower() for p in PROVIDERS.values() for label in p.models}


def user_links() -> list[tuple[type[models.Model], str]]:
    """(model, field name) for every concrete foreign key or one-to-one from an installed model to the user."""
    user_model = get_user_model()
    out = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is user_model:
                out.append((model, field.name))
    return sorted(out, key=lambda mf: (mf[0]._meta.label, mf[1]))


def json_value(value: Any) -> Any:
    """A value as JSON can hold it: datetimes as ISO text, Decimal and UUID as text, files as their name."""
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or ""
    return value


def is_secret(column: str) -> bool:
    return any(word in column for word in SECRET_FIELD_WORDS)


def rows_of(queryset: models.QuerySet[Any], *, exclude: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Every concrete column of every row but secrets (and `exclude`), JSON-safe, in id order."""
    model = queryset.model
    columns = [f.attname for f in model._meta.concrete_fields if not is_secret(f.attname) and f.name not in exclude]
    return [{k: json_value(v) for k, v in row.items()} for row in queryset.order_by("pk").values(*columns)]


def collect(user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Everything about the member: each provider's section, then one section per uncovered table and field
    ("content.Comment.author")."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name, provider in sorted(PROVIDERS.items()):
        if provider.export is not None:
            out[name] = provider.export(user_id)
    covered = _covered()
    for model, field in user_links():
        if model._meta.label_lower in covered:
            continue
        rows = rows_of(model._default_manager.filter(**{field: user_id}))
        if rows:
            out[f"{model._meta.label}.{field}"] = rows
    return out


def erase(user_id: int) -> list[str]:
    """Run every provider's eraser (in `erase_order`, then name); the names of those that ran."""
    ran = []
    for provider in sorted(PROVIDERS.values(), key=lambda p: (p.erase_order, p.name)):
        if provider.erase is not None:
            provider.erase(user_id)
            ran.append(provider.name)
    return ran


# --- consent, asked by lower apps ------------------------------------------------------------------------------

# Purposes a member has until they say no (PIPL art. 24 asks for an easy way to turn personalised recommendations
# off, not for an opt-in); every other purpose is opt-in.
OPT_OUT_PURPOSES = frozenset({"recommendation"})
_CONSENT_LOOKUP: list[Callable[[int, str], bool]] = []


def set_consent_lookup(fn: Callable[[int, str], bool]) -> None:
    _CONSENT_LOOKUP[:] = [fn]


def consent_given(user_id: int | None, purpose: str) -> bool:
    """Whether the member currently allows `purpose` ("recommendation", "marketing" ...)."""
    if user_id is None:
        return False
    if not _CONSENT_LOOKUP:
        return purpose in OPT_OUT_PURPOSES
    return _CONSENT_LOOKUP[0](user_id, purpose)


# (purpose, user ids) -> the ids among them whose newest consent record for the purpose is a withdrawal
_WITHDRAWN_LOOKUP: list[Callable[[str, set[int]], set[int]]] = []


def set_withdrawn_lookup(fn: Callable[[str, set[int]], set[int]]) -> None:
    _WITHDRAWN_LOOKUP[:] = [fn]


def withdrawn_among(purpose: str, user_ids: set[int]) -> set[int]:
    """The members of `user_ids` who said no to `purpose` (their newest record withdraws it): what uses their data
    for it stops (recommend's lists, personas' tags and segments, growth's segment-targeted coupons). A member who
    never chose is not in it: each use keeps its own default (recommendations on, `consent_given` for opt-in)."""
    if not _WITHDRAWN_LOOKUP or not user_ids:
        return set()
    return _WITHDRAWN_LOOKUP[0](purpose, set(user_ids))


def consent_withdrawn(user_id: int | None, purpose: str) -> bool:
    return user_id is not None and bool(withdrawn_among(purpose, {int(user_id)}))


# name -> check(user_id, field, value): raises a DomainError to refuse storing a persona field
PERSONA_CHECKS: dict[str, Callable[[int, str, Any], None]] = {}


def persona_check_register(name: str, fn: Callable[[int, str, Any], None]) -> None:
    PERSONA_CHECKS[name] = fn


def persona_check(*, user_id: int, field: str, value: Any) -> None:
    for _name, fn in sorted(PERSONA_CHECKS.items()):
        fn(user_id, field, value)


# --- core's own tables: the event log and attribution touches ----------------------------------------------------

EVENT_KEEP = dt.timedelta(days=3 * 365)


def erase_core(user_id: int) -> None:
    """On deletion: the member's events lose their link to them (kept, anonymous, for the counts analytics
    reads); their attribution touches (which posts and shares they clicked) are removed."""
    from quanzi.core.models import Event, Touch

    Event.objects.filter(user_id=user_id).update(user=None)
    Touch.objects.filter(user_id=user_id).delete()


def events_purge(*, before: dt.datetime) -> int:
    """Retention: events older than `before` are removed (their counts are in the analytics export by then)."""
    from quanzi.core.models import Event

    deleted, _rows = Event.objects.filter(created_at__lt=before).delete()
    return deleted


register("core", erase=erase_core, erase_order=20)
