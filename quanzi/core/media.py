"""Serving uploaded files (MEDIA_ROOT) from the app itself, with DEBUG on or off.

Only pictures are served: the type comes from the stored name's extension (never from the bytes), with
`nosniff` and a sandboxing CSP, so a file stored before uploads were re-encoded (`x.html`, or HTML inside a
`.gif`) can never run as a page on the site's origin. New uploads get random names (core/images.py) and never
change, so browsers may keep them for a year. A front server (nginx, S3 + CDN) may take over `MEDIA_URL`
later; it must send the same headers.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404, HttpRequest, HttpResponseBase
from django.urls import URLPattern, re_path
from django.views.decorators.http import require_safe
from django.views.static import serve

MEDIA_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
}
CACHE_CONTROL = "public, max-age=31536000, immutable"
CONTENT_SECURITY_POLICY = "default-src 'none'; sandbox"


@require_safe
def media_file(request: HttpRequest, path: str) -> HttpResponseBase:
    content_type = MEDIA_TYPES.get(posixpath.splitext(path)[1].lower())
    if content_type is None:
        raise Http404
    # `serve` normalises the path, refuses anything outside MEDIA_ROOT (safe_join) and answers 304s.
    try:
        response = serve(request, path, document_root=str(settings.MEDIA_ROOT))
    except SuspiciousFileOperation as exc:
        raise Http404 from exc
    if response.status_code == 200:
        response.headers["Content-Type"] = content_type
        response.headers.pop("Content-Encoding", None)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


def media_urlpatterns() -> list[URLPattern]:
    """The URL of `media_file` under MEDIA_URL; none when MEDIA_URL points at another host (a CDN)."""
    prefix = str(settings.MEDIA_URL or "")
    if not prefix or urlsplit(prefix).netloc:
        return []
    return [re_path(rf"^{re.escape(prefix.lstrip('/'))}(?P<path>.+)$", media_file, name="media")]
