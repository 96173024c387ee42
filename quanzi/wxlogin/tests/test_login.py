"""WeChat login through the sandbox identity provider: a visitor creates an account (consent recorded), comes
back and logs in, a member binds and unbinds; every bad input is refused with its code and changes nothing."""

from __future__ import annotations

import time
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from quanzi.wxlogin import conf, provider, selectors, services
from quanzi.wxlogin.models import BindAction, OAuthState, PendingIdentity, WechatBindEvent, WechatIdentity
from quanzi.wxlogin.tests.helpers import query_of, sandbox_round_trip

pytestmark = pytest.mark.django_db
User = get_user_model()


def _signup(client: Client, name: str = "alice", **extra: str) -> object:
    _callback, r = sandbox_round_trip(client, name=name)
    assert r.status_code == 302 and r["Location"] == "/wx/welcome/"
    return client.post("/wx/welcome/", {"action": "create", "nickname": name, "consent": "on", **extra})


def test_a_visitor_creates_an_account_with_consent_and_the_openid_is_bound():
    client = Client()
    _callback, r = sandbox_round_trip(client, name="alice")
    assert r["Location"] == "/wx/welcome/"
    page = client.get("/wx/welcome/").content.decode()
    assert "微信登录个人信息处理说明" in page and conf.CONSENT_VERSION in page and 'value="alice"' in page
    users_before = User.objects.count()
    refused = client.post("/wx/welcome/", {"action": "create", "nickname": "alice"})  # no consent ticked
    assert refused.status_code == 400 and "请先阅读并勾选同意" in refused.content.decode()
    assert User.objects.count() == users_before and not WechatIdentity.objects.exists()
    done = client.post("/wx/welcome/", {"action": "create", "nickname": "阿丽", "consent": "on"})
    assert done.status_code == 302 and done["Location"] == "/discover/"
    user = User.objects.get(nickname="阿丽")
    assert not user.has_usable_password() and user.phone is None and user.email is None
    identity = WechatIdentity.objects.get(user=user)
    assert identity.appid == conf.SANDBOX_APPID and identity.openid == provider.sandbox_openid(conf.SANDBOX_APPID, "alice")
    assert identity.consent_version == conf.CONSENT_VERSION and identity.nickname == "alice"
    event = WechatBindEvent.objects.get(identity=identity)
    assert (event.action, event.via, event.consent_version) == (BindAction.BIND, "signup", conf.CONSENT_VERSION)
    assert selectors.openid_for(user_id=user.pk, appid=conf.SANDBOX_APPID) == identity.openid
    assert client.get("/notifications/").status_code == 200  # logged in
    # the ticket is spent: the welcome page is gone, a second account cannot be made from it
    assert client.post("/wx/welcome/", {"action": "create", "nickname": "x", "consent": "on"}).status_code == 400


def test_the_same_wechat_user_logs_in_again_without_a_new_account():
    _signup(Client())
    user = User.objects.get(nickname="alice")
    again = Client()
    _callback, r = sandbox_round_trip(again, name="alice", next_url="/orders/")
    assert r.status_code == 302 and r["Location"] == "/orders/"
    assert User.objects.filter(nickname="alice").count() == 1
    assert WechatBindEvent.objects.filter(user=user, action=BindAction.LOGIN).count() == 1
    assert int(again.session["_auth_user_id"]) == user.pk


def test_a_state_or_code_used_twice_is_refused_and_nothing_changes():
    client = Client()
    callback, first = sandbox_round_trip(client, name="bob")
    assert first.status_code == 302
    pending = PendingIdentity.objects.count()
    parts = urlsplit(callback)
    replay = client.get(parts.path, query_of(callback))
    assert replay.status_code == 400 and b"wechat_state_used" in replay.content
    # the same code with a fresh state: the provider says the code was used (WeChat's 40163)
    start = client.get("/wx/login/", {"next": "/"})
    fresh_state = query_of(start["Location"])["state"]
    reused = client.get("/wx/callback/", {"code": query_of(callback)["code"], "state": fresh_state})
    assert reused.status_code == 400 and b"wechat_code_used" in reused.content
    assert PendingIdentity.objects.count() == pending


