"""One state-machine helper for every table with a status: orders, after-sales requests, payments, refunds.

A move is a conditional update on the status the row had (so of two concurrent moves exactly one wins, on SQLite
and PostgreSQL alike) plus one audit row, in the caller's transaction. The transition table is data: each app
writes its own (`orders.rules.TRANSITIONS`, `aftersales.rules.TRANSITIONS`, `payments.rules`), and an illegal
move raises that app's error with both statuses' labels.

The note of a move is a `core.messages.Text`: one of our messages (`msg("order.expired")`), stored as its id and
parameters and shown in the reader's language, or free text a person typed (a carrier and tracking number, a
merchant's reason), stored as typed. The app's audit writer stores it with `message_columns()`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models
from django.utils import timezone

from quanzi.core.errors import DomainError
from quanzi.core.messages import Text

M = TypeVar("M", bound=models.Model)

# (row, from_status, to_status, actor or None, note) -> writes the audit row
AuditWriter = Callable[[Any, str, str, Any, Text], None]
IllegalMove = Callable[[str, str], DomainError]


def _actor_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@dataclass(frozen=True)
class StateMachine(Generic[M]):
    model: type[M]
    transitions: Mapping[str, frozenset[str]]
    audit: AuditWriter
    illegal: IllegalMove
    field: str = "status"

    def can_move(self, current: str, target: str) -> bool:
        return target in self.transitions.get(current, frozenset())

    def move(self, row: M, to: str, *, actor: Any = None, note: Text = "", **fields: Any) -> M:
        """Move `row` (normally locked by the caller) to `to`; `fields` are written in the same update.
        Refuses a move the table does not allow, and a move of a row whose status changed under us."""
        current = str(getattr(row, self.field))
        if not self.can_move(current, to):
            raise self.illegal(current, to)
        values: dict[str, Any] = {self.field: to, **fields}
        if any(f.name == "updated_at" for f in self.model._meta.get_fields()) and "updated_at" not in values:
            values["updated_at"] = timezone.now()
        moved = self.model._default_manager.filter(pk=row.pk, **{self.field: current}).update(**values)
        if moved != 1:
            raise self.illegal(current, to)
        self.audit(row, current, to, _actor_or_none(actor), note or "")
        row.refresh_from_db()
        return row
