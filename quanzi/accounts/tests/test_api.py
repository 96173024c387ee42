import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from conftest import api_client

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    return buf.getvalue()


def test_signup_login_me(client):
    r = client.post("/api/v1/accounts/signup", {"phone": "13900000001", "password": "good-pass-1", "nickname": "阿花"},
                    content_type="application/json")
    assert r.status_code == 201, r.content
    token = r.json()["token"]
    r = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.json()["nickname"] == "阿花"
    r = client.post("/api/v1/accounts/login", {"login": "13900000001", "password": "nope-nope-1"},
                    content_type="application/json")
    assert r.status_code == 401 and r.json()["code"] == "bad_credentials"


def test_errors_come_in_the_users_language(client):
    body = {"phone": "1", "password": "good-pass-1", "nickname": "a"}
    zh = client.post("/api/v1/accounts/signup", body, content_type="application/json")
    en = client.post("/api/v1/accounts/signup", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert zh.status_code == en.status_code == 400
    assert zh.json()["code"] == en.json()["code"] == "invalid_phone"
    assert "手机号" in zh.json()["message"]
    assert "phone" in en.json()["message"].lower()


def test_validation_error_shape(client):
    r = client.post("/api/v1/accounts/signup", {"nickname": 1}, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "invalid_input"


@pytest.mark.parametrize("path", ["/api/v1/accounts/me", "/api/v1/accounts/notifications",
                                  "/api/v1/accounts/me/persona"])
def test_anonymous_gets_401(client, path):
    r = client.get(path)
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"


def test_persona_endpoint_requires_consent(member):
    c = api_client(member)
    r = c.put("/api/v1/accounts/me/persona/region", {"value": "杭州", "consent": False},
              content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "consent_required"
    r = c.put("/api/v1/accounts/me/persona/region", {"value": "杭州", "consent": True},
              content_type="application/json")
    assert r.json()["region"] == "杭州"
    assert c.delete("/api/v1/accounts/me/persona/region").json()["region"] == ""


def test_follow_and_paginated_followers(member, other, user_factory):
    for _ in range(3):
        api_client(user_factory()).post(f"/api/v1/accounts/users/{other.pk}/follow")
    r = api_client().get(f"/api/v1/accounts/users/{other.pk}/followers?page_size=2")
    body = r.json()
    assert body["count"] == 3 and len(body["items"]) == 2 and body["has_next"] is True
    assert api_client(member).post(f"/api/v1/accounts/users/{member.pk}/follow").status_code == 400
    assert api_client(member).post("/api/v1/accounts/users/999999/follow").status_code == 404


def test_avatar_upload_validates_content(member):
    c = api_client(member)
    bad = SimpleUploadedFile("a.png", b"not an image", content_type="image/png")
    r = c.post("/api/v1/accounts/me/avatar", {"file": bad})
    assert r.status_code == 400 and r.json()["code"] == "image_invalid"
    good = SimpleUploadedFile("a.png", _png(), content_type="image/png")
    r = c.post("/api/v1/accounts/me/avatar", {"file": good})
    assert r.status_code == 200 and r.json()["avatar_url"].endswith(".png")


def test_notifications_list_and_mark_read(member, other):
    api_client(other).post(f"/api/v1/accounts/users/{member.pk}/follow")
    c = api_client(member)
    assert c.get("/api/v1/accounts/notifications").json()["count"] == 1
    assert c.post("/api/v1/accounts/notifications/read", {}, content_type="application/json").json()["count"] == 1


def test_broken_json_gets_a_code(client):
    r = client.post("/api/v1/accounts/login", "{nope", content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid_json"


def test_post_without_body_means_no_fields(member, other):
    r = api_client(member).post(f"/api/v1/accounts/users/{other.pk}/follow")
    assert r.status_code == 204


def test_absurd_page_numbers_are_refused_not_crashing(member):
    r = api_client().get(f"/api/v1/accounts/users/{member.pk}/followers?page=32589158477190044730")
    assert r.status_code == 422 and r.json()["code"] == "invalid_input"
    assert api_client().get(f"/api/v1/accounts/users/{member.pk}/followers?page=999999").json()["items"] == []


def test_a_broken_multipart_upload_is_a_clear_400(member):
    r = api_client(member).post("/api/v1/accounts/me/avatar", "abc", content_type="multipart/form-data")
    assert r.status_code == 400 and r.json()["code"] == "invalid_multipart"