def test_a_forged_expired_or_foreign_state_is_refused():
    client = Client()
    start = client.get("/wx/login/", {"next": "/"})
    state = query_of(start["Location"])["state"]
    code = provider.sandbox_code_issue(appid=conf.SANDBOX_APPID, name="eve", scope="snsapi_base")
    forged = state[:-1] + ("0" if state[-1] != "0" else "1")
    r = client.get("/wx/callback/", {"code": code, "state": forged})
    assert r.status_code == 400 and b"wechat_state_invalid" in r.content
    assert client.get("/wx/callback/", {"code": code, "state": "abc"}).status_code == 400
    # a state started in another browser (a link sent to a victim) does not log this one in
    r = Client().get("/wx/callback/", {"code": code, "state": state})
    assert r.status_code == 400 and b"wechat_state_invalid" in r.content
    with mock.patch("quanzi.wxlogin.services.time.time", return_value=time.time() + 3600):
        r = client.get("/wx/callback/", {"code": code, "state": state})
    assert r.status_code == 400 and b"wechat_state_expired" in r.content
    assert OAuthState.objects.get().used_at is None and not PendingIdentity.objects.exists()


def test_a_member_binds_and_an_openid_of_another_account_is_refused(member, other):
    client = Client()
    client.force_login(member)
    _callback, r = sandbox_round_trip(client, name="carol", next_url="/wx/account/")
    assert r.status_code == 302 and r["Location"] == "/wx/account/"
    assert selectors.openid_for(user_id=member.pk, appid=conf.SANDBOX_APPID) == provider.sandbox_openid(
        conf.SANDBOX_APPID, "carol")
    # bound already: the cashier's login_url goes straight back
    assert client.get(selectors.login_url(next_url="/orders/"))["Location"] == "/orders/"
    thief = Client()
    thief.force_login(other)
    _callback, r = sandbox_round_trip(thief, name="carol")
    assert r.status_code == 409 and b"wechat_openid_taken" in r.content
    assert selectors.openid_for(user_id=other.pk, appid=conf.SANDBOX_APPID) is None
    assert WechatIdentity.objects.count() == 1


def test_unbinding_keeps_a_way_to_log_in(member):
    wx_only = Client()
    _signup(wx_only, "dave")
    identity = WechatIdentity.objects.get(nickname="dave")
    r = wx_only.post(f"/wx/account/{identity.pk}/unbind/")
    assert r.status_code == 409 and b"wechat_unbind_last_login" in r.content
    identity.refresh_from_db()
    assert identity.unbound_at is None
    # a member with a phone and a password may unbind
    client = Client()
    client.force_login(member)
    sandbox_round_trip(client, name="erin")
    mine = WechatIdentity.objects.get(user=member)
    assert client.post(f"/wx/account/{identity.pk}/unbind/").status_code == 404  # not theirs
    assert client.post(f"/wx/account/{mine.pk}/unbind/").status_code == 302
    mine.refresh_from_db()
    assert mine.unbound_at is not None
    assert selectors.openid_for(user_id=member.pk, appid=conf.SANDBOX_APPID) is None
    assert list(WechatBindEvent.objects.filter(identity=mine).values_list("action", flat=True).order_by("pk")) == [
        BindAction.BIND, BindAction.UNBIND]
    # the openid is free again: someone else (or the same member) may bind it; history stays
    sandbox_round_trip(client, name="erin")
    assert WechatIdentity.objects.filter(user=member).count() == 2


def test_an_account_made_with_a_password_can_unbind():
    client = Client()
    r = _signup(client, "fay", login="13800001111", password="wechat-pass-9")
    assert r.status_code == 302
    user = User.objects.get(phone="13800001111")
    assert user.has_usable_password()
    identity = WechatIdentity.objects.get(user=user)
    assert client.post(f"/wx/account/{identity.pk}/unbind/").status_code == 302


