"""Rate limits and the temporary lockout for logins, sign-ups and password changes.

Policy (settings.QUANZI_ACCOUNTS, defaults below):
- per account: LOGIN_MAX_FAILURES wrong passwords within LOGIN_FAILURE_WINDOW_MINUTES lock it for
  LOGIN_LOCK_MINUTES. While locked, every attempt (the right password too) is refused with 429 `login_locked`
  before any password hash is computed, so a locked account costs no argon2 CPU. A success clears the count.
  The account is the login as typed, normalised (a phone, or a lower-cased email); unknown logins count and lock
  exactly like real ones, so the behaviour tells nothing about which accounts exist.
- per client IP: LOGIN_PER_IP password checks per LOGIN_PER_IP_WINDOW_MINUTES (attempts refused by a lockout do
  not count: they cost nothing) and SIGNUP_PER_IP sign-ups per SIGNUP_PER_IP_WINDOW_MINUTES, else 429
  `too_many_requests` with Retry-After.

Counters are Django cache entries: `cache.add(key, 0, timeout)` then `cache.incr(key)`. The attempt is counted
*before* the password is checked, so N concurrent guesses get N distinct numbers and only the first
LOGIN_MAX_FAILURES of them ever reach the hasher. With REDIS_URL the cache is Redis (settings.py): INCR is atomic
and every process and host shares the counts. Without it the cache is LocMem: atomic within one process (it takes
a lock) but each process counts on its own, which is right for the embedded default (`manage.py serve` is one
process) and lets N processes allow N times the limits: configure REDIS_URL for any multi-process deployment.

The clock is django.utils.timezone.now(), so tests can move it (quanzi.web.demo.clock.clock_at): per-IP windows
are fixed buckets of that clock, and a lock stores the moment it ends.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from quanzi.accounts import errors
from quanzi.core.errors import DomainError

# settings.QUANZI_ACCOUNTS overrides these (the token lifetimes are read by services.py).
DEFAULTS: dict[str, int] = {
    "TOKEN_TTL_HOURS": 7 * 24,
    "TOKEN_MAX_AGE_DAYS": 30,
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_FAILURE_WINDOW_MINUTES": 15,
    "LOGIN_LOCK_MINUTES": 15,
    "LOGIN_PER_IP": 30,
    "LOGIN_PER_IP_WINDOW_MINUTES": 10,
    "SIGNUP_PER_IP": 10,
    "SIGNUP_PER_IP_WINDOW_MINUTES": 60,
}
PREFIX = "quanzi:accounts:"


def conf(name: str) -> int:
    value: Any = getattr(settings, "QUANZI_ACCOUNTS", {}).get(name, DEFAULTS.get(name))
    return int(value)


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from: REMOTE_ADDR only.

    X-Forwarded-For is written by the client unless a proxy we trust overwrites it, so believing it would let an
    attacker claim a new address per request and walk past every per-IP limit. Behind a reverse proxy, make the
    proxy / WSGI server set REMOTE_ADDR to the real client (or add a trusted-proxy setting here first)."""
    return request.META.get("REMOTE_ADDR") or None


def normalise_login(login: str) -> str:
    """The account a login string names, as the backend looks it up: emails are case-insensitive."""
    login = (login or "").strip()
    return login.lower() if "@" in login else login


def _digest(value: str) -> str:
    # Keys stay short and safe for any cache backend, and the cache never holds phone numbers or emails.
    return hashlib.sha256(value.encode()).hexdigest()[:40]


def _now() -> float:
    return timezone.now().timestamp()


def _hit(key: str, timeout: int) -> int:
    """Count one hit on `key` (which lives `timeout` seconds from its first hit) and return the new count."""
    for _attempt in range(3):
        cache.add(key, 0, timeout)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: start again
            continue
        if count == 1:
            # Django's Redis incr is EXISTS then INCR: a key expiring in between comes back from INCR as 1 with
            # no expiry at all. Setting the timeout on the first hit closes that gap (and costs nothing else).
            cache.touch(key, timeout)
        return int(count)
    return 1


