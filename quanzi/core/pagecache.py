"""Whole-page cache for visitors (not logged in), invalidated on write (docs/notes/load.md).

`@anonymous_page` caches a GET page's HTML for visitors under a key made of the current *generation*, the language
and the full path. A write that changes what such a page shows calls `changed()` (after its transaction commits),
which moves the generation on: every page cached before is never read again (it expires on its own), so a visitor
never sees content older than the last write. Content's models do that through signals and its services where they
write with `.update()` (quanzi/content/apps.py).

What is never cached: members' requests (a member's page holds their own state), anything but GET/HEAD, HTMX
fragments, answers other than 200, answers that set a cookie, pages with a CSP nonce, and requests carrying flash
messages (they are one visitor's). The CSRF token every page carries (base.html: the meta tag, HTMX's header, the
language form) belongs to one browser: it is stored as a placeholder and each visitor gets their own token in its
place (and the cookie that goes with it, from CsrfViewMiddleware); a page that used a token elsewhere is not stored. The generation
lives in the cache (Redis in production, so every process shares it); the pages expire after `TTL` seconds anyway,
so what changes with time alone (a scheduled post coming due) shows within that bound.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

GENERATION_KEY = "quanzi:pagecache:generation"
TTL = 60
_CSRF_META = re.compile(rb'<meta name="csrf-token" content="([A-Za-z0-9]{32,128})">')
_CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]*)"')
CSRF_PLACEHOLDER = b"__quanzi_csrf_token__"


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, None)
        value = cache.get(GENERATION_KEY, 1)
    return int(value)


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there (evicted, or never read): any new value differs from the keys in use
        cache.set(GENERATION_KEY, generation() + 1, None)


def changed() -> None:
    """Something visitors' cached pages show changed: forget them now and again once the current transaction
    commits. The second bump is the one that counts in production: between the first and the commit, a reader can
    still read the old rows and cache them under the new generation. The first makes it also hold where the commit
    never comes in sight (a test inside one transaction)."""
    _bump()
    transaction.on_commit(_bump)


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or request.headers.get("HX-Request"):
        return False
    if getattr(request, "user", None) is None or request.user.is_authenticated:
        return False
    if "messages" in request.COOKIES:
        return False
    session = getattr(request, "session", None)
    return not (session is not None and request.COOKIES.get("sessionid") and session.get("_messages"))


def _storable(request: HttpRequest, response: HttpResponse) -> bytes | None:
    """The page to store (its CSRF token replaced by the placeholder), or None when it must not be stored."""
    if response.status_code != 200 or response.streaming or response.cookies or getattr(request, "_csp_nonce", None):
        return None
    content = response.content
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        found = _CSRF_META.search(content)
        if found is None:
            return None
        content = content.replace(found.group(1), CSRF_PLACEHOLDER)
        if any(token != CSRF_PLACEHOLDER for token in _CSRF_FIELD.findall(content)):
            return None  # another token than the page's (a second get_token()): it would be served to everyone
    return content


def anonymous_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = f"quanzi:page:{generation()}:{get_language()}:{request.get_full_path()}"
        hit = cache.get(key)
        if hit is not None:
            content, content_type = hit
            if CSRF_PLACEHOLDER in content:  # this visitor's own token (and its cookie, set by the middleware)
                content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
            response = HttpResponse(content, content_type=content_type)
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        stored = _storable(request, response)
        if stored is not None:
            cache.set(key, (stored, response["Content-Type"]), TTL)
            response["X-Page-Cache"] = "miss"
        return response

    return wrapper