def test_a_weak_password_on_the_welcome_form_changes_nothing():
    client = Client()
    r = _signup(client, "gus", login="13800002222", password="123")
    assert r.status_code == 400
    assert not User.objects.filter(phone="13800002222").exists() and not WechatIdentity.objects.exists()
    assert client.get("/wx/welcome/").status_code == 200  # the ticket is still usable


def test_a_visitor_logs_in_with_a_password_and_binds_the_pending_wechat(member):
    client = Client()
    _callback, r = sandbox_round_trip(client, name="hana")
    assert r["Location"] == "/wx/welcome/"
    assert "/login/?next=%2Fwx%2Fwelcome%2F" in client.get("/wx/welcome/").content.decode()
    client.post("/login/", {"login": member.phone, "password": "pass-word-1", "next": "/wx/welcome/"})
    page = client.get("/wx/welcome/").content.decode()
    assert member.nickname in page and 'value="bind"' in page
    assert client.post("/wx/welcome/", {"action": "bind"}).status_code == 400  # consent needed
    assert client.post("/wx/welcome/", {"action": "bind", "consent": "on"}).status_code == 302
    identity = WechatIdentity.objects.get(user=member)
    assert identity.consent_version == conf.CONSENT_VERSION
    assert WechatBindEvent.objects.get(identity=identity).via == "login_bind"


def test_a_refusal_on_the_authorize_screen_logs_nobody_in():
    client = Client()
    start = client.get("/wx/login/", {"next": "/"})
    params = query_of(start["Location"])
    r = client.post("/wx/sandbox/authorize/", {**params, "name": "ian", "decision": "deny"})
    back = client.get("/wx/callback/", query_of(r["Location"]))
    assert back.status_code == 400 and "您取消了微信授权" in back.content.decode()


def test_the_sandbox_authorize_page_sends_codes_only_back_to_this_site():
    client = Client()
    start = client.get("/wx/login/", {"next": "/"})
    params = {**query_of(start["Location"]), "redirect_uri": "https://evil.example/steal"}
    r = client.post("/wx/sandbox/authorize/", {**params, "name": "x", "decision": "allow"})
    assert r.status_code == 400


def test_login_page_button_and_login_url_follow_the_configuration(settings):
    assert "微信登录" in Client().get("/login/").content.decode()  # the sandbox is on in tests
    assert selectors.login_url(next_url="/orders/").startswith("/wx/login/?next=%2Forders%2F")
    settings.QUANZI_WXLOGIN_SANDBOX = False
    assert selectors.login_url(next_url="/orders/") == ""
    assert "/wx/login/" not in Client().get("/login/").content.decode()
    assert Client().get("/wx/login/").status_code == 404
    assert Client().get("/wx/sandbox/authorize/").status_code == 404
    settings.QUANZI_WXLOGIN = {"APPID": "wx0123456789abcdef", "SECRET": "s" * 32}
    assert "/wx/login/" not in Client().get("/login/").content.decode()  # a phone browser: no OAuth there
    wechat = Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone) AppleWebKit Mobile MicroMessenger/8.0.50 NetType/WIFI")
    assert "/wx/login/" in wechat.get("/login/").content.decode()


def test_openid_for_reads_only_live_bindings(member):
    assert selectors.openid_for(user_id=member.pk, appid=conf.SANDBOX_APPID) is None
    wx = provider.WxUser(openid="o-1", unionid="u-1", scope="snsapi_base")
    services._resolve(conf.SANDBOX_APPID, wx, next_url="/", bind_user=member, via="oauth_base")
    assert selectors.openid_for(user_id=member.pk, appid=conf.SANDBOX_APPID) == "o-1"
    assert selectors.openid_for(user_id=member.pk, appid="wx-other") is None


