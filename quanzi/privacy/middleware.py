"""Writes the audit log (privacy.AuditEntry): every write request of a staff member (the back office and the
operator pages: POST, PUT, PATCH, DELETE) and every request refused with 403, by anyone, on a page or the API.

A middleware, not signals: it sees the admin, the operator pages and the API the same way, including the requests
a permission check refused (which leave no model change behind to hang a signal on)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from quanzi.core.request_id import request_id_of
from quanzi.privacy import services
from quanzi.privacy.enums import AuditKind

log = logging.getLogger(__name__)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class AuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if request.method not in SAFE_METHODS and user is not None:
            # read who it is before the view runs: a logout (or an account deletion) replaces request.user
            bool(user.is_authenticated)
        response = self.get_response(request)
        # a read answered normally is never audited: return before touching request.user (a lazy lookup)
        if response.status_code != 403 and request.method in SAFE_METHODS:
            return response
        authenticated = bool(user is not None and user.is_authenticated)
        if response.status_code == 403:
            kind = AuditKind.DENIED
        elif authenticated and getattr(user, "is_staff", False):
            kind = AuditKind.STAFF_ACTION
        else:
            return response
        try:
            services.audit_record(
                kind=kind, actor_id=user.pk if authenticated else None,  # type: ignore[union-attr]
                actor=str(user) if authenticated else "", method=request.method or "",
                path=request.get_full_path(), status=response.status_code,
                ip=request.META.get("REMOTE_ADDR") or "", request_id=request_id_of(request))
        except Exception:  # the answer is already made; a failed audit write is logged loudly, not shown
            log.exception("audit entry not written for %s %s", request.method, request.path)
        return response
