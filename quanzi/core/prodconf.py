"""Production settings read from the environment (django-environ), kept out of settings.py so that file stays a
list of decisions: static files, uploads, CSP, the proxy and HTTPS, logs, the replica, request-body limits.

Every function takes the `environ.Env` and the two switches (DEBUG, TESTING) and returns plain settings values; the
embedded default (`make demo`, `make test`: nothing set) gets exactly what it had before. docs/deploy.md has the
table of variables; this module is its source.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import dj_database_url
import environ
from csp.constants import NONCE

# The request body a production server accepts before the app reads it (core/bodylimit.py). Uploads are the
# largest bodies: a post takes up to nine pictures of IMAGE_MAX_BYTES each (5 MB by default).
DEFAULT_MAX_BODY_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_API_JSON_BYTES = 1024 * 1024


def origin_of(url: str) -> str:
    """`https://shop.example.com/x` -> `https://shop.example.com`; '' for anything that is not an absolute URL."""
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def csrf_trusted_origins(env: environ.Env, allowed_hosts: list[str], public_base_url: str) -> list[str]:
    """CSRF_TRUSTED_ORIGINS (comma-separated full origins) when set; else the development server's origins
    (every allowed host on port 8000, as before) plus the public address (QUANZI_PUBLIC_BASE_URL) when there
    is one. A same-origin POST needs no entry at all: Django compares Origin with the Host the proxy passes on."""
    explicit = env.list("CSRF_TRUSTED_ORIGINS", default=[])
    if explicit:
        return [o.rstrip("/") for o in explicit]
    origins = [f"http://{h}:8000" for h in allowed_hosts if h and not h.startswith(".") and h != "*"]
    public = origin_of(public_base_url)
    if public and public not in origins:
        origins.append(public)
    return origins


def https_settings(env: environ.Env) -> dict[str, Any]:
    """Behind a TLS-terminating proxy (QUANZI_HTTPS=1): trust its X-Forwarded-Proto, secure cookies, HSTS,
    redirect to https (health probes excepted: a load balancer asks over plain HTTP). Each piece can be set on
    its own too."""
    https = env.bool("QUANZI_HTTPS", default=False)
    values: dict[str, Any] = {
        "SECURE_SSL_REDIRECT": env.bool("QUANZI_SSL_REDIRECT", default=https),
        "SESSION_COOKIE_SECURE": env.bool("QUANZI_SECURE_COOKIES", default=https),
        "CSRF_COOKIE_SECURE": env.bool("QUANZI_SECURE_COOKIES", default=https),
        "SECURE_HSTS_SECONDS": env.int("QUANZI_HSTS_SECONDS", default=31536000) if https else 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": env.bool("QUANZI_HSTS_INCLUDE_SUBDOMAINS", default=False),
        "SECURE_HSTS_PRELOAD": env.bool("QUANZI_HSTS_PRELOAD", default=False),
        "SECURE_REDIRECT_EXEMPT": [r"^healthz$", r"^readyz$"],
    }
    # The header the proxy sets to say the client spoke https: "X-Forwarded-Proto" by default; nothing unless
    # behind a proxy (a client could send it itself and pass for https).
    proxy_header = env.str("QUANZI_PROXY_SSL_HEADER", default="X-Forwarded-Proto" if https else "")
    if proxy_header:
        values["SECURE_PROXY_SSL_HEADER"] = ("HTTP_" + proxy_header.upper().replace("-", "_"), "https")
    # X-Forwarded-Host: only when the proxy rewrites Host (it usually passes it on: `proxy_set_header Host $host`)
    values["USE_X_FORWARDED_HOST"] = env.bool("QUANZI_USE_X_FORWARDED_HOST", default=False)
    return values


def static_storage(env: environ.Env, debug: bool, testing: bool) -> dict[str, Any]:
    """Static files: WhiteNoise serves them from STATIC_ROOT after `collectstatic`, compressed (gzip + brotli) and
    under content-hashed names cached for a year. The demo and the tests keep the plain storage and read the
    apps' folders directly (no collectstatic needed), as before."""
    hashed = env.bool("QUANZI_STATIC_HASHED", default=not (debug or testing))
    return {"BACKEND": "quanzi.core.staticstorage.HashedStaticStorage" if hashed
            else "django.contrib.staticfiles.storage.StaticFilesStorage"}


def media_storage(env: environ.Env) -> tuple[dict[str, Any], str | None]:
    """Uploads: the local disk (MEDIA_ROOT, served by core/media.py) unless QUANZI_MEDIA_S3_BUCKET names a bucket
    in any S3-compatible store (AWS S3, MinIO, Aliyun OSS / Tencent COS in S3 mode) through django-storages.
    Returns the STORAGES["default"] entry and the MEDIA_URL the store answers under (None: keep /media/)."""
    bucket = env.str("QUANZI_MEDIA_S3_BUCKET", default="")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}, None
    custom_domain = env.str("QUANZI_MEDIA_S3_CUSTOM_DOMAIN", default="")  # a CDN in front of the bucket
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "endpoint_url": env.str("QUANZI_MEDIA_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("QUANZI_MEDIA_S3_REGION", default="") or None,
        "access_key": env.str("QUANZI_MEDIA_S3_ACCESS_KEY", default="") or None,
        "secret_key": env.str("QUANZI_MEDIA_S3_SECRET_KEY", default="") or None,
        "location": env.str("QUANZI_MEDIA_S3_PREFIX", default="media"),
        "custom_domain": custom_domain or None,
        # Pictures are public and never change (random names): plain URLs that a CDN and browsers cache, unless
        # the bucket is private (QUANZI_MEDIA_S3_SIGNED_URLS=1: signed URLs valid an hour).
        "querystring_auth": env.bool("QUANZI_MEDIA_S3_SIGNED_URLS", default=False),
        "querystring_expire": 3600,
        "default_acl": None,  # the bucket's policy decides who reads, not a per-object ACL
        "file_overwrite": False,
        "addressing_style": env.str("QUANZI_MEDIA_S3_ADDRESSING", default="path"),
        # the same cache rule as core/media.py; the type is guessed from the (re-encoded) picture's extension
        "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
    }
    media_url = f"https://{custom_domain}/{options['location']}/" if custom_domain else None
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}, media_url


