"""The WeChat subscribe-message adapter against a fake WeChat API (a real HTTP server on loopback): the access
token is fetched once and cached, the message carries the member's openid, the group's template and the text; a
member who has not subscribed is undeliverable (not retried); a revoked token is dropped and the send retried.
And the console backend keeps what it "sent"."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.cache import cache

from quanzi.notify import backends
from quanzi.notify.backends import Outgoing, Undeliverable, WechatSubscribeBackend


class FakeWechat(BaseHTTPRequestHandler):
    calls: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    answer: dict[str, Any] = {"errcode": 0, "errmsg": "ok"}
    tokens = 0

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _reply(self, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        FakeWechat.calls.append((url.path, query, {}))
        if url.path == "/cgi-bin/token" and query.get("secret") == "mini-secret":
            FakeWechat.tokens += 1
            self._reply({"access_token": f"TOKEN{FakeWechat.tokens}", "expires_in": 7200})
        else:
            self._reply({"errcode": 40013, "errmsg": "invalid appid"})

    def do_POST(self) -> None:
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeWechat.calls.append((url.path, query, body))
        self._reply(FakeWechat.answer)


@pytest.fixture
def fake_wechat(settings: Any) -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), FakeWechat)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings.QUANZI_WXLOGIN = {"MINI_APPID": "wxmini123", "MINI_SECRET": "mini-secret", "API_BASE": base,
                               "TIMEOUT": 3}
    settings.QUANZI_NOTIFY = {"WECHAT_TEMPLATES": {"trade": "TPL-TRADE"}}
    FakeWechat.calls, FakeWechat.tokens, FakeWechat.answer = [], 0, {"errcode": 0, "errmsg": "ok"}
    cache.delete(WechatSubscribeBackend.TOKEN_CACHE_KEY.format(appid="wxmini123"))
    yield base
    server.shutdown()


def _out(group: str = "trade", text: str = "订单 Q1 已发货：顺丰 SF1") -> Outgoing:
    return Outgoing(delivery_id=1, channel="wechat", kind="order", group=group, address="openid-abc", text=text,
                    url="/orders/1/")


def test_subscribe_message_sent_with_cached_token(fake_wechat: str) -> None:
    backend = WechatSubscribeBackend()
    backend.send(_out())
    backend.send(_out(text="第二条"))
    sends = [c for c in FakeWechat.calls if c[0] == "/cgi-bin/message/subscribe/send"]
    assert FakeWechat.tokens == 1 and len(sends) == 2
    _path, query, body = sends[0]
    assert query == {"access_token": "TOKEN1"}
    assert body["touser"] == "openid-abc" and body["template_id"] == "TPL-TRADE" and body["page"] == "/orders/1/"
    assert body["data"]["thing1"]["value"] == "订单 Q1 已发货：顺丰 SF1"[:20]
    assert set(body["data"]) == {"thing1", "time2"}


def test_not_subscribed_is_undeliverable(fake_wechat: str) -> None:
    FakeWechat.answer = {"errcode": 43101, "errmsg": "user refuse to accept the msg"}
    with pytest.raises(Undeliverable):
        WechatSubscribeBackend().send(_out())


def test_no_template_for_the_group_is_undeliverable(fake_wechat: str) -> None:
    with pytest.raises(Undeliverable):
        WechatSubscribeBackend().send(_out(group="interaction"))
    assert not [c for c in FakeWechat.calls if c[0] == "/cgi-bin/message/subscribe/send"]


def test_revoked_token_is_dropped_and_the_failure_retried(fake_wechat: str) -> None:
    FakeWechat.answer = {"errcode": 40001, "errmsg": "invalid credential"}
    backend = WechatSubscribeBackend()
    with pytest.raises(RuntimeError):
        backend.send(_out())
    FakeWechat.answer = {"errcode": 0, "errmsg": "ok"}
    backend.send(_out())
    tokens = [c[1]["access_token"] for c in FakeWechat.calls if c[0] == "/cgi-bin/message/subscribe/send"]
    assert tokens == ["TOKEN1", "TOKEN2"]


def test_unconfigured_mini_program_is_undeliverable(settings: Any) -> None:
    settings.QUANZI_WXLOGIN = {}
    settings.QUANZI_WXLOGIN_SANDBOX = True
    with pytest.raises(Undeliverable):
        WechatSubscribeBackend()


def test_console_backend_is_the_default(settings: Any) -> None:
    settings.QUANZI_NOTIFY = {}
    backends.OUTBOX.clear()
    for channel in ("wechat", "sms", "email"):
        backend = backends.backend(channel)
        assert isinstance(backend, backends.ConsoleBackend)
        backend.send(_out())
    assert [o.channel for o in backends.OUTBOX] == ["wechat", "wechat", "wechat"]
