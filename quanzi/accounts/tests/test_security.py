"""Security issue 6, findings 6 and 7: login lockout and rate limits, password rules, token expiry and revocation.

Each test here fails on the code before the fix: 30 wrong passwords were all answered 401 and the right one then
worked, "password" and "aaaaaaaa" were accepted, tokens never expired and outlived a password change."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from conftest import api_client, make_user
from quanzi.accounts import services
from quanzi.accounts.hashers import CheapArgon2PasswordHasher
from quanzi.accounts.jobs import purge_expired_tokens
from quanzi.accounts.models import ApiToken, User
from quanzi.accounts.validators import VarietyValidator
from quanzi.core.errors import InvalidInput, NotAuthenticated, TooManyRequests
from quanzi.core.testing import race
from quanzi.web.demo.clock import clock_at

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-1"  # conftest.make_user's
NEW_PASSWORD = "another-secret-7"


def _api_login(login: str, password: str, client: Client | None = None, **extra: Any) -> Any:
    return (client or Client()).post("/api/v1/accounts/login", {"login": login, "password": password},
                                     content_type="application/json", **extra)


def _me(token: str) -> int:
    return Client().get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code


def _logged_in(client: Client) -> bool:
    return client.get("/notifications/").status_code == 200


def _later(**delta: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(**delta)


@pytest.fixture
def hasher_calls() -> Iterator[list[str]]:
    """Every argon2 computation (a check against a stored hash, or the dummy hash for an unknown login)."""
    calls: list[str] = []
    lock = threading.Lock()
    verify, encode = CheapArgon2PasswordHasher.verify, CheapArgon2PasswordHasher.encode

    def spy_verify(self: Any, *args: Any, **kwargs: Any) -> Any:
        with lock:
            calls.append("verify")
        return verify(self, *args, **kwargs)

    def spy_encode(self: Any, *args: Any, **kwargs: Any) -> Any:
        with lock:
            calls.append("encode")
        return encode(self, *args, **kwargs)

    with mock.patch.object(CheapArgon2PasswordHasher, "verify", spy_verify), \
            mock.patch.object(CheapArgon2PasswordHasher, "encode", spy_encode):
        yield calls


# --- finding 6: lockout ----------------------------------------------------------------------------------------


def test_thirty_wrong_passwords_lock_the_account_and_the_right_one_waits_out_the_lock_api(member):
    codes = []
    for _ in range(30):
        r = _api_login(member.phone, "wrong-pass-1")
        codes.append((r.status_code, r.json()["code"]))
    assert codes[:4] == [(401, "bad_credentials")] * 4
    assert codes[4:] == [(429, "login_locked")] * 26
    r = _api_login(member.phone, PASSWORD)
    assert r.status_code == 429 and r.json()["code"] == "login_locked"
    assert r.json()["message"] == "登录失败次数过多，请 15 分钟后再试"
    assert 0 < int(r["Retry-After"]) <= 15 * 60
    with clock_at(_later(minutes=14)):
        assert _api_login(member.phone, PASSWORD).status_code == 429
    with clock_at(_later(minutes=16)):
        r = _api_login(member.phone, PASSWORD)
        assert r.status_code == 200 and _me(r.json()["token"]) == 200


def test_lockout_on_the_login_page(member):
    c = Client()
    for _ in range(4):
        r = c.post("/login/", {"login": member.phone, "password": "wrong-pass-1"})
        assert r.status_code == 400 and "账号或密码错误" in r.content.decode()
    r = c.post("/login/", {"login": member.phone, "password": "wrong-pass-1"})
    assert r.status_code == 429 and "登录失败次数过多，请 15 分钟后再试" in r.content.decode()
    r = c.post("/login/", {"login": member.phone, "password": PASSWORD})
    assert r.status_code == 429 and r["Retry-After"] and "登录失败次数过多" in r.content.decode()
    assert not _logged_in(c)
    # the page and the API count against the same account
    assert _api_login(member.phone, PASSWORD).json()["code"] == "login_locked"
    with clock_at(_later(minutes=16)):
        r = c.post("/login/", {"login": member.phone, "password": PASSWORD})
        assert r.status_code == 302
    assert _logged_in(c)


def test_a_locked_account_costs_no_password_hash(member, hasher_calls):
    for _ in range(5):
        _api_login(member.phone, "wrong-pass-1")
    assert hasher_calls == ["verify"] * 5
    hasher_calls.clear()
    for password in ("wrong-pass-1", PASSWORD):
        with pytest.raises(TooManyRequests) as exc:
            services.user_authenticate(login=member.phone, password=password)
        assert exc.value.code == "login_locked"
    assert hasher_calls == []


def test_unknown_logins_hash_a_dummy_and_lock_the_same_way(hasher_calls):
    codes = [_api_login("13912345678", "wrong-pass-1").json()["code"] for _ in range(6)]
    assert codes == ["bad_credentials"] * 4 + ["login_locked"] * 2
    assert hasher_calls == ["encode"] * 5  # the same argon2 cost as a real account's check: no timing oracle


def test_the_account_is_the_normalised_login():
    user = services.user_signup(email="Hong@Example.com", password=PASSWORD, nickname="小红")
    for login in ("hong@example.com", "HONG@example.com", " Hong@Example.COM ", "hong@EXAMPLE.com"):
        with pytest.raises(NotAuthenticated):
            services.user_authenticate(login=login, password="wrong-pass-1")
    with pytest.raises(TooManyRequests):
        services.user_authenticate(login="hong@example.com", password="wrong-pass-1")
    with pytest.raises(TooManyRequests):
        services.user_authenticate(login="hong@example.com", password=PASSWORD)
    assert user.pk


def test_a_success_clears_the_failure_count(member):
    for _ in range(4):
        assert _api_login(member.phone, "wrong-pass-1").status_code == 401
    assert _api_login(member.phone, PASSWORD).status_code == 200
    for _ in range(4):
        assert _api_login(member.phone, "wrong-pass-1").status_code == 401
    assert _api_login(member.phone, PASSWORD).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_concurrent_guesses_cannot_slip_past_the_limit(hasher_calls):
    outcomes = race([lambda: services.user_authenticate(login="13912340000", password="wrong-pass-1")
                     for _ in range(12)])
    # Each attempt is counted before its password is checked, so only the first five reach the hasher; the
    # fifth failure locks, the seven others are refused without hashing.
    assert sorted(outcomes) == ["bad_credentials"] * 4 + ["login_locked"] * 8, outcomes
    assert len(hasher_calls) == 5


def test_per_ip_login_limit_with_retry_after():
    for n in range(30):
        assert _api_login(f"1391111{n:04d}", "wrong-pass-1").status_code == 401
    r = _api_login("13911119999", "wrong-pass-1")
    assert r.status_code == 429 and r.json()["code"] == "too_many_requests"
    assert 0 < int(r["Retry-After"]) <= 600
    assert _api_login("13911119999", "wrong-pass-1", REMOTE_ADDR="10.0.0.2").status_code == 401
    with clock_at(_later(minutes=10, seconds=1)):
        assert _api_login("13911119999", "wrong-pass-1").status_code == 401


def test_the_forwarded_for_header_is_not_trusted():
    for n in range(30):
        _api_login(f"1391111{n:04d}", "wrong-pass-1", HTTP_X_FORWARDED_FOR=f"10.1.0.{n}")
    r = _api_login("13911119999", "wrong-pass-1", HTTP_X_FORWARDED_FOR="10.1.1.1")
    assert r.status_code == 429


def test_per_ip_signup_limit_api_and_page():
    for n in range(10):
        r = Client().post("/api/v1/accounts/signup", {"phone": f"1392222{n:04d}", "password": PASSWORD,
                                                      "nickname": f"新人{n}"}, content_type="application/json")
        assert r.status_code == 201, r.content
    r = Client().post("/api/v1/accounts/signup", {"phone": "13922229999", "password": PASSWORD, "nickname": "多"},
                      content_type="application/json")
    assert r.status_code == 429 and r.json()["code"] == "too_many_requests"
    assert 0 < int(r["Retry-After"]) <= 3600
    page = Client().post("/signup/", {"login": "13922229999", "nickname": "多", "password": PASSWORD})
    assert page.status_code == 429 and page["Retry-After"] and "请求过于频繁" in page.content.decode()
    assert not User.objects.filter(phone="13922229999").exists()
    other_ip = Client(REMOTE_ADDR="10.0.0.3").post(
        "/api/v1/accounts/signup", {"phone": "13922229999", "password": PASSWORD, "nickname": "多"},
        content_type="application/json")
    assert other_ip.status_code == 201


def test_services_without_an_ip_are_not_ip_limited():
    users = [make_user() for _ in range(12)]  # the demo builder and the tests sign up many in one process
    assert len({u.pk for u in users}) == 12


# --- finding 6: password rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["password", "aaaaaaaa", "12345678", "abababab", "13800000009", "Password1",
                                      "short"])
def test_weak_passwords_are_refused_at_signup(password):
    with pytest.raises(InvalidInput) as exc:
        services.user_signup(phone="13800000009", password=password, nickname="小红")
    assert exc.value.code == "weak_password"
    r = Client().post("/api/v1/accounts/signup", {"phone": "13800000009", "password": password, "nickname": "小红"},
                      content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "weak_password"
    assert not User.objects.filter(phone="13800000009").exists()


def test_a_password_like_the_email_or_nickname_is_refused():
    for kwargs in ({"email": "xiaohong.runner@example.com", "password": "xiaohong.runner", "nickname": "红"},
                   {"phone": "13800000010", "password": "sunny-runner", "nickname": "sunny-runner"}):
        with pytest.raises(InvalidInput) as exc:
            services.user_signup(**kwargs)
        assert exc.value.code == "weak_password"


def test_the_passwords_the_project_uses_pass_the_validators():
    from quanzi.web.demo.build import DEMO_PASSWORD

    for password in (DEMO_PASSWORD, PASSWORD, "good-pass-1", NEW_PASSWORD):
        validate_password(password, User(phone="13800000011", nickname="小红"))


def test_variety_validator():
    validator = VarietyValidator()
    for bad in ("aaaaaaaa", "abababab", "abcabcabc", "11112222"):
        with pytest.raises(ValidationError) as exc:
            validator.validate(bad)
        assert exc.value.error_list[0].code == "password_too_little_variety"
    validator.validate("abcdabcd")
    assert "4" in validator.get_help_text()


@pytest.mark.parametrize("password", ["password", "aaaaaaaa", "12345678"])
def test_weak_passwords_are_refused_at_password_change(member, password):
    with pytest.raises(InvalidInput) as exc:
        services.password_change(user=member, old_password=PASSWORD, new_password=password)
    assert exc.value.code == "weak_password"
    r = api_client(member).post("/api/v1/accounts/password", {"old_password": PASSWORD, "new_password": password},
                                content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "weak_password"
    r = api_client(member).post("/api/v1/accounts/password",
                                {"old_password": PASSWORD, "new_password": member.phone},
                                content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "weak_password"
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_password_change_needs_the_old_password_and_wrong_guesses_lock(member, hasher_calls):
    c = api_client(member)
    for _ in range(4):
        r = c.post("/api/v1/accounts/password", {"old_password": "wrong-pass-1", "new_password": NEW_PASSWORD},
                   content_type="application/json")
        assert r.status_code == 400 and r.json()["code"] == "wrong_password"
    r = c.post("/api/v1/accounts/password", {"old_password": "wrong-pass-1", "new_password": NEW_PASSWORD},
               content_type="application/json")
    assert r.status_code == 429 and r.json()["code"] == "password_locked" and r["Retry-After"]
    hasher_calls.clear()
    r = c.post("/api/v1/accounts/password", {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
               content_type="application/json")
    assert r.status_code == 429 and hasher_calls == []
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_password_change_page(member, other):
    c = Client()
    c.force_login(member)
    elsewhere = Client()
    elsewhere.force_login(member)
    assert c.get("/me/password/").status_code == 200
    assert 'href="/me/password/"' in c.get("/me/edit/").content.decode()
    r = c.post("/me/password/", {"old_password": PASSWORD, "new_password": NEW_PASSWORD,
                                 "new_password2": "different-1"})
    assert r.status_code == 400 and "两次输入的新密码不一致" in r.content.decode()
    r = c.post("/me/password/", {"old_password": PASSWORD, "new_password": "password", "new_password2": "password"})
    assert r.status_code == 400 and "这个密码太常见了" in r.content.decode()
    r = c.post("/me/password/", {"old_password": "wrong-pass-1", "new_password": NEW_PASSWORD,
                                 "new_password2": NEW_PASSWORD})
    assert r.status_code == 400 and "原密码不正确" in r.content.decode()
    token = services.token_create(user=member)
    r = c.post("/me/password/", {"old_password": PASSWORD, "new_password": NEW_PASSWORD,
                                 "new_password2": NEW_PASSWORD})
    assert r.status_code == 302
    assert _logged_in(c)  # this session stays
    assert not _logged_in(elsewhere)  # every other one ends
    assert _me(token) == 401
    assert services.user_authenticate(login=member.phone, password=NEW_PASSWORD) == member


# --- finding 7: tokens -----------------------------------------------------------------------------------------


def test_login_answers_with_an_expiry_and_the_token_expires(member):
    r = _api_login(member.phone, PASSWORD)
    body = r.json()
    expires_at = dt.datetime.fromisoformat(body["expires_at"])
    assert abs(expires_at - _later(days=7)) < dt.timedelta(minutes=1)
    token = body["token"]
    assert _me(token) == 200
    with clock_at(_later(days=6, hours=23)):
        assert _me(token) == 200
    with clock_at(_later(days=7, seconds=5)):
        r = Client().get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert r.status_code == 401 and r.json()["code"] == "not_authenticated"
        assert services.token_user(token) is None


def test_signup_answers_with_an_expiry():
    r = Client().post("/api/v1/accounts/signup", {"phone": "13800000012", "password": PASSWORD, "nickname": "小红"},
                      content_type="application/json")
    assert r.status_code == 201 and r.json()["expires_at"]


def test_refresh_swaps_the_token_and_revokes_the_old_one(member):
    start = timezone.now()
    old = _api_login(member.phone, PASSWORD).json()["token"]
    with clock_at(start + dt.timedelta(days=6)):
        r = Client().post("/api/v1/accounts/token/refresh", HTTP_AUTHORIZATION=f"Bearer {old}")
        assert r.status_code == 200, r.content
        new = r.json()["token"]
        assert new != old and r.json()["user"]["id"] == member.pk
        expires_at = dt.datetime.fromisoformat(r.json()["expires_at"])
        assert abs(expires_at - (start + dt.timedelta(days=13))) < dt.timedelta(minutes=1)
        assert _me(old) == 401 and _me(new) == 200
        again = Client().post("/api/v1/accounts/token/refresh", HTTP_AUTHORIZATION=f"Bearer {old}")
        assert again.status_code == 401
    with clock_at(start + dt.timedelta(days=12)):  # past the old token's expiry, within the new one's
        assert _me(new) == 200
    with clock_at(start + dt.timedelta(days=13, minutes=1)):
        assert _me(new) == 401


def test_refresh_needs_a_bearer_token(member):
    c = Client()
    c.force_login(member)
    assert c.post("/api/v1/accounts/token/refresh").status_code == 401


def test_refreshes_end_at_the_maximum_age_from_the_login(member):
    start = timezone.now()
    token = _api_login(member.phone, PASSWORD).json()["token"]
    for day in (6, 12, 18, 24, 29):
        with clock_at(start + dt.timedelta(days=day)):
            r = Client().post("/api/v1/accounts/token/refresh", HTTP_AUTHORIZATION=f"Bearer {token}")
            assert r.status_code == 200, (day, r.content)
            token = r.json()["token"]
    expires_at = dt.datetime.fromisoformat(r.json()["expires_at"])
    assert abs(expires_at - (start + dt.timedelta(days=30))) < dt.timedelta(minutes=1)  # not day 29 + 7
    with clock_at(start + dt.timedelta(days=30, minutes=5)):
        r = Client().post("/api/v1/accounts/token/refresh", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert r.status_code == 401 and r.json()["code"] == "not_authenticated"
        with pytest.raises(NotAuthenticated):
            services.token_refresh(key=token)
        r = _api_login(member.phone, PASSWORD)  # logging in again starts a new session
        assert r.status_code == 200 and _me(r.json()["token"]) == 200


def test_a_password_change_revokes_every_token(member):
    phone, laptop = services.token_create(user=member), services.token_create(user=member)
    services.password_change(user=member, old_password=PASSWORD, new_password=NEW_PASSWORD)
    assert _me(phone) == 401 and _me(laptop) == 401
    assert not ApiToken.objects.filter(user=member).exists()


def test_the_password_change_api_gives_the_caller_a_new_token(member):
    old, other_device = services.token_create(user=member), services.token_create(user=member)
    browser = Client()
    browser.force_login(member)
    r = Client().post("/api/v1/accounts/password", {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
                      content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {old}")
    assert r.status_code == 200, r.content
    assert _me(r.json()["token"]) == 200 and r.json()["expires_at"]
    assert _me(old) == 401 and _me(other_device) == 401
    assert not _logged_in(browser)


def test_the_password_change_api_keeps_the_calling_session(member):
    browser, elsewhere = Client(), Client()
    browser.force_login(member)
    elsewhere.force_login(member)
    r = browser.post("/api/v1/accounts/password", {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
                     content_type="application/json")
    assert r.status_code == 200 and r.json() == {"token": None, "expires_at": None}
    assert _logged_in(browser) and not _logged_in(elsewhere)


def test_a_password_set_outside_the_services_also_ends_the_tokens(member):
    token = services.token_create(user=member)
    user = User.objects.get(pk=member.pk)
    user.set_password(NEW_PASSWORD)  # e.g. the admin's password form or `manage.py changepassword`
    user.save()
    assert _me(token) == 401


def test_logout_revokes_only_the_current_token(member):
    a, b = services.token_create(user=member), services.token_create(user=member)
    assert Client().post("/api/v1/accounts/logout", HTTP_AUTHORIZATION=f"Bearer {a}").status_code == 204
    assert _me(a) == 401 and _me(b) == 200


def test_logout_all_api_revokes_every_token_and_session(member, other):
    a, b = services.token_create(user=member), services.token_create(user=member)
    others = services.token_create(user=other)
    browser = Client()
    browser.force_login(member)
    other_browser = Client()
    other_browser.force_login(other)
    assert _logged_in(browser)
    r = Client().post("/api/v1/accounts/logout-all", HTTP_AUTHORIZATION=f"Bearer {a}")
    assert r.status_code == 204
    assert _me(a) == 401 and _me(b) == 401
    assert not _logged_in(browser)
    assert _me(others) == 200 and _logged_in(other_browser)  # nobody else is touched
    r = _api_login(member.phone, PASSWORD)  # logging in again works, on a new session
    assert _me(r.json()["token"]) == 200
    browser.force_login(User.objects.get(pk=member.pk))
    assert _logged_in(browser)


def test_logout_all_from_the_account_page(member):
    token = services.token_create(user=member)
    c, elsewhere = Client(), Client()
    c.force_login(member)
    elsewhere.force_login(member)
    assert 'id="logout-all"' in c.get(f"/u/{member.pk}/").content.decode()
    r = c.post("/logout/all/")
    assert r.status_code == 302 and r["Location"] == "/login/"
    assert not _logged_in(c) and not _logged_in(elsewhere)
    assert _me(token) == 401


def test_logout_all_by_session_api(member):
    browser = Client()
    browser.force_login(member)
    assert browser.post("/api/v1/accounts/logout-all").status_code == 204
    assert browser.get("/api/v1/accounts/me").status_code == 401


def test_sessions_made_before_the_epoch_existed_stay_valid(member):
    # epoch 0 keeps Django's own session hash, so deploying this change logs nobody out
    from django.contrib.auth.base_user import AbstractBaseUser

    assert member.get_session_auth_hash() == AbstractBaseUser.get_session_auth_hash(member)
    services.logout_all(user=member)
    assert member.get_session_auth_hash() != AbstractBaseUser._get_session_auth_hash(member)  # type: ignore[attr-defined]


def test_the_purge_job_removes_expired_tokens(member):
    keep = services.token_create(user=member)
    with clock_at(_later(days=-8)):
        services.token_create(user=member)
    assert purge_expired_tokens.call_local() == 1
    assert purge_expired_tokens.call_local() == 0
    assert _me(keep) == 200
