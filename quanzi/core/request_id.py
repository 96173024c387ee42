"""Request ids and quiet error reports.

Every request gets a short id (kept from a sane incoming `X-Request-ID`, else new), answered in the
`X-Request-ID` header and stamped on every log line of that request, so a user who reads "请求编号 3f9a…" on an
error page or in an API 500 lets an operator find the traceback in the log. The traceback itself never reaches
the client: not in the API, not on pages, and the debug page of the demo shows no settings or environment.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.debug import SafeExceptionReporterFilter

_current: contextvars.ContextVar[str] = contextvars.ContextVar("quanzi_request_id", default="-")
_INCOMING_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HEADER = "X-Request-ID"


def current_request_id() -> str:
    return _current.get()


def new_request_id(incoming: str) -> str:
    """The id of a request: a sane incoming `X-Request-ID` kept (a proxy's), else a new one."""
    return incoming if _INCOMING_RE.match(incoming) else uuid.uuid4().hex[:16]


def request_id_of(request: HttpRequest) -> str:
    return str(getattr(request, "request_id", "") or current_request_id())


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = new_request_id(request.headers.get(HEADER, ""))
        request.request_id = rid  # type: ignore[attr-defined]
        token = _current.set(rid)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = rid
        return response


class RequestIdLogFilter(logging.Filter):
    """Adds `request_id` to every record (the formatter prints it; "-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or current_request_id()
        return True


def quiet_refusal(request: HttpRequest) -> None:
    """Say that this request's 4xx answer is one the endpoint gives by design and at volume (a flash sale's "sold
    out" to most of its shoppers): `QuietRefusalFilter` logs it at INFO instead of Django's WARNING."""
    request.quiet_refusal = True  # type: ignore[attr-defined]


class QuietRefusalFilter(logging.Filter):
    """On `django.request`, which logs every 4xx response as a WARNING: a 4xx of a request marked with
    `quiet_refusal` becomes an INFO line, written only when the root logger shows INFO (LOG_LEVEL=INFO). Every
    other 4xx and every 5xx pass unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if getattr(request, "quiet_refusal", False) and 400 <= getattr(record, "status_code", 0) < 500:
            record.levelno, record.levelname = logging.INFO, logging.getLevelName(logging.INFO)
            return logging.getLogger().isEnabledFor(logging.INFO)
        return True


class NoSettingsExceptionReporterFilter(SafeExceptionReporterFilter):
    """Django's debug page and error e-mails list every setting and the whole environment (os.environ is in
    request.META under runserver), which holds DATABASE_URL with its password. Show neither: the traceback is
    what a developer needs; the settings are in the code and the environment on the server."""

    _META_KEPT = ("REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE", "CONTENT_LENGTH",
                  "SERVER_NAME", "SERVER_PORT")

    def get_safe_settings(self) -> dict[str, Any]:
        return {}

    def get_safe_request_meta(self, request: HttpRequest) -> dict[str, Any]:
        meta = getattr(request, "META", {}) or {}
        kept = {}
        for key, value in meta.items():
            if key in self._META_KEPT or (key.startswith("HTTP_") and key not in ("HTTP_COOKIE", "HTTP_AUTHORIZATION")):
                kept[key] = value
        return kept
