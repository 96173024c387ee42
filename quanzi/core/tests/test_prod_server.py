"""The real production server: gunicorn (the options `manage.py prod` gives it), DEBUG=0, on a free port, after
collectstatic. It serves a static file under its hashed name, compressed and cached for a year; /healthz and
/readyz answer for any Host; an oversized API body is a JSON 413 from gunicorn's worker; each request leaves one
JSON log line with the request id the response carried; `manage.py prod` itself refuses DEBUG=1.

Kept fast: the database is a copy of the session's already migrated SQLite test database (migrate has little left),
collectstatic skips the admin's and the API docs' files (most of the bytes; WhiteNoise compresses the rest), and
the server has two workers of two threads.
"""

from __future__ import annotations

import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from quanzi.core.management.commands.prod import GUNICORN_OPTIONS

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(var: Path, db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("QUANZI_", "DJANGO_", "DEBUG", "SECRET_KEY", "DATABASE_", "REDIS_URL", "PYTEST"))}
    env.update({"DJANGO_SETTINGS_MODULE": "quanzi.settings", "QUANZI_VAR_DIR": str(var), "DEBUG": "0",
                "SECRET_KEY": "prod-server-test-" + os.urandom(24).hex(), "DATABASE_URL": f"sqlite:///{db}",
                "ALLOWED_HOSTS": "127.0.0.1,shop.example.com", "QUANZI_ACCESS_LOG": "1",
                "QUANZI_MAX_API_JSON_BYTES": "65536"})
    return env


def _get(url: str, headers: dict[str, str] | None = None, data: bytes | None = None) -> tuple[int, Any, bytes]:
    req = urllib.request.Request(url, headers=headers or {}, data=data, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, django_db_setup: None,
           django_db_blocker: Any) -> Iterator[tuple[str, Path]]:
    if not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        pytest.skip("runs in the SQLite pass: the server gets a copy of the migrated SQLite test database")
    tmp = tmp_path_factory.mktemp("prodserver")
    db = tmp / "prod.sqlite3"
    with django_db_blocker.unblock():
        source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        target = sqlite3.connect(db)
        source.backup(target)  # a consistent copy of the migrated (empty) test database, WAL included
        source.close()
        target.close()
    env = _env(tmp / "var", db)
    # whatever the copy lacks (apps whose migrations the test database did not take); usually nothing
    migrate = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=600)
    assert migrate.returncode == 0, migrate.stderr
    collect = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0",
                              "-i", "admin", "-i", "ninja", "-i", "django_otp", "-i", "otp_totp"],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert collect.returncode == 0, collect.stderr
    port = _free_port()
    log = tmp / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "quanzi.wsgi:application", "--bind",
                                 f"127.0.0.1:{port}", "--workers", "2", "--threads", "2", *GUNICORN_OPTIONS],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if _get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "gunicorn did not answer /healthz: " + log.read_text()
            time.sleep(0.3)
        yield base, log
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_hashed_static_file_compressed_and_cached(server: tuple[str, Path]) -> None:
    base, _log = server
    status, headers, page = _get(base + "/login/", {"Host": "shop.example.com"})
    assert status == 200, page[:500]
    css = re.search(rb'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page)
    assert css, "the page links the hashed name"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    status, headers, body = _get(base + css.group(1).decode(), {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"] and "max-age=315360000" in headers["Cache-Control"]
    assert headers["Content-Type"].startswith("text/css")
    js = re.search(rb'src="(/static/vendor/htmx\.min\.[0-9a-f]{12}\.js)"', page)
    assert js and _get(base + js.group(1).decode())[0] == 200
    assert _get(base + "/static/css/nothing-here.css")[0] == 404


def test_health_probes_answer_for_any_host(server: tuple[str, Path]) -> None:
    base, _log = server
    status, headers, body = _get(base + "/healthz", {"Host": "10.0.0.9"})
    assert status == 200 and json.loads(body)["status"] == "ok"
    status, headers, body = _get(base + "/readyz", {"Host": "10.0.0.9"})
    ready = json.loads(body)
    assert status == 200, ready
    assert ready["checks"] == {"database": "ok", "migrations": "ok", "static": "ok"}
    assert _get(base + "/", {"Host": "evil.example.com"})[0] == 400  # other paths still check the host


def test_oversized_api_body_is_a_json_413_and_every_request_is_logged_in_json(server: tuple[str, Path]) -> None:
    base, log = server
    status, headers, body = _get(base + "/api/v1/accounts/login",
                                 {"Content-Type": "application/json", "X-Request-ID": "big-body-0001"},
                                 data=b"{" + b" " * 70000 + b"}")
    assert status == 413 and json.loads(body)["code"] == "request_too_large"
    status, headers, _ = _get(base + "/api/v1/health", {"X-Request-ID": "trace-me-000123"})
    assert status == 200 and headers["X-Request-ID"] == "trace-me-000123"
    deadline = time.monotonic() + 10
    lines: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        if any(e.get("request_id") == "trace-me-000123" for e in lines):
            break
        time.sleep(0.2)
    access = [e for e in lines if e.get("logger") == "quanzi.access" and e.get("request_id") == "trace-me-000123"]
    assert access and access[0]["status"] == 200 and access[0]["path"] == "/api/v1/health"
    assert any(e.get("request_id") == "big-body-0001" and e.get("status") == 413 for e in lines)


def test_prod_command_refuses_debug(tmp_path: Path) -> None:
    env = _env(tmp_path / "var", tmp_path / "x.sqlite3")
    env["DEBUG"] = "1"
    done = subprocess.run([sys.executable, "manage.py", "prod", "--check-only"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "refuses to start" in done.stderr and "DEBUG is on" in done.stderr
    assert "REDIS_URL is not set" in done.stderr and "SQLite" in done.stderr
