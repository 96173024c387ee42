"""Small helpers shared by the server-rendered views of every app."""

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
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def error_response(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """An error page (or an HTMX fragment) with the code, the message and the right status."""
    template = "web/error_fragment.html" if request.headers.get("HX-Request") else "web/error.html"
    return render(request, template, {"code": exc.code, "message": exc.message}, status=exc.status)
