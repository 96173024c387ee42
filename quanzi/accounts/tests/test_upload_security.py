"""Issue 6, findings 3 and 5, through the avatar: the API and the page /me/edit/.

3: a valid GIF with `<script>` appended, named x.html, was stored under that name and served as text/html.
5: a 12000×12000 picture of 17 KB was accepted (every viewer decodes ~576 MB); past Pillow's limit it was a 500.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.sites import AdminSite
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from PIL import Image

from conftest import api_client
from quanzi.accounts.admin import UserAdmin
from quanzi.accounts.models import User
from quanzi.core.images import CleanImageField

pytestmark = pytest.mark.django_db


def gif_with_script() -> bytes:
    buf = io.BytesIO()
    Image.new("P", (16, 16), 5).save(buf, "GIF")
    return buf.getvalue() + b"<script>alert(document.cookie)</script>"


def evil_upload(content_type: str = "image/gif") -> SimpleUploadedFile:
    return SimpleUploadedFile("x.html", gif_with_script(), content_type=content_type)


def huge_png(side: int) -> bytes:
    buf = io.BytesIO()
    Image.new("1", (side, side), 0).save(buf, "PNG", optimize=True)
    return buf.getvalue()


def stored_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()]


def fetch(url: str) -> tuple[int, str, str, bytes]:
    r = Client().get(url)
    data = b"".join(r.streaming_content) if r.streaming else r.content
    return r.status_code, r.get("Content-Type", ""), r.get("X-Content-Type-Options", ""), data


def assert_stored_as_a_clean_gif(user: User) -> None:
    user.refresh_from_db()
    name = user.avatar.name
    assert name.startswith("avatars/") and name.endswith(".gif")
    assert "x.html" not in name and "html" not in name and not os.path.basename(name).startswith("x")
    assert stored_files() == [name]
    assert b"<script>" not in Path(user.avatar.path).read_bytes()  # re-encoded, not copied
    status, content_type, nosniff, data = fetch(user.avatar.url)
    assert status == 200 and content_type == "image/gif" and nosniff == "nosniff"
    assert data.startswith(b"GIF8") and b"<script>" not in data


def test_api_avatar_html_named_gif_is_stored_as_a_re_encoded_gif(member):
    r = api_client(member).post("/api/v1/accounts/me/avatar", {"file": evil_upload()})
    assert r.status_code == 200, r.content
    assert r.json()["avatar_url"].endswith(".gif") and "x.html" not in r.json()["avatar_url"]
    assert_stored_as_a_clean_gif(member)


def test_api_avatar_declared_as_html_is_refused(member):
    r = api_client(member).post("/api/v1/accounts/me/avatar", {"file": evil_upload("text/html")})
    assert r.status_code == 400 and r.json()["code"] == "image_type"
    assert stored_files() == []


def test_page_avatar_html_named_gif_is_stored_as_a_re_encoded_gif(member):
    c = Client()
    c.force_login(member)
    r = c.post("/me/edit/", {"nickname": "小红", "bio": "", "avatar": evil_upload()})
    assert r.status_code == 302, r.content.decode()[:500]
    assert_stored_as_a_clean_gif(member)


def test_an_html_file_stored_before_the_fix_is_never_served_as_html(member):
    legacy = Path(settings.MEDIA_ROOT) / "avatars" / "2024" / "05" / "x.html"
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(gif_with_script())
    User.objects.filter(pk=member.pk).update(avatar="avatars/2024/05/x.html")
    member.refresh_from_db()
    status, _content_type, _nosniff, data = fetch(member.avatar.url)
    assert status == 404 and b"alert(document.cookie)" not in data  # the site's own 404 page, not the file


@pytest.mark.parametrize("side", [12000, 15000])  # past our bounds; past Pillow's own DecompressionBombError
def test_api_avatar_decompression_bomb_is_a_400_and_nothing_is_stored(member, side):
    data = huge_png(side)
    assert len(data) < 64 * 1024
    r = api_client(member).post("/api/v1/accounts/me/avatar",
                                {"file": SimpleUploadedFile("bomb.png", data, content_type="image/png")})
    assert r.status_code == 400 and r.json()["code"] == "image_too_large", r.content
    assert "8000" in r.json()["message"]
    member.refresh_from_db()
    assert not member.avatar and stored_files() == []


def test_page_avatar_decompression_bomb_is_a_400_with_the_reason(member):
    c = Client()
    c.force_login(member)
    bomb = SimpleUploadedFile("bomb.png", huge_png(12000), content_type="image/png")
    r = c.post("/me/edit/", {"nickname": "小红", "bio": "", "avatar": bomb})
    assert r.status_code == 400 and "图片尺寸过大" in r.content.decode()
    member.refresh_from_db()
    assert not member.avatar and stored_files() == []


def test_the_back_office_avatar_field_is_cleaned_too(member):
    admin = UserAdmin(User, AdminSite())
    request = RequestFactory().get(f"/admin/accounts/user/{member.pk}/change/")
    request.user = User(is_staff=True, is_superuser=True)
    form = admin.get_form(request, obj=member, change=True)
    assert isinstance(form.base_fields["avatar"], CleanImageField)
