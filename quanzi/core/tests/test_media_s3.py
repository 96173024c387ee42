"""Uploads in an S3-compatible store (django-storages), tried against moto's S3 server on a free port: the storage
quanzi builds from QUANZI_MEDIA_S3_* (core/prodconf.media_storage) stores a re-encoded upload under its random
name with a year's Cache-Control, an ImageField saves through it, and the URL is the bucket's (or the CDN's)."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from typing import Any

import environ
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from quanzi.core import prodconf
from quanzi.core.images import clean_image

BUCKET = "quanzi-media-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        import boto3

        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                     aws_secret_access_key="test").create_bucket(Bucket=BUCKET)
        yield endpoint
    finally:
        server.stop()


@pytest.fixture
def s3_media(s3_endpoint: str, settings: Any) -> Iterator[str]:
    env = environ.Env()
    env.ENVIRON = {"QUANZI_MEDIA_S3_BUCKET": BUCKET, "QUANZI_MEDIA_S3_ENDPOINT_URL": s3_endpoint,  # type: ignore[misc]
                   "QUANZI_MEDIA_S3_REGION": "us-east-1", "QUANZI_MEDIA_S3_ACCESS_KEY": "test",
                   "QUANZI_MEDIA_S3_SECRET_KEY": "test"}
    storage, media_url = prodconf.media_storage(env)
    assert media_url is None  # no CDN: the storage's own URLs
    settings.STORAGES = {**settings.STORAGES, "default": storage}  # resets default_storage (setting_changed)
    yield s3_endpoint


def _png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, "PNG")
    return SimpleUploadedFile("photo.png", buf.getvalue(), content_type="image/png")


def _object(endpoint: str, key: str) -> dict[str, Any]:
    import boto3

    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                          aws_secret_access_key="test")
    head: dict[str, Any] = client.head_object(Bucket=BUCKET, Key=key)
    return head


def test_upload_goes_to_the_bucket_with_cache_headers(s3_media: str) -> None:
    cleaned = clean_image(_png())
    name = default_storage.save(f"posts/2026/11/{cleaned.name}", cleaned)
    assert type(default_storage._wrapped).__name__ == "S3Storage"  # type: ignore[attr-defined]
    head = _object(s3_media, f"media/{name}")
    assert head["ContentType"] == "image/png"
    assert head["CacheControl"] == "public, max-age=31536000, immutable"
    url = default_storage.url(name)
    assert url.startswith(f"{s3_media}/{BUCKET}/media/posts/2026/11/") and "Signature" not in url
    with default_storage.open(name) as fh, Image.open(fh) as img:
        assert img.size == (40, 30)
    default_storage.delete(name)
    assert not default_storage.exists(name)


@pytest.mark.django_db
def test_an_image_field_saves_through_the_s3_storage(s3_media: str) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(phone="13700000010", password="S3-avatar-pass-31", nickname="头像")
    user.avatar.save("ignored.png", clean_image(_png()), save=True)
    user.refresh_from_db()
    assert (user.avatar.name or "").startswith("avatars/")
    assert _object(s3_media, f"media/{user.avatar.name}")["ContentLength"] > 0
    assert BUCKET in user.avatar.url
