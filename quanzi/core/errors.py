"""Domain errors: a machine code, a message in the user's language, and the HTTP status that fits."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy


class ErrorCode(StrEnum):
    """The codes any endpoint may answer: the defaults of the classes below, image uploads (core.images), and
    what the API layer itself answers (quanzi/api.py, web.middleware). Each app lists its own in its
    `errors.ErrorCode`; the API description shows them all (quanzi/api_errors.py)."""

    BAD_REQUEST = "bad_request"
    CONFLICT = "conflict"
    HTTP_ERROR = "http_error"
    IMAGE_EMPTY = "image_empty"
    IMAGE_INVALID = "image_invalid"
    IMAGE_TOO_LARGE = "image_too_large"
    IMAGE_TYPE = "image_type"
    IMAGE_TYPE_MISMATCH = "image_type_mismatch"
    INVALID_CHARACTERS = "invalid_characters"
    INVALID_INPUT = "invalid_input"
    INVALID_JSON = "invalid_json"
    INVALID_MULTIPART = "invalid_multipart"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_FOUND = "not_found"
    NUMBER_OUT_OF_RANGE = "number_out_of_range"
    PERMISSION_DENIED = "permission_denied"
    REQUEST_TOO_LARGE = "request_too_large"  # 413 before the app reads the body (core/edge.py)
    SERVER_ERROR = "server_error"
    TOO_MANY_REQUESTS = "too_many_requests"


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, code: str | None = None, message: str | Promise = "", *, status: int | None = None,
                 **details: Any) -> None:
        self.code = str(code) if code else self.code  # an app's ErrorCode member reads (and serialises) as its text
        self.message = message
        if status is not None:
            self.status = status
        self.details = details
        self.headers: dict[str, str] = {}  # extra HTTP response headers (Retry-After), set by subclasses
        super().__init__(f"{self.code}: {message}")


class InvalidInput(DomainError):
    status = 400
    code = "invalid_input"


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class TooManyRequests(DomainError):
    """429: a rate limit or a temporary lockout. `retry_after` (seconds) is sent as the Retry-After header."""

    status = 429
    code = "too_many_requests"

    def __init__(self, code: str | None = None, message: str | Promise = "", *, retry_after: int | None = None,
                 **details: Any) -> None:
        super().__init__(code, message or gettext_lazy("请求过于频繁，请稍后再试"), **details)
        self.retry_after = max(1, int(retry_after)) if retry_after is not None else None
        if self.retry_after is not None:
            self.headers["Retry-After"] = str(self.retry_after)
