"""What higher apps plug into communities, registered in their `AppConfig.ready()` (communities imports none of
them: docs/ARCHITECTURE.md, "The domain map").

- **report targets**: a member may report a post or a comment of a community; the app that owns that kind of
  thing (content) registers how to tell that one exists in the community, so `report_create` can check it, and
  the page each one is on (the manage page links reports and its moderation log to them).
- **member joined**: `on_member_joined(name, fn)`; `fn(user_id, community_id)` runs after the commit of every
  change that makes someone an active member (joining, an invitation, an approved application, coming back after
  leaving), each hook on its own: one that fails is logged and never undoes the join (growth: a welcome coupon).
- **community page panels**: `community_panel(name, fn)`; `fn(request, community)` -> HTML ("" for nothing), shown
  by `{% community_panels community %}` on the community's feed and shop pages, in name order."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)

# target type (communities.enums.ReportTarget) -> exists(community_id, target_id)
REPORT_TARGETS: dict[str, Callable[[int, int], bool]] = {}


# target type -> links(target_ids) -> {target_id: url}: where a report or a moderation log row about it links to
REPORT_TARGET_LINKS: dict[str, Callable[[list[int]], dict[int, str]]] = {}


def report_target(target_type: str, exists: Callable[[int, int], bool],
                  links: Callable[[list[int]], dict[int, str]] | None = None) -> None:
    """Register (or replace) how a reported `target_type` is found in a community, and (`links`, one query for
    many ids) the page each one is on, so the moderators' queue links to what it is about."""
    REPORT_TARGETS[target_type] = exists
    if links is not None:
        REPORT_TARGET_LINKS[target_type] = links


# name -> fn(user_id, community_id), run after commit when a user becomes an active member
MEMBER_JOINED: dict[str, Callable[[int, int], None]] = {}


def on_member_joined(name: str, fn: Callable[[int, int], None]) -> None:
    """Register (or replace, by name) what to do when a user becomes an active member of a community."""
    MEMBER_JOINED[name] = fn


def _run_joined(name: str, fn: Callable[[int, int], None], user_id: int, community_id: int) -> None:
    try:
        fn(user_id, community_id)
    except Exception:  # a plug-in's failure must not surface as a failed join: the member has joined
        log.exception("member-joined hook %s failed for user %s in community %s", name, user_id, community_id)


def member_joined(*, user_id: int, community_id: int) -> None:
    """Called by the services in the transaction that activated the membership: each hook runs after it commits."""
    for name, fn in sorted(MEMBER_JOINED.items()):
        transaction.on_commit(partial(_run_joined, name, fn, user_id, community_id))


# name -> panel(request, community) -> HTML (already escaped) or ""
COMMUNITY_PANELS: dict[str, Callable[[Any, Any], str]] = {}


def community_panel(name: str, fn: Callable[[Any, Any], str]) -> None:
    """Register (or replace, by name) a panel on the community's feed and shop pages."""
    COMMUNITY_PANELS[name] = fn
