"""Walk WeChat's OAuth round trip with a Django test client, through the sandbox's stand-in authorize page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.test import Client


def sandbox_round_trip(client: Client, *, name: str, next_url: str = "/discover/",
                       scope: str = "snsapi_userinfo") -> tuple[str, object]:
    """Start at /wx/login/, allow on the sandbox authorize page as `name`: (the callback URL WeChat would send
    the browser to, the response of following it)."""
    start = client.get("/wx/login/", {"next": next_url, "scope": scope})
    assert start.status_code == 302, start.content
    authorize = start["Location"]
    assert authorize.startswith("/wx/sandbox/authorize/")
    params = {k: v[0] for k, v in parse_qs(urlsplit(authorize).query).items()}
    assert client.get(authorize).status_code == 200
    allowed = client.post("/wx/sandbox/authorize/", {**params, "name": name, "decision": "allow"})
    assert allowed.status_code == 302
    callback = allowed["Location"]
    parts = urlsplit(callback)
    return callback, client.get(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
