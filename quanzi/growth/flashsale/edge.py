"""The flash sale's edge: `POST /api/v1/growth/flashsale/items/<id>/buy` answered in front of Django's middleware
and URL routing when Redis gates the sale and winners are queued.

Why: in a rush nearly every attempt is refused (2,000 shoppers, 100 units), and a refusal is one Redis script.
Through the full stack each one also paid for the middleware chain, URL resolution over every API router, the
ninja operation, and the 4xx logging — about four times the cost of the Redis work itself (bench/flashsale.py).
Flash-sale systems put this gate at the edge for that reason. This one is not a second implementation: it runs
the same service (`services.flash_buy_start`: token, limits, Redis script, ticket, job) with the same token check
(`accounts.services.token_user`, read from the database on every call, so a revoked token is refused at once) and
answers the same bodies and statuses as the API, in the shopper's language.

Anything that is not a plain case goes on to Django unchanged, which gives its usual answer: another method or
path, no `Authorization: Bearer` header (a page's session with its CSRF check, or anonymous: 401), a token that
does not authenticate (401), a body that does not parse (422), and the rare replay whose first buy was placed in
the request (a checkout, answered by the API: replays are idempotent, so nothing is taken twice). Off without
Redis or without the queue, and with QUANZI_FLASHSALE["EDGE"] = False.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core import signals
from django.core.handlers.wsgi import WSGIRequest
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation
from pydantic import ValidationError

from quanzi.accounts.services import token_user
from quanzi.accounts.throttle import client_ip
from quanzi.core.errors import DomainError
from quanzi.core.request_id import HEADER as REQUEST_ID_HEADER
from quanzi.core.request_id import new_request_id
from quanzi.growth.flashsale import services
from quanzi.growth.flashsale.conf import conf
from quanzi.growth.flashsale.errors import EXPECTED_REFUSALS
from quanzi.growth.flashsale.models import FlashTicket
from quanzi.growth.flashsale.schemas import BuyIn, TicketOut

logger = logging.getLogger("quanzi.flashsale.edge")
BUY_PATH = re.compile(r"^/api/v1/growth/flashsale/items/(\d{1,18})/buy/?$")
MAX_BODY = 4096  # a buy is an address id, a key and a quantity; anything longer goes to Django's own limits
StartResponse = Callable[..., Any]

_REASONS = {201: "Created", 202: "Accepted", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
            404: "Not Found", 409: "Conflict", 410: "Gone", 422: "Unprocessable Entity", 429: "Too Many Requests"}


def enabled() -> bool:
    return bool(getattr(settings, "REDIS_URL", "") and conf("QUEUE") and conf("EDGE"))


class FlashSaleEdge:
    """WSGI middleware around Django's application (quanzi/wsgi.py)."""

    def __init__(self, app: Callable[[dict[str, Any], StartResponse], Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            return self.app(environ, start_response)
        match = BUY_PATH.match(environ.get("PATH_INFO", ""))
        auth = environ.get("HTTP_AUTHORIZATION", "")
        if match is None or not auth.startswith("Bearer ") or not enabled():
            return self.app(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if not 0 < length <= MAX_BODY:
            return self.app(environ, start_response)
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)  # what Django reads if the request goes on to it
        answer = self._answer(environ, int(match[1]), auth[7:].strip(), body)
        if answer is None:
            return self.app(environ, start_response)
        status, payload, headers = answer
        start_response(f"{status} {_REASONS.get(status, 'Error')}", headers)
        return [payload]

    def _answer(self, environ: dict[str, Any], item_id: int, token: str,
                body: bytes) -> tuple[int, bytes, list[tuple[str, str]]] | None:
        signals.request_started.send(sender=self.__class__, environ=environ)  # stale connections closed, as Django
        try:
            request = WSGIRequest(environ)
            with translation.override(translation.get_language_from_request(request)):
                return self._buy(request, item_id, token, body)
        finally:
            signals.request_finished.send(sender=self.__class__)

    def _buy(self, request: WSGIRequest, item_id: int, token: str,
             body: bytes) -> tuple[int, bytes, list[tuple[str, str]]] | None:
        user = token_user(token) if token else None
        if user is None:
            return None  # Django answers 401 not_authenticated
        try:
            data = BuyIn.model_validate_json(body)
        except ValidationError:
            return None  # Django answers 422 with the details
        rid = new_request_id(request.headers.get(REQUEST_ID_HEADER, ""))
        try:
            outcome = services.flash_buy_start(user=user, item_id=item_id, address_id=data.address_id,
                                               idempotency_key=data.idempotency_key, quantity=data.quantity,
                                               ip=client_ip(request))
        except DomainError as exc:
            payload: dict[str, Any] = {"code": exc.code, "message": str(exc.message)}
            if exc.details:
                payload["details"] = exc.details
            if exc.code not in EXPECTED_REFUSALS:  # answers by design stay out of the log (api.py)
                logger.warning("flash buy refused: %s", exc.code, extra={"request_id": rid})
            return exc.status, _json(payload), _headers(rid, exc.headers)
        if not isinstance(outcome, FlashTicket):
            return None  # a replay of a buy placed in the request: the API answers it again (idempotent)
        return 202, _json(TicketOut.from_orm(outcome).model_dump(mode="json")), _headers(rid, {})


def _json(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, cls=DjangoJSONEncoder).encode()


def _headers(rid: str, extra: dict[str, str]) -> list[tuple[str, str]]:
    return [("Content-Type", "application/json; charset=utf-8"), (REQUEST_ID_HEADER, rid),
            ("X-Content-Type-Options", "nosniff"), ("Cache-Control", "no-store"), *extra.items()]
