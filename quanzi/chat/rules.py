"""Chat's limits and its flood guard (settings.QUANZI_CHAT overrides the defaults).

The flood guard counts in the Django cache (`cache.add` then `cache.incr`: atomic in Redis, and within one process
in LocMem), in fixed buckets of the clock: a sender gets MESSAGE_BURST messages per MESSAGE_BURST_SECONDS and
MESSAGE_PER_MINUTE per minute, and may open NEW_DIRECT_PER_HOUR new direct conversations an hour. An attempt is
counted only once it passed every other check, and a refused one stores nothing."""

from __future__ import annotations

import re
import time

from django.conf import settings
from django.core.cache import cache

from quanzi.chat import errors

DEFAULTS: dict[str, int] = {
    "MAX_BODY": 1000,  # characters of one text message
    "PREVIEW": 40,  # characters of the last message shown in lists
    "PAGE": 50,  # messages shown when a conversation opens
    "MESSAGE_BURST": 8,
    "MESSAGE_BURST_SECONDS": 10,
    "MESSAGE_PER_MINUTE": 30,
    "NEW_DIRECT_PER_HOUR": 20,
}
PREFIX = "quanzi:chat:"
# C0/C1 controls but tab and newline, plus the Unicode line/paragraph separators: typed text keeps its lines only
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def conf(name: str) -> int:
    return int(getattr(settings, "QUANZI_CHAT", {}).get(name, DEFAULTS[name]))


def clean_body(body: str | None) -> str:
    """The text as it will be stored: \r\n → \n, outer whitespace trimmed; refuses controls and over-long text."""
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if _CONTROL.search(text):
        raise errors.invalid_characters()
    if len(text) > conf("MAX_BODY"):
        raise errors.message_too_long(conf("MAX_BODY"))
    return text


def preview(text: str) -> str:
    flat = " ".join(text.split())
    limit = conf("PREVIEW")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _bucket_hit(name: str, user_id: int, limit: int, seconds: int) -> None:
    now = time.time()
    bucket = int(now // seconds)
    key = f"{PREFIX}{name}:{user_id}:{bucket}"
    cache.add(key, 0, timeout=seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: start again
        cache.set(key, 1, timeout=seconds + 1)
        count = 1
    if count > limit:
        raise errors.rate_limited(retry_after=int((bucket + 1) * seconds - now) + 1)


def message_allowed(user_id: int) -> None:
    """Count one message of `user_id`; raises 429 `rate_limited` past either limit."""
    _bucket_hit("burst", user_id, conf("MESSAGE_BURST"), conf("MESSAGE_BURST_SECONDS"))
    _bucket_hit("minute", user_id, conf("MESSAGE_PER_MINUTE"), 60)


def new_direct_allowed(user_id: int) -> None:
    _bucket_hit("direct", user_id, conf("NEW_DIRECT_PER_HOUR"), 3600)
