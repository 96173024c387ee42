"""The real WeChat protocol against a fake WeChat on loopback (an http.server thread) that answers as WeChat's
published documentation shows (网页授权 /sns/oauth2/access_token and /sns/userinfo; 小程序 /sns/jscode2session,
errors as HTTP 200 + errcode), and records each request so its fields can be checked."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import management
from django.test import Client

from quanzi.wxlogin.models import PendingIdentity, WechatBindEvent, WechatIdentity
from quanzi.wxlogin.tests.helpers import query_of

pytestmark = pytest.mark.django_db

APPID, SECRET = "wx1111222233334444", "oa-secret-0123456789abcdef0123456"
MINI_APPID, MINI_SECRET = "wx5555666677778888", "mini-secret-0123456789abcdef01234"
SESSION_KEY = "tiihtNczf5v6AKRyjwEUhQ=="  # the example session_key of WeChat's documentation


class FakeWechat:
    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.used: set[str] = set()
        self.down = False

    def answer(self, path: str, q: dict[str, str]) -> tuple[int, dict[str, object]]:
        self.requests.append((path, q))
        if self.down:
            return 500, {}
        if path in ("/sns/oauth2/access_token", "/sns/jscode2session"):
            code = q.get("code") or q.get("js_code") or ""
            if code.startswith("bad"):
                return 200, {"errcode": 40029, "errmsg": "invalid code"}
            if code in self.used:
                return 200, {"errcode": 40163, "errmsg": "code been used, rid: 6571b6c5-1d2b2a3c-1b2a3c4d"}
            self.used.add(code)
            who = code.split("-")[0]
            if path == "/sns/jscode2session":
                return 200, {"openid": f"mini-{who}", "session_key": SESSION_KEY, "unionid": f"union-{who}"}
            return 200, {"access_token": f"ACCESS-{who}", "expires_in": 7200, "refresh_token": "REFRESH",
                         "openid": f"oa-{who}", "scope": "snsapi_userinfo" if "info" in code else "snsapi_base",
                         "is_snapshotuser": 1 if "snap" in code else 0, "unionid": f"union-{who}"}
        if path == "/sns/userinfo":
            who = q["access_token"].removeprefix("ACCESS-")
            return 200, {"openid": q["openid"], "nickname": f"微信{who}", "sex": 0, "province": "", "city": "",
                         "country": "", "headimgurl": "https://thirdwx.qlogo.cn/mmopen/g3Mon/132",
                         "privilege": [], "unionid": f"union-{who}"}
        return 404, {}


@pytest.fixture
def wechat(settings) -> Iterator[FakeWechat]:
    fake = FakeWechat()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            parts = urlsplit(self.path)
            status, body = fake.answer(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})
            data = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")  # WeChat says text/plain for JSON, on some endpoints
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.QUANZI_WXLOGIN_SANDBOX = False
    settings.QUANZI_WXLOGIN = {"APPID": APPID, "SECRET": SECRET, "MINI_APPID": MINI_APPID,
                               "MINI_SECRET": MINI_SECRET, "API_BASE": f"http://127.0.0.1:{server.server_port}"}
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def _start(client: Client, scope: str = "snsapi_userinfo") -> dict[str, str]:
    r = client.get("/wx/login/", {"next": "/discover/", "scope": scope})
    assert r.status_code == 302
    url = r["Location"]
    assert url.startswith("https://open.weixin.qq.com/connect/oauth2/authorize?") and url.endswith(
        "#wechat_redirect")
    query = urlsplit(url).query
    # WeChat documents this parameter order (appid, redirect_uri, response_type, scope, state)
    assert [kv.split("=")[0] for kv in query.split("&")] == ["appid", "redirect_uri", "response_type", "scope",
                                                             "state"]
    params = query_of(url.split("#")[0])
    assert params["appid"] == APPID and params["response_type"] == "code" and params["scope"] == scope
    assert params["redirect_uri"] == "http://testserver/wx/callback/"
    assert params["state"].isalnum() and len(params["state"]) <= 128
    return params


def test_oauth_userinfo_exchanges_the_code_and_reads_the_profile(wechat):
    client = Client()
    state = _start(client)["state"]
    r = client.get("/wx/callback/", {"code": "lin-info-1", "state": state})
    assert r.status_code == 302 and r["Location"] == "/wx/welcome/"
    token_call, info_call = wechat.requests
    assert token_call == ("/sns/oauth2/access_token", {"appid": APPID, "secret": SECRET, "code": "lin-info-1",
                                                       "grant_type": "authorization_code"})
    assert info_call == ("/sns/userinfo", {"access_token": "ACCESS-lin", "openid": "oa-lin", "lang": "zh_CN"})
    page = client.get("/wx/welcome/").content.decode()
    assert "微信lin" in page and "thirdwx.qlogo.cn" in page
    client.post("/wx/welcome/", {"action": "create", "nickname": "林", "consent": "on"})
    identity = WechatIdentity.objects.get()
    assert (identity.appid, identity.openid, identity.unionid) == (APPID, "oa-lin", "union-lin")
    assert identity.scope == "snsapi_userinfo" and identity.nickname == "微信lin"


def test_snsapi_base_asks_no_user_info(wechat):
    client = Client()
    state = _start(client, scope="snsapi_base")["state"]
    assert client.get("/wx/callback/", {"code": "mo-1", "state": state}).status_code == 302
    assert [path for path, _q in wechat.requests] == ["/sns/oauth2/access_token"]


def test_wechat_answers_40163_for_a_used_code_and_nothing_changes(wechat):
    client = Client()
    first = _start(client)["state"]
    assert client.get("/wx/callback/", {"code": "ned-info-1", "state": first}).status_code == 302
    pending = PendingIdentity.objects.count()
    second = _start(client)["state"]
    r = client.get("/wx/callback/", {"code": "ned-info-1", "state": second})
    assert r.status_code == 400 and b"wechat_code_used" in r.content
    third = _start(client)["state"]
    r = client.get("/wx/callback/", {"code": "bad-code", "state": third})
    assert r.status_code == 400 and b"wechat_code_invalid" in r.content
    assert PendingIdentity.objects.count() == pending and not WechatIdentity.objects.exists()


def test_a_moments_snapshot_user_is_asked_to_open_the_full_page(wechat):
    client = Client()
    state = _start(client, scope="snsapi_base")["state"]
    r = client.get("/wx/callback/", {"code": "sam-snap-1", "state": state})
    assert r.status_code == 400 and b"wechat_snapshot_user" in r.content
    assert not PendingIdentity.objects.exists()


def test_wechat_unreachable_is_a_clear_502(wechat):
    wechat.down = True
    client = Client()
    state = _start(client)["state"]
    r = client.get("/wx/callback/", {"code": "oz-1", "state": state})
    assert r.status_code == 502 and b"wechat_provider_error" in r.content


def test_mini_program_login_register_and_login_again(wechat):
    api = Client()
    r = api.post("/api/v1/wxlogin/mini/login", {"code": "pia-1"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "need_account"
    assert wechat.requests[-1] == ("/sns/jscode2session", {"appid": MINI_APPID, "secret": MINI_SECRET,
                                                           "js_code": "pia-1", "grant_type": "authorization_code"})
    ticket = r.json()["ticket"]
    refused = api.post("/api/v1/wxlogin/mini/register", {"ticket": ticket, "nickname": "Pia", "consent": False},
                       content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "wechat_consent_required"
    done = api.post("/api/v1/wxlogin/mini/register", {"ticket": ticket, "nickname": "Pia", "consent": True},
                    content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "logged_in" and done.json()["token"]
    assert SESSION_KEY not in r.content.decode() + done.content.decode()
    again = api.post("/api/v1/wxlogin/mini/login", {"code": "pia-2"}, content_type="application/json")
    assert again.json()["status"] == "logged_in" and again.json()["user"]["id"] == done.json()["user"]["id"]
    used = api.post("/api/v1/wxlogin/mini/login", {"code": "pia-2"}, content_type="application/json")
    assert used.status_code == 400 and used.json()["code"] == "wechat_code_used"
    # the session_key is kept nowhere
    stored = json.dumps([list(m.objects.values()) for m in (WechatIdentity, PendingIdentity, WechatBindEvent)],
                        default=str)
    assert SESSION_KEY not in stored


def test_the_same_person_in_the_mini_program_is_matched_by_unionid(wechat):
    client = Client()
    state = _start(client)["state"]
    client.get("/wx/callback/", {"code": "quin-info-1", "state": state})
    client.post("/wx/welcome/", {"action": "create", "nickname": "Quin", "consent": "on"})
    r = Client().post("/api/v1/wxlogin/mini/login", {"code": "quin-1"}, content_type="application/json")
    assert r.json()["status"] == "logged_in" and r.json()["user"]["nickname"] == "Quin"
    mini = WechatIdentity.objects.get(appid=MINI_APPID)
    assert mini.openid == "mini-quin" and mini.user.nickname == "Quin"
    assert WechatBindEvent.objects.get(identity=mini).via == "unionid"


def test_system_check_reports_half_a_configuration(settings):
    settings.QUANZI_WXLOGIN = {"APPID": "wx1111222233334444"}
    from quanzi.wxlogin.checks import check_wxlogin

    found = check_wxlogin()
    assert [m.id for m in found] == ["wxlogin.E001"] and "WECHAT_LOGIN_SECRET" in found[0].msg
    settings.QUANZI_WXLOGIN = {"APPID": APPID, "SECRET": SECRET}
    assert check_wxlogin() == []
    management.call_command("check")  # the check is registered and passes with a whole configuration
