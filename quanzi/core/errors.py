"""Domain errors: a machine code, a message in the user's language, and the HTTP status that fits."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, code: str | None = None, message: str | Promise = "", *, status: int | None = None,
                 **details: Any) -> None:
        self.code = code or self.code
        self.message = message
        if status is not None:
            self.status = status
        self.details = details
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
