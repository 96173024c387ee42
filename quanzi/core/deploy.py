"""Start-up rules that keep a misconfigured server from running at all (read by settings.py, so no Django here).

The rules (security issue: free orders through the sandbox, a public SECRET_KEY):
- with DEBUG off, SECRET_KEY must come from the environment, be long and random-looking, and not be a key that was
  ever published (the old default in settings.py, Django's `django-insecure-` keys);
- the sandbox payment gateway confirms payments without money moving, so with DEBUG off it is refused unless the
  loudly named `QUANZI_ALLOW_SANDBOX_PAYMENTS_IN_PRODUCTION=1` says someone meant it;
- the demo and the tests need secrets too: they get random ones, made once per var/ folder and kept there (0600),
  never a value written in the source.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

# Keys that were public at some point: a server that uses one can have its sessions, tokens and sandbox
# signatures forged by anyone who read the source.
PUBLISHED_SECRET_KEYS = frozenset({
    "quanzi-dev-only-secret-change-me-in-production-0123456789",
})
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE = 5
ALLOW_SANDBOX_ENV = "QUANZI_ALLOW_SANDBOX_PAYMENTS_IN_PRODUCTION"


class UnsafeConfiguration(Exception):
    """The settings would run an unsafe server; the message says what to set."""


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def secret_key_problem(key: str) -> str | None:
    """Why `key` cannot sign a production server's sessions, or None when it can."""
    if not key:
        return "SECRET_KEY is not set"
    if key in PUBLISHED_SECRET_KEYS or key.startswith("django-insecure"):
        return "SECRET_KEY is a published default"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"SECRET_KEY is shorter than {SECRET_KEY_MIN_LENGTH} characters"
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE:
        return f"SECRET_KEY has fewer than {SECRET_KEY_MIN_UNIQUE} different characters"
    return None


def local_secret(var_dir: Path, name: str) -> str:
    """A random secret for this installation's var/ folder (demo and tests), made on first use and kept
    readable by the owner only, so every process of the same installation (web, jobs) agrees on it."""
    path = var_dir / f".{name}"
    try:
        value = path.read_text().strip()
    except FileNotFoundError:
        value = ""
    if len(value) >= SECRET_KEY_MIN_LENGTH:
        return value
    value = secrets.token_urlsafe(48)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    try:
        os.link(tmp, path)  # first writer wins: two processes starting together end with one secret
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text().strip()


def check_startup(*, debug: bool, testing: bool, secret_key_from_env: str, sandbox_enabled: bool,
                  sandbox_allowed_in_production: bool) -> None:
    """Raise `UnsafeConfiguration` when a server with these settings must not start."""
    if debug or testing:
        return
    problem = secret_key_problem(secret_key_from_env)
    if problem:
        raise UnsafeConfiguration(
            f"{problem}. With DEBUG=0 quanzi needs its own secret in the SECRET_KEY environment variable "
            f"(at least {SECRET_KEY_MIN_LENGTH} random characters), e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(64))'")
    if sandbox_enabled and not sandbox_allowed_in_production:
        raise UnsafeConfiguration(
            "The sandbox payment gateway is enabled (QUANZI_PAYMENTS_SANDBOX=1) with DEBUG=0: anyone could mark "
            "orders paid without paying. Turn it off, or set "
            f"{ALLOW_SANDBOX_ENV}=1 if this really is a test installation.")
