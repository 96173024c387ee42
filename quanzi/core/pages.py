"""Small helpers shared by the server-rendered views of every app (the pages' glue, not business rules).

They live in core so that any app's views may use them: no app imports the top `web` layer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from quanzi.core.errors import DomainError

T = TypeVar("T")


def call_service(errors: list[str], fn: Callable[..., T], /, **kwargs: Any) -> T | None:
    """Run a service; a DomainError becomes a message shown on the form (nothing half-written)."""
    try:
        return fn(**kwargs)
    except DomainError as exc:
        errors.append(str(exc.message))
        return None


def page_of(request: HttpRequest, items: Any, per_page: int = 20) -> Page:
    """One page of `items` (`?page=`); its template is `core/_pager.html`."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def error_response(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """An error page (or an HTMX fragment) with the code, the message and the right status."""
    template = "core/error_fragment.html" if request.headers.get("HX-Request") else "core/error.html"
    return render(request, template, {"code": exc.code, "message": exc.message}, status=exc.status)