def test_the_sandbox_mini_program_matches_the_web_account_by_unionid():
    _signup(Client(), "jun")
    code = provider.sandbox_code_issue(appid=conf.SANDBOX_MINI_APPID, name="jun", scope="mini")
    r = Client().post("/api/v1/wxlogin/mini/login", {"code": code}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "logged_in" and r.json()["user"]["nickname"] == "jun"
    token = r.json()["token"]
    mine = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/wxlogin/identities").json()
    assert sorted(i["appid"] for i in mine) == sorted([conf.SANDBOX_APPID, conf.SANDBOX_MINI_APPID])
    # a sandbox code made for the 公众号 is not a mini program code
    web_code = provider.sandbox_code_issue(appid=conf.SANDBOX_APPID, name="jun", scope="snsapi_base")
    r = Client().post("/api/v1/wxlogin/mini/login", {"code": web_code}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "wechat_code_invalid"


def test_production_settings_refuse_the_sandbox_identity_provider(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "DEBUG": "0", "QUANZI_WXLOGIN_SANDBOX": "1", "QUANZI_PAYMENTS_SANDBOX": "0",
           "QUANZI_VAR_DIR": str(tmp_path), "SECRET_KEY": "k9" * 20 + "abcdefghijklmnop",
           "DJANGO_SETTINGS_MODULE": "quanzi.settings"}
    env.pop("QUANZI_TESTING", None)
    run = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode != 0 and "QUANZI_WXLOGIN_SANDBOX" in run.stderr
    env["QUANZI_WXLOGIN_SANDBOX"] = "0"
    run = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr


def test_the_database_keeps_an_openid_on_one_account_at_a_time(member, other):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    WechatIdentity.objects.create(user=member, appid="wx-a", openid="o-x", bound_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        WechatIdentity.objects.create(user=other, appid="wx-a", openid="o-x", bound_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():  # one live identity per account and appid
        WechatIdentity.objects.create(user=member, appid="wx-a", openid="o-y", bound_at=timezone.now())
    WechatIdentity.objects.filter(user=member).update(unbound_at=timezone.now())
    WechatIdentity.objects.create(user=other, appid="wx-a", openid="o-x", bound_at=timezone.now())  # freed


def test_wechat_only_sign_ups_count_towards_the_per_ip_limit(settings):
    settings.QUANZI_ACCOUNTS = {**settings.QUANZI_ACCOUNTS, "SIGNUP_PER_IP": 1}
    assert _signup(Client(), "kai").status_code == 302
    r = _signup(Client(), "lea")
    assert r.status_code == 429 and not WechatIdentity.objects.filter(nickname="lea").exists()


def test_a_binding_that_loses_a_race_is_refused_as_taken(member):
    from django.db import IntegrityError

    wx = provider.WxUser(openid="o-race", scope="snsapi_base")
    with mock.patch.object(WechatIdentity.objects, "create", side_effect=IntegrityError("wx_openid_bound_once")), \
            pytest.raises(Exception) as caught:
        services._resolve(conf.SANDBOX_APPID, wx, next_url="/", bind_user=member, via="oauth_base")
    assert getattr(caught.value, "code", "") == "wechat_openid_taken"
    assert not WechatBindEvent.objects.exists()


def test_the_back_office_shows_bindings_and_their_audit_read_only(member):
    client = Client()
    client.force_login(member)
    sandbox_round_trip(client, name="olga")
    identity = WechatIdentity.objects.get(user=member)
    operator = User.objects.create_superuser(email="ops-wx@example.com", password="ops-pass-word-9")
    staff = Client()
    staff.force_login(operator)
    listing = staff.get("/admin/wxlogin/wechatidentity/")
    assert listing.status_code == 200 and identity.openid in listing.content.decode()
    detail = staff.get(f"/admin/wxlogin/wechatidentity/{identity.pk}/change/").content.decode()
    assert "object (" not in detail and "绑定" in detail
    assert staff.get("/admin/wxlogin/wechatidentity/add/").status_code == 403
