from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from quanzi.core.errors import DomainError
from quanzi.web.util import error_response


class DomainErrorMiddleware:
    """Pages: a DomainError raised by a service becomes a clear error page with the right status."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError) and not request.path.startswith("/api/"):
            return error_response(request, exception)
        return None
