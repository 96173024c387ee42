"""Start-up refusals (security issue, findings 1, 2 and 4): processes started with unsafe settings do not run.

Each case starts a real Python process with a clean environment, as a server would start, and reads its answer.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from quanzi.core.deploy import PUBLISHED_SECRET_KEYS, local_secret, secret_key_problem

ROOT = Path(__file__).resolve().parents[3]
GOOD_KEY = "k2R8vQ-9xLmZ_4tYwB7nHc1sJ0fUeGpA3dVqTiKoXy5rNbMhW6lSzCjEgF8uD2aP"
PROBE = ("import django; django.setup(); from django.conf import settings; "
         "from quanzi.payments.gateways import available_gateways; "
         "print('DEBUG', settings.DEBUG); print('GATEWAYS', ','.join(available_gateways()))")


def prod_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a production start: nothing from the test process that would relax the rules."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("QUANZI_", "DJANGO_", "DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL",
                                "PYTEST"))}
    env.update({"DJANGO_SETTINGS_MODULE": "quanzi.settings", "QUANZI_VAR_DIR": str(tmp_path),
                "DEBUG": "0", "SECRET_KEY": GOOD_KEY})
    env.update(extra)
    return {k: v for k, v in env.items() if v is not None}


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_secret_key_rules() -> None:
    assert secret_key_problem("") == "SECRET_KEY is not set"
    for key in PUBLISHED_SECRET_KEYS:
        assert secret_key_problem(key) == "SECRET_KEY is a published default"
    assert secret_key_problem("django-insecure-" + "x" * 60) == "SECRET_KEY is a published default"
    assert "shorter" in (secret_key_problem("short-but-random-Xy12") or "")
    assert "different characters" in (secret_key_problem("ab" * 40) or "")
    assert secret_key_problem(GOOD_KEY) is None


def test_local_secret_is_random_private_and_stable(tmp_path: Path) -> None:
    first = local_secret(tmp_path, "secret_key")
    assert len(first) >= 50 and first == local_secret(tmp_path, "secret_key")
    assert (tmp_path / ".secret_key").stat().st_mode & 0o077 == 0
    other = tmp_path / "other"
    other.mkdir()
    assert local_secret(other, "secret_key") != first


def test_no_secret_key_is_written_in_the_source() -> None:
    settings_py = (ROOT / "quanzi" / "settings.py").read_text()
    assert not re.search(r"SECRET_KEY\s*=\s*os\.environ\.get\(\s*\"SECRET_KEY\"\s*,\s*\"[^\"]+\"", settings_py)
    for key in PUBLISHED_SECRET_KEYS:
        assert key not in settings_py


@pytest.mark.parametrize("key", ["", "quanzi-dev-only-secret-change-me-in-production-0123456789", "tooshort123"])
def test_production_refuses_a_missing_public_or_short_secret_key(tmp_path: Path, key: str) -> None:
    result = run(prod_env(tmp_path, SECRET_KEY=key), "-c", PROBE)
    assert result.returncode != 0
    assert "quanzi refuses to start" in result.stderr and "SECRET_KEY" in result.stderr


def test_debug_is_off_unless_asked_for(tmp_path: Path) -> None:
    env = prod_env(tmp_path)
    env.pop("DEBUG")
    result = run(env, "-c", PROBE)
    assert result.returncode == 0, result.stderr
    assert "DEBUG False" in result.stdout


def test_production_has_no_sandbox_by_default(tmp_path: Path) -> None:
    result = run(prod_env(tmp_path), "-c", PROBE)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^GATEWAYS $", result.stdout, re.M), result.stdout  # no gateway configured, none offered


def test_production_refuses_the_sandbox_unless_loudly_allowed(tmp_path: Path) -> None:
    refused = run(prod_env(tmp_path, QUANZI_PAYMENTS_SANDBOX="1"), "-c", PROBE)
    assert refused.returncode != 0
    assert "QUANZI_ALLOW_SANDBOX_PAYMENTS_IN_PRODUCTION" in refused.stderr
    allowed = run(prod_env(tmp_path, QUANZI_PAYMENTS_SANDBOX="1", QUANZI_ALLOW_SANDBOX_PAYMENTS_IN_PRODUCTION="1"),
                  "-c", PROBE)
    assert allowed.returncode == 0, allowed.stderr
    assert "GATEWAYS sandbox" in allowed.stdout


def test_demo_gets_the_sandbox_with_a_secret_of_its_own(tmp_path: Path) -> None:
    env = prod_env(tmp_path, DEBUG="1", QUANZI_PAYMENTS_SANDBOX="1")
    env.pop("SECRET_KEY")
    probe = PROBE + ("; print('SAME', settings.QUANZI_SANDBOX_SECRET == settings.SECRET_KEY); "
                     "print('LEN', len(settings.QUANZI_SANDBOX_SECRET))")
    result = run(env, "-c", probe)
    assert result.returncode == 0, result.stderr
    assert "GATEWAYS sandbox" in result.stdout and "SAME False" in result.stdout
    assert int(re.search(r"LEN (\d+)", result.stdout).group(1)) >= 50  # type: ignore[union-attr]


def _deploy_check(env: dict[str, str]) -> tuple[int, set[str], str]:
    result = run(env, "manage.py", "check", "--deploy")
    ids = set(re.findall(r"\((security\.[A-Z]\d+|[a-z_.]+\.[EW]\d+)\)", result.stdout + result.stderr))
    return result.returncode, ids, result.stdout + result.stderr


def test_check_deploy_reports_nothing_above_a_warning(tmp_path: Path) -> None:
    code, ids, out = _deploy_check(prod_env(tmp_path, ALLOWED_HOSTS="shop.example.com"))
    assert code == 0, out
    assert "ERROR" not in out
    # Without HTTPS only the HTTPS warnings are left; the README explains them and QUANZI_HTTPS=1.
    assert ids <= {"security.W004", "security.W008", "security.W012", "security.W016"}, out
    code, ids, out = _deploy_check(prod_env(tmp_path, ALLOWED_HOSTS="shop.example.com", QUANZI_HTTPS="1"))
    assert code == 0, out
    # HSTS for subdomains and preloading bind every subdomain to HTTPS for a long time: off unless asked for.
    assert ids <= {"security.W005", "security.W021"}, out