def _window_hit(scope: str, ip: str, limit: int, minutes: int) -> None:
    """A fixed-window limit per IP: at most `limit` hits per window of `minutes`, else 429 with Retry-After."""
    window = max(1, minutes) * 60
    now = _now()
    bucket = int(now // window)
    count = _hit(f"{PREFIX}ip:{scope}:{ip}:{bucket}", window + 60)
    if count > limit:
        raise errors.too_many_requests((bucket + 1) * window - now)


# --- accounts: failures, lockout ---------------------------------------------------------------------------
#
# Keys per subject (an account, or a user changing their password):
#   lock:<subject>           the moment the lock ends (absent or past: not locked)
#   cycle:<subject>          bumped by every lock, so the failures after a lock count on a fresh key
#   fail:<subject>:<cycle>   attempts in the current failure window (it expires a window after its first hit)
# attempt_start reads the cycle *before* the lock, and _lock writes the lock *before* bumping the cycle: whoever
# sees the new cycle also sees the lock, and whoever saw the old cycle counts on the old, already full key. So no
# interleaving of concurrent attempts lets more than LOGIN_MAX_FAILURES of them reach the hasher per cycle.

LockError = Callable[[float], DomainError]


@dataclass(frozen=True)
class Attempt:
    subject: str
    cycle: int
    number: int  # 1 for the first attempt of the failure window


def login_subject(login: str) -> str:
    return "login:" + _digest(normalise_login(login))


def password_subject(user_id: int) -> str:
    return f"password:{user_id}"


def _fail_key(subject: str, cycle: int) -> str:
    return f"{PREFIX}fail:{subject}:{cycle}"


def _lock_key(subject: str) -> str:
    return f"{PREFIX}lock:{subject}"


def _cycle_key(subject: str) -> str:
    return f"{PREFIX}cycle:{subject}"


def _window_seconds() -> int:
    return max(1, conf("LOGIN_FAILURE_WINDOW_MINUTES")) * 60


def _lock_seconds() -> int:
    return max(1, conf("LOGIN_LOCK_MINUTES")) * 60


def _raise_if_locked(subject: str, locked: LockError) -> None:
    until = cache.get(_lock_key(subject))
    if until is not None and float(until) > _now():
        raise locked(float(until) - _now())


def _lock(subject: str, locked: LockError) -> DomainError:
    seconds = _lock_seconds()
    cache.set(_lock_key(subject), _now() + seconds, seconds + 60)
    # The cycle outlives every fail key of the cycles before it, so it never falls back onto a key still full.
    keep = 2 * (_window_seconds() + seconds)
    _hit(_cycle_key(subject), keep)
    cache.touch(_cycle_key(subject), keep)
    return locked(seconds)


def attempt_start(subject: str, *, locked: LockError, ip: str | None = None, ip_scope: str = "login") -> Attempt:
    """Call before checking a password. Refuses, without anything expensive, while `subject` is locked or `ip` is
    over its budget; otherwise counts the attempt (a success uncounts it with attempt_succeeded)."""
    cycle = int(cache.get(_cycle_key(subject)) or 0)
    _raise_if_locked(subject, locked)
    if ip:
        _window_hit(ip_scope, ip, conf("LOGIN_PER_IP"), conf("LOGIN_PER_IP_WINDOW_MINUTES"))
    number = _hit(_fail_key(subject, cycle), _window_seconds())
    if number > conf("LOGIN_MAX_FAILURES"):
        # Concurrent attempts raced past the limit: the first ones are checking passwords, this one is not.
        raise _lock(subject, locked)
    return Attempt(subject=subject, cycle=cycle, number=number)


def attempt_failed(attempt: Attempt, *, locked: LockError) -> None:
    """The password was wrong. The attempt that reaches the limit locks the subject and says so (429)."""
    if attempt.number >= conf("LOGIN_MAX_FAILURES"):
        raise _lock(attempt.subject, locked)


def attempt_succeeded(attempt: Attempt) -> None:
    """The right password: the failures so far are forgiven (and a lock set by a racing attempt is lifted)."""
    cache.delete_many([_fail_key(attempt.subject, attempt.cycle), _lock_key(attempt.subject)])


def login_start(*, login: str, ip: str | None) -> Attempt:
    return attempt_start(login_subject(login), locked=errors.login_locked, ip=ip)


def login_failed(attempt: Attempt) -> None:
    attempt_failed(attempt, locked=errors.login_locked)


def login_succeeded(attempt: Attempt) -> None:
    attempt_succeeded(attempt)


def signup_attempt(*, ip: str | None) -> None:
    if ip:
        _window_hit("signup", ip, conf("SIGNUP_PER_IP"), conf("SIGNUP_PER_IP_WINDOW_MINUTES"))
