"""Finding 4 of the security issue: errors never show tracebacks, settings or the environment.

A failing API call answers `{code: server_error, message, request_id}`; a failing page shows our own page with the
request id; the same id is in the log with the traceback. Even with DEBUG on (the demo), the debug page lists no
settings and no environment variables.
"""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from conftest import make_user


class Boom(RuntimeError):
    pass


def _explode(*args: object, **kwargs: object) -> object:
    raise Boom("postgres://quanzi:hunter2-db-password@db/quanzi")


@pytest.mark.django_db
def test_api_500_is_code_message_and_request_id(monkeypatch: pytest.MonkeyPatch,
                                                caplog: pytest.LogCaptureFixture) -> None:
    from quanzi.accounts import api as accounts_api

    monkeypatch.setattr(accounts_api, "current_user", _explode)
    user = make_user()
    client = Client(raise_request_exception=False)
    client.force_login(user)
    with caplog.at_level(logging.ERROR):
        response = client.get("/api/v1/accounts/me")
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "server_error" and body["request_id"]
    assert body["request_id"] in body["message"]
    assert response["X-Request-ID"] == body["request_id"]
    text = response.content.decode()
    assert "Traceback" not in text and "hunter2" not in text and "Boom" not in text
    assert any(getattr(r, "request_id", None) == body["request_id"] and r.exc_info for r in caplog.records)


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
def test_page_500_shows_no_settings_or_environment(settings: object, debug: bool,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from quanzi.accounts import views as account_views

    settings.DEBUG = debug  # type: ignore[attr-defined]
    settings.LEAKY_SERVICE_URL = "redis://:hunter2-redis-password@cache:6379/0"  # type: ignore[attr-defined]
    monkeypatch.setattr(account_views, "render", _explode)
    user = make_user()
    client = Client(raise_request_exception=False)
    client.force_login(user)
    # runserver puts the whole environment in request.META; the test client lets us do the same
    response = client.get("/notifications/", DATABASE_URL="postgres://quanzi:hunter2-db-password@db/quanzi",
                          REDIS_URL="redis://:hunter2-redis-password@cache:6379/0")
    assert response.status_code == 500
    page = response.content.decode()
    assert "hunter2-redis-password" not in page
    assert "DATABASE_URL" not in page and "REDIS_URL" not in page and "LEAKY_SERVICE_URL" not in page
    if not debug:
        assert "Traceback" not in page and "hunter2" not in page
        assert response["X-Request-ID"] in page


def test_incoming_request_id_is_kept_only_when_sane(client: Client) -> None:
    assert client.get("/api/v1/no-such", HTTP_X_REQUEST_ID="abc12345-trace")["X-Request-ID"] == "abc12345-trace"
    rid = client.get("/api/v1/no-such", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert rid != "<script>" and len(rid) == 16
