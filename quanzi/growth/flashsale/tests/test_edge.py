"""The buy endpoint answered at the edge (edge.py): the same answers as the API through Django, for refusals and
for winners, and everything that is not a plain case goes on to Django untouched."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.wsgi import get_wsgi_application
from django.test import Client

from quanzi.accounts.services import token_create, token_revoke
from quanzi.growth.flashsale.edge import FlashSaleEdge
from quanzi.growth.flashsale.enums import TicketStatus
from quanzi.growth.flashsale.models import FlashTicket
from quanzi.growth.flashsale.tests.helpers import buyer, shop
from quanzi.orders.models import Order

pytestmark = pytest.mark.django_db(transaction=True)


class Recorder:
    """Stands in for Django behind the edge: records what went on to it."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        self.bodies.append(environ["wsgi.input"].read())
        start_response("299 Passed", [("Content-Type", "text/plain")])
        return [b"django"]


def call(app: Any, path: str, body: dict[str, Any] | bytes | None, *, token: str = "", method: str = "POST",
         language: str = "") -> tuple[int, Any, dict[str, str]]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode() if body is not None else b""
    environ: dict[str, Any] = {"REQUEST_METHOD": method, "PATH_INFO": path, "CONTENT_TYPE": "application/json",
                               "CONTENT_LENGTH": str(len(raw)), "wsgi.input": io.BytesIO(raw),
                               "REMOTE_ADDR": "10.0.0.8", "SERVER_NAME": "testserver"}
    if token:
        environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if language:
        environ["HTTP_ACCEPT_LANGUAGE"] = language
    setup_testing_defaults(environ)
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"], seen["headers"] = int(status.split()[0]), dict(headers)

    content = b"".join(app(environ, start_response))
    try:
        parsed: Any = json.loads(content)
    except ValueError:
        parsed = content
    return seen["status"], parsed, seen["headers"]


def buy_body(user: Any, key: str | None = None) -> dict[str, Any]:
    return {"address_id": user.addresses.first().pk, "idempotency_key": key or uuid.uuid4().hex}


def test_a_refusal_at_the_edge_is_the_apis_answer_in_the_shoppers_language(redis_gate):
    s = shop(allotment=1, limit=1)
    first, late = buyer(), buyer()
    edge, django_behind = FlashSaleEdge(Recorder()), Recorder()
    edge.app = django_behind
    path = f"/api/v1/growth/flashsale/items/{s.item.pk}/buy"
    assert call(edge, path, buy_body(first), token=token_create(user=first))[0] == 202
    status, body, headers = call(edge, path, buy_body(late), token=token_create(user=late))
    assert status == 409 and body["code"] == "flashsale_sold_out" and body["message"] == "已抢光"
    assert headers["Content-Type"].startswith("application/json") and headers["X-Request-ID"]
    english = call(edge, path, buy_body(late), token=token_create(user=late), language="en")[1]
    assert english["code"] == "flashsale_sold_out" and english["message"] != "已抢光" and english["message"].isascii()
    assert django_behind.bodies == []  # nothing went on to Django
    # the API through the whole stack answers the same
    client = Client()
    client.force_login(late)
    api = client.post(path, json.dumps(buy_body(late)), content_type="application/json")
    assert api.status_code == 409 and api.json() == {"code": body["code"], "message": body["message"]}


def test_a_winner_at_the_edge_gets_the_ticket_and_its_order_is_placed(redis_gate):
    s = shop(allotment=2, limit=1)
    member = buyer()
    key = "edge-key-0001"
    status, body, _h = call(FlashSaleEdge(Recorder()), f"/api/v1/growth/flashsale/items/{s.item.pk}/buy",
                            buy_body(member, key), token=token_create(user=member))
    assert status == 202 and body["status"] == "queued" and body["item_id"] == s.item.pk
    ticket = FlashTicket.objects.get(pk=body["id"])
    assert ticket.user == member and ticket.idempotency_key == key
    assert ticket.status == TicketStatus.PLACED and Order.objects.get().buyer_id == member.pk
    # the same buy again: the same ticket, no second unit
    again = call(FlashSaleEdge(Recorder()), f"/api/v1/growth/flashsale/items/{s.item.pk}/buy",
                 buy_body(member, key), token=token_create(user=member))
    assert again[0] == 202 and again[1]["id"] == body["id"] and FlashTicket.objects.count() == 1


def test_what_is_not_a_plain_buy_goes_on_to_django(redis_gate):
    s = shop(allotment=5, limit=1)
    member = buyer()
    token = token_create(user=member)
    path = f"/api/v1/growth/flashsale/items/{s.item.pk}/buy"
    behind = Recorder()
    edge = FlashSaleEdge(behind)
    cases = [
        call(edge, path, buy_body(member)),  # no bearer token: a page's session (CSRF) or anonymous
        call(edge, path, buy_body(member), token="not-a-token"),  # Django answers 401
        call(edge, path, b'{"idempotency_key": 5', token=token),  # Django answers 422 with the details
        call(edge, path, buy_body(member), token=token, method="GET"),
        call(edge, "/api/v1/growth/flashsale/items/x/buy", buy_body(member), token=token),
        call(edge, "/api/v1/health", None, token=token),
    ]
    assert [status for status, _b, _h in cases] == [299] * len(cases)
    assert behind.bodies[2] == b'{"idempotency_key": 5'  # the body Django gets is the one the client sent
    revoked = token_create(user=member)
    token_revoke(user=member, key=revoked)
    assert call(edge, path, buy_body(member), token=revoked)[0] == 299  # revoked: at once, Django says 401
    assert FlashTicket.objects.count() == 0


def test_the_edge_is_off_without_redis(settings):
    settings.REDIS_URL = ""
    s = shop(allotment=5, limit=1)
    member = buyer()
    behind = Recorder()
    status, _b, _h = call(FlashSaleEdge(behind), f"/api/v1/growth/flashsale/items/{s.item.pk}/buy",
                          buy_body(member), token=token_create(user=member))
    assert status == 299 and len(behind.bodies) == 1


def test_through_the_real_application_a_fall_through_gets_djangos_own_answer(redis_gate):
    s = shop(allotment=5, limit=1)
    member = buyer()
    django_app = get_wsgi_application()
    path = f"/api/v1/growth/flashsale/items/{s.item.pk}/buy"
    for body in (buy_body(member), b'{"idempotency_key": 5'):
        edge_answer = call(FlashSaleEdge(django_app), path, body, token="not-a-token")
        django_answer = call(django_app, path, body, token="not-a-token")
        assert edge_answer[:2] == django_answer[:2] and edge_answer[0] in (401, 403)
    # a body that parses but breaks a rule is the service's refusal, answered at the edge like the API does
    status, body, _h = call(FlashSaleEdge(django_app), path, {"idempotency_key": "short"},
                            token=token_create(user=member))
    assert status == 400 and body["code"] == "idempotency_key_missing"
