"""What higher apps plug into content, registered in their `AppConfig.ready()` (content imports none of them:
docs/ARCHITECTURE.md, "The domain map").

- **content facts**: `on_fact(name, fn)`; `fn(fact: ContentFact)` runs after the commit of a check-in, a published
  post, a visible answer to a question, or an accepted answer, each hook on its own: one that fails is logged and
  never undoes what the member did (loyalty.tasks: task progress, check-in rewards, badges).
- **home page panels**: `home_panel(name, fn)`; `fn(request)` -> HTML ("" for nothing), above the home feed.
- **composer extras**: `compose_extra(name, panel, saved)`: a part of the compose form and what to do once the post
  exists (web: product cards picked while writing)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)


class FactKind:
    CHECKED_IN = "checked_in"  # object_id: the CheckIn; day and streak set
    POST_CREATED = "post_created"  # object_id: the Post (published at once)
    ANSWER_CREATED = "answer_created"  # object_id: the Comment (a visible top-level answer to a question)
    ANSWER_ACCEPTED = "answer_accepted"  # object_id: the Comment; user_id: the answer's author
    # object_id: the Post; comment_id: the Comment when it was one (else 0); user_id: who wrote it. The text named
    # members (`content.selectors.mentioned_user_ids`) and is now visible: published, or passed review
    MENTIONED = "mentioned"
    ALL = (CHECKED_IN, POST_CREATED, ANSWER_CREATED, ANSWER_ACCEPTED, MENTIONED)


@dataclass(frozen=True)
class ContentFact:
    kind: str
    user_id: int  # who gets the credit
    community_id: int
    object_id: int
    day: dt.date | None = None  # check-ins: the Asia/Shanghai day
    streak: int = 0  # check-ins: the streak that day
    comment_id: int = 0  # mentioned: the comment that named members (0: the post itself)


# name -> fn(fact), run after commit
FACT_HOOKS: dict[str, Callable[[ContentFact], None]] = {}


def on_fact(name: str, fn: Callable[[ContentFact], None]) -> None:
    """Register (or replace, by name) what to do after a check-in, a post, an answer or an accepted answer."""
    FACT_HOOKS[name] = fn


def _run(name: str, fn: Callable[[ContentFact], None], fact: ContentFact) -> None:
    try:
        fn(fact)
    except Exception:  # a plug-in's failure must not surface as a failed check-in or post: it happened
        log.exception("content fact hook %s failed for %s", name, fact)


def fact_happened(fact: ContentFact) -> None:
    """Called by the services in the transaction that wrote the fact: each hook runs after it commits."""
    for name, fn in sorted(FACT_HOOKS.items()):
        transaction.on_commit(partial(_run, name, fn, fact))


# name -> panel(request) -> HTML (already escaped) or "": panels on the home page (ads: the home banner), shown in
# name order above the feed by `home` (content/views.py)
HOME_PANELS: dict[str, Callable[[Any], str]] = {}


def home_panel(name: str, fn: Callable[[Any], str]) -> None:
    """Register (or replace, by name) a panel on the home page."""
    HOME_PANELS[name] = fn


@dataclass(frozen=True)
class ComposeExtra:
    """A part of the composer a higher app adds (catalog's product cards, through web: content imports neither).
    `panel(request, form)` -> HTML (already escaped) shown in the compose form; `saved(request, post)` runs after
    the post was created, in the same request, and returns what went wrong (shown to the author as warnings: the
    post stands)."""

    panel: Callable[[Any, Any], str]
    saved: Callable[[Any, Any], list[str]]


# name -> ComposeExtra, shown and run in name order by `compose` (content/views.py)
COMPOSE_EXTRAS: dict[str, ComposeExtra] = {}


def compose_extra(name: str, panel: Callable[[Any, Any], str], saved: Callable[[Any, Any], list[str]]) -> None:
    """Register (or replace, by name) a part of the composer."""
    COMPOSE_EXTRAS[name] = ComposeExtra(panel=panel, saved=saved)


# name -> () -> {attribute: expression}: annotations a higher app adds to every feed's posts (paid content's price
# for its 付费 badge), computed in the feed's own query so a card costs no query of its own
CARD_ANNOTATIONS: dict[str, Callable[[], dict[str, Any]]] = {}


def card_annotation(name: str, fn: Callable[[], dict[str, Any]]) -> None:
    """Register (or replace, by name) annotations for the post cards of every feed (`posts_with_viewer_state`)."""
    CARD_ANNOTATIONS[name] = fn
