"""What higher apps plug into after-sales, registered in their `AppConfig.ready()` (after-sales imports none of
them: docs/ARCHITECTURE.md, "The domain map").

- **review with photos**: `on_review_with_photos(name, fn)`; `fn(user_id, review_id)` runs after the commit of a
  review written with photos or of photos added to one (so it may run more than once for a review: hooks key their
  own rows by the review), each hook on its own: one that fails is logged and never undoes the review
  (loyalty.tasks: the "review with photos" task and badge)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from django.db import transaction

log = logging.getLogger(__name__)

# name -> fn(user_id, review_id), run after commit
REVIEW_WITH_PHOTOS: dict[str, Callable[[int, int], None]] = {}


def on_review_with_photos(name: str, fn: Callable[[int, int], None]) -> None:
    """Register (or replace, by name) what to do when a member's review has photos."""
    REVIEW_WITH_PHOTOS[name] = fn


def _run(name: str, fn: Callable[[int, int], None], user_id: int, review_id: int) -> None:
    try:
        fn(user_id, review_id)
    except Exception:  # a plug-in's failure must not surface as a failed review: the review is there
        log.exception("review-with-photos hook %s failed for review %s", name, review_id)


def review_with_photos(*, user_id: int, review_id: int) -> None:
    """Called by the services in the transaction that stored the photos: each hook runs after it commits."""
    for name, fn in sorted(REVIEW_WITH_PHOTOS.items()):
        transaction.on_commit(partial(_run, name, fn, user_id, review_id))
