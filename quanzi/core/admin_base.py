"""Shared back-office pieces: audit rows and ledgers are shown, never added or edited by hand; actions that run a
service per selected row."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from quanzi.core.errors import DomainError


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def run_for_each(modeladmin: admin.ModelAdmin, request: HttpRequest, rows: Iterable[Any],
                 call: Callable[[Any], object]) -> int:
    """An admin action that calls a service once per selected row, in primary-key order: a row the service
    refuses (DomainError) gets its message and the others go on. Returns how many went through."""
    done = 0
    for row in sorted(rows, key=lambda r: r.pk):
        try:
            call(row)
            done += 1
        except DomainError as exc:
            modeladmin.message_user(request, f"{row}: {exc.message}", messages.ERROR)
    return done
