from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from quanzi.core.errors import DomainError, ErrorCode, InvalidInput
from quanzi.core.pages import error_response
from quanzi.core.schema import CONTROL_CHARACTERS


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


class ApiErrorShapeMiddleware:
    """Under /api/, a 404 for an unknown path or a 405 for a wrong method is answered like every other API error:
    JSON `{code, message}` in the user's language, not Django's HTML page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/api/") or response.status_code not in (404, 405):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        if response.status_code == 404:
            body = {"code": "not_found", "message": str(_("接口不存在"))}
        else:
            body = {"code": "method_not_allowed", "message": str(_("不支持该请求方法"))}
        shaped = JsonResponse(body, status=response.status_code, json_dumps_params={"ensure_ascii": False})
        if response.has_header("Allow"):
            shaped["Allow"] = response["Allow"]
        return shaped


class ControlCharacterMiddleware:
    """Pages: a form field with a NUL or another control character (what a tampered form sends) gets a clear 400
    `invalid_characters` page before any view runs, instead of a database error (PostgreSQL refuses NUL). The API
    checks the same in its schemas (core.schema); the admin's Django forms check it themselves."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and not request.path.startswith(("/api/", "/admin/")) \
                and not request.META.get("CONTENT_TYPE", "").startswith("application/json"):
            for key, values in request.POST.lists():
                if any(CONTROL_CHARACTERS.search(v) for v in [key, *values]):
                    return error_response(request, InvalidInput(ErrorCode.INVALID_CHARACTERS,
                                                                _("文本包含不允许的控制字符")))
        return self.get_response(request)
