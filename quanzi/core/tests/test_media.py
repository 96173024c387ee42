"""Uploaded files are served by the app with DEBUG off too: pictures only, typed by their extension, nosniff."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from quanzi.core.media import CACHE_CONTROL, CONTENT_SECURITY_POLICY


def store(relative: str, data: bytes) -> Path:
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def body(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content) if response.streaming else response.content


def gif() -> bytes:
    buf = io.BytesIO()
    Image.new("P", (4, 4)).save(buf, "GIF")
    return buf.getvalue()


@pytest.mark.parametrize("debug", [True, False])
def test_a_picture_is_served_with_its_type_nosniff_a_sandbox_and_a_long_cache(settings, debug):
    settings.DEBUG = debug
    store("avatars/2025/01/0123abcd.gif", gif())
    r = Client().get("/media/avatars/2025/01/0123abcd.gif")
    assert r.status_code == 200 and body(r) == gif()
    assert r["Content-Type"] == "image/gif"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Content-Security-Policy"] == CONTENT_SECURITY_POLICY == "default-src 'none'; sandbox"
    assert r["Cache-Control"] == CACHE_CONTROL and "max-age=31536000" in CACHE_CONTROL


@pytest.mark.parametrize(("name", "mime"), [("a.jpg", "image/jpeg"), ("a.JPEG", "image/jpeg"),
                                            ("a.png", "image/png"), ("a.webp", "image/webp")])
def test_the_type_comes_from_the_extension(name, mime):
    store(f"posts/{name}", b"<html><script>alert(1)</script></html>")  # content is never sniffed
    r = Client().get(f"/media/posts/{name}")
    assert r.status_code == 200 and r["Content-Type"] == mime and r["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("name", ["x.html", "x.htm", "x.svg", "x.js", "x.txt", "x", "x.gif.html", ".htaccess"])
def test_a_file_stored_before_the_fix_is_not_served_unless_it_is_a_picture(name):
    store(f"avatars/2024/12/{name}", b"<script>alert(document.cookie)</script>")
    r = Client().get(f"/media/avatars/2024/12/{name}")
    assert r.status_code == 404 and b"alert(document.cookie)" not in body(r)


def test_html_hidden_in_a_gif_name_is_served_as_a_gif_in_a_sandbox():
    store("avatars/2024/12/evil.gif", b"<script>alert(1)</script>")
    r = Client().get("/media/avatars/2024/12/evil.gif")
    assert r["Content-Type"] == "image/gif" and r["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in r["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/media/../{secret}", "/media/%2e%2e/{secret}", "/media/..%2f{secret}",
                                  "/media/avatars/../../{secret}", "/media//etc/hostname.png",
                                  "/media/avatars/", "/media/avatars/2025/missing.png"])
def test_nothing_outside_media_root_or_missing_is_served(path, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    store("avatars/ok.png", b"x")
    (tmp_path / "secret.png").write_bytes(b"secret")  # next to MEDIA_ROOT
    r = Client().get(path.format(secret="secret.png"))
    assert r.status_code == 404 and b"secret" not in body(r)


def test_only_get_and_head():
    store("a.png", b"x")
    assert Client().head("/media/a.png").status_code == 200
    assert Client().post("/media/a.png").status_code == 405
