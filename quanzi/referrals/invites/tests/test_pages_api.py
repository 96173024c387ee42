"""The pages and the API: a landing page remembers the invite and the sign-up binds; a typed code binds; an
unknown code refuses the sign-up (no account); the API's bind errors; the invite page, poster and QR images."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from PIL import Image

from conftest import api_client, make_user
from quanzi.accounts.models import User
from quanzi.referrals.invites import selectors, services
from quanzi.referrals.invites.enums import BindPolicy, BindSource
from quanzi.referrals.invites.models import Binding, InviteVisit
from quanzi.referrals.invites.tests.helpers import set_policy

pytestmark = pytest.mark.django_db


def _signup(client: Client, phone: str, **extra: str):  # type: ignore[no-untyped-def]
    return client.post("/signup/", {"login": phone, "nickname": "新人", "password": "pass-word-1", **extra})


def test_landing_remembers_the_first_link_and_signup_binds(django_capture_on_commit_callbacks) -> None:
    a, b = make_user("甲"), make_user("乙")
    code_a, code_b = services.invite_code_ensure(user=a), services.invite_code_ensure(user=b)
    client = Client()
    page = client.get(f"/i/{code_a}/")
    assert page.status_code == 200 and "甲 邀请你加入圈子" in page.content.decode()
    assert client.cookies.get("qz_did")
    client.get(f"/i/{code_b}/")  # first invite wins: the session keeps A
    with django_capture_on_commit_callbacks(execute=True):
        assert _signup(client, "13911112222").status_code == 302
    new = User.objects.get(phone="13911112222")
    binding = selectors.binding_in_force(user_id=new.pk)
    assert binding is not None and binding.inviter_id == a.pk and binding.source == BindSource.LINK
    assert binding.device == client.cookies["qz_did"].value
    assert InviteVisit.objects.filter(inviter=a).count() == 1


def test_last_click_policy_remembers_the_latest_link(django_capture_on_commit_callbacks) -> None:
    set_policy(BindPolicy.LAST_CLICK)
    a, b = make_user(), make_user()
    client = Client()
    client.get(f"/i/{services.invite_code_ensure(user=a)}/")
    client.get(f"/i/{services.invite_code_ensure(user=b)}/")
    with django_capture_on_commit_callbacks(execute=True):
        _signup(client, "13911113333")
    assert selectors.inviter_of(user_id=User.objects.get(phone="13911113333").pk) == b.pk


def test_a_typed_code_wins_and_an_unknown_code_creates_no_account(django_capture_on_commit_callbacks) -> None:
    a = make_user()
    client = Client()
    bad = _signup(client, "13911114444", invite_code="ZZZZ9999")
    assert bad.status_code == 404 or "邀请码不存在" in bad.content.decode()
    assert not User.objects.filter(phone="13911114444").exists()
    with django_capture_on_commit_callbacks(execute=True):
        _signup(client, "13911114444", invite_code=services.invite_code_ensure(user=a).lower())
    binding = selectors.binding_in_force(user_id=User.objects.get(phone="13911114444").pk)
    assert binding is not None and binding.inviter_id == a.pk and binding.source == BindSource.CODE


def test_api_signup_with_a_code(django_capture_on_commit_callbacks) -> None:
    a = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        r = Client().post("/api/v1/accounts/signup", {"phone": "13911115555", "password": "pass-word-1",
                                                      "nickname": "接口", "invite_code":
                                                      services.invite_code_ensure(user=a)},
                          content_type="application/json")
    assert r.status_code == 201
    assert selectors.inviter_of(user_id=User.objects.get(phone="13911115555").pk) == a.pk


def test_api_bind_errors_change_nothing() -> None:
    set_policy(BindPolicy.PERMANENT)
    a, b = make_user(), make_user()
    client = api_client(b)
    r = client.post("/api/v1/referrals/invites/bind", {"code": "NOPE2345"}, content_type="application/json")
    assert r.status_code == 404 and r.json()["code"] == "invite_code_unknown"
    r = client.post("/api/v1/referrals/invites/bind", {"code": services.invite_code_ensure(user=b)},
                    content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invite_self"
    assert not Binding.objects.exists()
    r = client.post("/api/v1/referrals/invites/bind", {"code": services.invite_code_ensure(user=a)},
                    content_type="application/json")
    assert r.status_code == 201 and r.json()["inviter_id"] == a.pk
    r = api_client(a).post("/api/v1/referrals/invites/bind", {"code": services.invite_code_ensure(user=b)},
                           content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "invite_cycle"
    r = client.post("/api/v1/referrals/invites/bind", {"code": services.invite_code_ensure(user=a)},
                    content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "invite_already_bound"
    assert Binding.objects.count() == 1


def test_api_me_link_and_invitees() -> None:
    a = make_user()
    b = make_user("好友")
    services.referral_bind(invitee=b, inviter_id=a.pk, source=BindSource.LINK, at_signup=True)
    client = api_client(a)
    me = client.get("/api/v1/referrals/invites/me").json()
    assert me["code"] == selectors.code_of(user_id=a.pk) and me["link"].endswith(f"/i/{me['code']}/")
    assert me["stats"]["invitees"] == 1 and me["inviter"] is None
    link = client.get("/api/v1/referrals/invites/link").json()
    assert link["kind"] == "platform" and link["poster_url"].endswith("/invite/poster.png?kind=platform&id=")
    missing = client.get("/api/v1/referrals/invites/link?kind=product&target_id=999999")
    assert missing.status_code == 404 and missing.json()["code"] == "invite_target_not_found"
    rows = client.get("/api/v1/referrals/invites/invitees").json()["items"]
    assert [(r["nickname"], r["first_order"], r["in_force"]) for r in rows] == [("好友", "none", True)]


def test_invite_page_poster_and_qr(client: Client) -> None:
    a = make_user("小红")
    client.force_login(a)
    page = client.get("/invite/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    poster = client.get("/invite/poster.png")
    assert poster["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(poster.content)).size == (750, 1200)
    assert Image.open(io.BytesIO(client.get("/invite/qr.png").content)).format == "PNG"
    assert client.get("/invite/poster.png?kind=product&id=999999").status_code == 404
    assert Client().get("/i/NOPE2345/").status_code == 404
