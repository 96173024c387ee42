"""What higher apps plug into accounts, registered in their `AppConfig.ready()` (accounts imports none of them:
docs/ARCHITECTURE.md, "The domain map").

- **profile updated**: `on_profile_updated(name, fn)`; `fn(user_id)` runs after the commit of a profile change,
  each hook on its own: one that fails is logged and never undoes the change (loyalty.tasks: "complete your
  profile").
- **profile panels**: `profile_panel(name, fn)`; `fn(request, member) -> HTML` ("" for nothing), shown by
  `{% profile_panels member %}` on a member's profile page, in name order (loyalty.tasks: badges).
- **next to a name**: `name_badge(name, fn)`; `fn(request, user_id) -> HTML` ("" for nothing), shown by
  `{% name_badges user_id %}` next to a member's name (the post page's author and answers: badges).
- **sign-up**: `signup_check(name, fn)`; `fn(context)` runs before the account is made and may refuse it with a
  `DomainError` (an invite code that does not exist); `on_signed_up(name, fn)`; `fn(user, context)` runs after
  the commit of a sign-up, each hook on its own (referrals.invites: bind the member to their inviter)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)

# name -> fn(user_id), run after commit
PROFILE_UPDATED: dict[str, Callable[[int], None]] = {}
# name -> panel(request, member) -> HTML (already escaped) or ""
PROFILE_PANELS: dict[str, Callable[[Any, Any], str]] = {}
# name -> fn(request, user_id) -> HTML (already escaped) or ""
NAME_BADGES: dict[str, Callable[[Any, int], str]] = {}


def on_profile_updated(name: str, fn: Callable[[int], None]) -> None:
    """Register (or replace, by name) what to do after a member changed their profile."""
    PROFILE_UPDATED[name] = fn


def profile_panel(name: str, fn: Callable[[Any, Any], str]) -> None:
    """Register (or replace, by name) a panel on a member's profile page."""
    PROFILE_PANELS[name] = fn


def name_badge(name: str, fn: Callable[[Any, int], str]) -> None:
    """Register (or replace, by name) what is shown next to a member's name."""
    NAME_BADGES[name] = fn


def _run(name: str, fn: Callable[[int], None], user_id: int) -> None:
    try:
        fn(user_id)
    except Exception:  # a plug-in's failure must not surface as a failed profile change: it was saved
        log.exception("profile-updated hook %s failed for user %s", name, user_id)


def profile_updated(*, user_id: int) -> None:
    """Called by the services in the transaction that saved the profile: each hook runs after it commits."""
    for name, fn in sorted(PROFILE_UPDATED.items()):
        transaction.on_commit(partial(_run, name, fn, user_id))


# --- sign-up (referrals.invites: the invite code typed in the form, the invite remembered by a landing page) -------

DEVICE_COOKIE = "qz_did"  # a random id a browser keeps (set by pages that care, e.g. an invite landing page)


@dataclass(frozen=True)
class SignupContext:
    """What a sign-up hook sees besides the new user: where it came from and what the form or API body said."""

    ip: str = ""
    device: str = ""  # the DEVICE_COOKIE of the page, or the API's X-Device-Id header
    invite_code: str = ""  # typed in the form / the API body's `invite_code`
    session: Any = None  # the page's session (None from the API)


# name -> check(context), run before the account is made: a DomainError refuses the sign-up, nothing is created
SIGNUP_CHECKS: dict[str, Callable[[SignupContext], None]] = {}
# name -> fn(user, context), run after the account is committed, each on its own
SIGNED_UP: dict[str, Callable[[Any, SignupContext], None]] = {}


def signup_check(name: str, fn: Callable[[SignupContext], None]) -> None:
    """Register (or replace, by name) a check of a sign-up's context (an invite code that must exist)."""
    SIGNUP_CHECKS[name] = fn


def on_signed_up(name: str, fn: Callable[[Any, SignupContext], None]) -> None:
    """Register (or replace, by name) what to do after a member signed up (bind them to their inviter)."""
    SIGNED_UP[name] = fn


def signup_checks_run(context: SignupContext) -> None:
    for _name, fn in sorted(SIGNUP_CHECKS.items()):
        fn(context)


def _run_signed_up(name: str, fn: Callable[[Any, SignupContext], None], user: Any, context: SignupContext) -> None:
    try:
        fn(user, context)
    except Exception:  # a plug-in's failure must not surface as a failed sign-up: the account exists
        log.exception("signed-up hook %s failed for user %s", name, user.pk)


def signed_up(*, user: Any, context: SignupContext) -> None:
    """Called by `user_signup` once the account is saved: each hook runs after the commit."""
    for name, fn in sorted(SIGNED_UP.items()):
        transaction.on_commit(partial(_run_signed_up, name, fn, user, context))


# --- notifications (notify: the member's settings per kind, real-time delivery, SMS / WeChat / email) --------------

# name -> wanted(recipient_id, kind) -> bool: False keeps the notice out of the inbox (the member turned it off)
NOTIFICATION_GATES: dict[str, Callable[[int, str], bool]] = {}
# name -> fn(recipient_id, kind, message, url, notification or None), run in the sender's transaction
NOTIFICATION_SENT: dict[str, Callable[[int, str, Any, str, Any], None]] = {}


def notification_gate(name: str, fn: Callable[[int, str], bool]) -> None:
    """Register (or replace, by name) who decides whether a notice of `kind` reaches a member's inbox."""
    NOTIFICATION_GATES[name] = fn


def on_notification(name: str, fn: Callable[[int, str, Any, str, Any], None]) -> None:
    """Register (or replace, by name) what else happens when a member is told something (push it to their open
    pages, queue it on their other channels). `notification` is None when the inbox was turned off for the kind."""
    NOTIFICATION_SENT[name] = fn


def notification_wanted(*, recipient_id: int, kind: str) -> bool:
    for name, fn in sorted(NOTIFICATION_GATES.items()):
        try:
            if not fn(recipient_id, kind):
                return False
        except Exception:  # a broken gate must not silence the inbox
            log.exception("notification gate %s failed for user %s", name, recipient_id)
    return True


def notification_sent(*, recipient_id: int, kind: str, message: Any, url: str, notification: Any) -> None:
    """Called by `notification_create`; each hook runs in a savepoint: one that fails is logged and never undoes
    what the sender did."""
    for name, fn in sorted(NOTIFICATION_SENT.items()):
        try:
            with transaction.atomic():
                fn(recipient_id, kind, message, url, notification)
        except Exception:
            log.exception("notification hook %s failed for user %s", name, recipient_id)
