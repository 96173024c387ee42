"""What a request meets before the app: health probes, the request-body limit, the access log.

- `HealthMiddleware` (first in MIDDLEWARE) answers `GET /healthz` and `GET /readyz` itself: no host check (a load
  balancer probes by IP), no https redirect, no session, no auth. `/healthz` says the process answers;
  `/readyz` checks what a request needs (core/health.py) and answers 503 until it is all there.
- `BodyLimitMiddleware` refuses a body announced larger than the limit with 413 before anything reads it: JSON
  `{code: request_too_large, message}` under /api/, a short page elsewhere. JSON bodies of the API have their own,
  smaller limit. A proxy in front should refuse earlier still (nginx `client_max_body_size`, docs/deploy.md).
  Django itself reads no body without a Content-Length (chunked uploads come through the proxy, which buffers
  them and sets one), so the announced length is the one to check.
- `AccessLogMiddleware` writes one `quanzi.access` INFO record per request (method, path, status, duration, user
  id, request id): in JSON with the production log format (settings.LOGGING, core/logjson.py).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from quanzi.core.errors import ErrorCode
from quanzi.core.health import liveness, readiness
from quanzi.core.request_id import request_id_of

access_logger = logging.getLogger("quanzi.access")
GetResponse = Callable[[HttpRequest], HttpResponse]


class HealthMiddleware:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path in ("/healthz", "/readyz") and request.method in ("GET", "HEAD"):
            body, status = liveness() if path == "/healthz" else readiness()
            response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)


def body_limit_for(request: HttpRequest) -> int:
    limits = settings.QUANZI_REQUEST_LIMITS
    if request.path_info.startswith("/api/") and request.content_type == "application/json":
        return int(limits["API_JSON_BYTES"])
    return int(limits["BODY_BYTES"])


class BodyLimitMiddleware:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = body_limit_for(request)
        if length > limit:
            message = _("请求内容过大（上限 %(mb).1f MB）") % {"mb": limit / 1024 / 1024}
            if request.path_info.startswith("/api/"):
                response: HttpResponse = JsonResponse({"code": str(ErrorCode.REQUEST_TOO_LARGE),
                                                       "message": message}, status=413)
            else:
                response = HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
            response["Connection"] = "close"  # the unread body must not be taken for the next request
            return response
        return self.get_response(request)


class AccessLogMiddleware:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not access_logger.isEnabledFor(logging.INFO):
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        access_logger.info(
            "%s %s %s", request.method, request.path, response.status_code,
            extra={"method": request.method, "path": request.path, "status": response.status_code,
                   "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                   "user_id": getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None,
                   "request_id": request_id_of(request), "remote_addr": request.META.get("REMOTE_ADDR", "")})
        return response