def replica_database(env: environ.Env, default: Any, testing: bool) -> Any:
    """The read replica (DATABASE_REPLICA_URL), used by core/dbrouter.py for reads marked replica-safe. In the
    tests the alias exists as a mirror of the test database (a replica that is never behind): a test that asks
    for both aliases sees which connection each query took (core/tests/test_prod_mode.py)."""
    url = env.str("DATABASE_REPLICA_URL", default="")
    if url:
        replica = dj_database_url.parse(url, conn_max_age=default.get("CONN_MAX_AGE", 0))
        replica["OPTIONS"] = dict(default.get("OPTIONS", {}))
        return replica
    if not testing:
        return None
    return {**default, "OPTIONS": dict(default.get("OPTIONS", {})), "TEST": {"MIRROR": "default"}}


def content_security_policy(env: environ.Env, media_url: str) -> dict[str, Any]:
    """The CSP (django-csp 4). Scripts only from our own origin (htmx, ECharts, our js; a template that needs an
    inline script gives it `nonce="{{ request.csp_nonce }}"`), no inline event handlers (js/behaviours.js does
    what they did). Styles allow inline `style=` attributes, which many templates and ECharts use; no nonce there,
    since a nonce would switch 'unsafe-inline' off. Pictures: ours, data: and the media store's host."""
    self_ = "'self'"
    img = [self_, "data:", "blob:"]
    media_origin = origin_of(media_url)
    if media_origin:
        img.append(media_origin)
    img += env.list("QUANZI_CSP_IMG_SRC", default=[])
    directives: dict[str, Any] = {
        "default-src": [self_],
        "script-src": [self_, NONCE, *env.list("QUANZI_CSP_SCRIPT_SRC", default=[])],
        "style-src": [self_, "'unsafe-inline'"],
        "img-src": img,
        "font-src": [self_, "data:"],
        "connect-src": [self_, *env.list("QUANZI_CSP_CONNECT_SRC", default=[])],
        # live video (quanzi/live): the stream and replay come from any provider's CDN over https (HLS / FLV);
        # media cannot run script, so any https origin is allowed; blob: for a player built on MediaSource
        "media-src": [self_, "https:", "blob:", *env.list("QUANZI_CSP_MEDIA_SRC", default=[])],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": [self_],
    }
    report_uri = env.str("QUANZI_CSP_REPORT_URI", default="")
    if report_uri:
        directives["report-uri"] = [report_uri]
    return {"DIRECTIVES": directives}


def logging_config(env: environ.Env, debug: bool, testing: bool) -> dict[str, Any]:
    """Logs on stderr: one JSON object a line in production (QUANZI_LOG_FORMAT=json, the default with DEBUG off
    outside tests), with the request id on every record and, with QUANZI_ACCESS_LOG=1, an access line per request (quanzi.access);
    the plain one-line format for the demo and the tests."""
    fmt = env.str("QUANZI_LOG_FORMAT", default="plain" if (debug or testing) else "json")
    # one line per request: on under `make prod` (core/management/commands/prod.py sets it), off by default so a
    # test or benchmark that starts a server with a pipe it never reads is not blocked by a full pipe
    access = env.bool("QUANZI_ACCESS_LOG", default=False)
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "quanzi.core.request_id.RequestIdLogFilter"},
                    "quiet_refusals": {"()": "quanzi.core.request_id.QuietRefusalFilter"}},
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
                       "json": {"()": "quanzi.core.logjson.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"],
                                 "formatter": "json" if fmt == "json" else "plain"}},
        "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
        # expected refusals at volume (a flash sale's "sold out") are INFO, not one WARNING each (core.request_id)
        "loggers": {"django.request": {"filters": ["quiet_refusals"]},
                    "quanzi.access": {"level": "INFO" if access else "WARNING"},
                    # the job consumer (run_huey) logs each job at INFO through our handler, in JSON, once (it
                    # adds a plain handler of its own to a "huey" logger that has none)
                    **({"huey": {"handlers": ["console"], "level": "INFO", "propagate": False}}
                       if fmt == "json" else {})},
    }


def channel_layers(redis_url: str, testing: bool) -> dict[str, Any]:
    """CHANNEL_LAYERS (Django Channels: how WebSocket consumers reach each other, e.g. a comment fanned out to a
    live room). In memory in the embedded default and the tests (one process); on Redis when REDIS_URL is set,
    so the daphne processes of several machines share the rooms. QUANZI_CHANNELS_REDIS_URL may name another
    Redis (or database) for it."""
    if not redis_url or testing:
        return {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    return {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                        "CONFIG": {"hosts": [redis_url], "capacity": 1500, "expiry": 30}}}
