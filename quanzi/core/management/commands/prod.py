"""`manage.py prod` (`make prod`): the production server on one machine, configured from the environment.

In order: refuse to start when the settings are not production's (below), `check` (errors stop it), `migrate`,
`collectstatic` (WhiteNoise's hashed + compressed files), then two supervised children:
- gunicorn, `--workers` processes (default: one per CPU, WEB_CONCURRENCY) × `--threads` threads (gthread: a thread
  waiting on the database does not idle its process), bound to `--bind` (QUANZI_BIND, default 127.0.0.1:8000:
  behind a proxy on the same machine);
- daphne serving `quanzi.asgi` for the WebSockets (`/ws/`: live rooms, chat, notifications) on `--ws-bind`
  (QUANZI_WS_BIND, default 127.0.0.1:8001; the proxy sends `/ws/` there, docs/deploy.md), unless `--no-ws`;
- the job consumer, `manage.py run_huey` on Redis (`--job-workers` threads, periodic jobs on).
When either child exits, the other is stopped and `prod` exits with an error, so a supervisor (systemd, a
container runtime) restarts the whole; SIGTERM / SIGINT stop both gracefully. On more machines: one runs
`prod --no-web` or the migrations, the others `prod --no-jobs --no-migrate` (docs/deploy.md).

Refused: DEBUG on, the sandbox payment gateway or the sandbox WeChat login, no DATABASE_URL or an SQLite one,
no REDIS_URL (the cache, locks, rate limits and the queue must be shared by the processes). A missing, short or
published SECRET_KEY has already been refused by the settings (core/deploy.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

GUNICORN_OPTIONS = [
    "--worker-class", "gthread",
    "--timeout", "30", "--graceful-timeout", "30", "--keep-alive", "5",
    # a worker is replaced after this many requests (a slow leak never grows without end), not all at once
    "--max-requests", "5000", "--max-requests-jitter", "500",
    # request line and headers bounded before Django (the body: core/edge.BodyLimitMiddleware and the proxy)
    "--limit-request-line", "8190", "--limit-request-fields", "100", "--limit-request-field_size", "8190",
    "--worker-tmp-dir", "/dev/shm" if Path("/dev/shm").is_dir() else "/tmp",
    "--error-logfile", "-",  # gunicorn's own lines; each request is logged by quanzi.access in JSON
]


def production_problems() -> list[str]:
    """Why these settings are not a production server's (empty: fine)."""
    problems = []
    if settings.DEBUG:
        problems.append("DEBUG is on: unset it (make prod never runs with DEBUG=1)")
    if getattr(settings, "TESTING", False):
        problems.append("QUANZI_TESTING is set: this is the test configuration")
    if getattr(settings, "QUANZI_SANDBOX_PAYMENTS", False):
        problems.append("the sandbox payment gateway is on (QUANZI_PAYMENTS_SANDBOX): it pays orders without money")
    if getattr(settings, "QUANZI_WXLOGIN_SANDBOX", False):
        problems.append("the sandbox WeChat login is on (QUANZI_WXLOGIN_SANDBOX)")
    if not os.environ.get("DATABASE_URL"):
        problems.append("DATABASE_URL is not set (PostgreSQL: postgres://user:password@host:5432/quanzi)")
    elif settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        problems.append("DATABASE_URL is SQLite: several processes need PostgreSQL")
    if not getattr(settings, "REDIS_URL", ""):
        problems.append("REDIS_URL is not set: the processes must share the cache, locks, limits and the queue")
    return problems


class Command(BaseCommand):
    help = "Run the production server: checks, migrate, collectstatic, then gunicorn and the job consumer."
    requires_system_checks: list[str] = []  # run below, with the deploy checks, after the refusals

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("QUANZI_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int,
                            default=int(os.environ.get("WEB_CONCURRENCY", 0)) or (os.cpu_count() or 2))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("QUANZI_WEB_THREADS", 8)))
        parser.add_argument("--ws-bind", default=os.environ.get("QUANZI_WS_BIND", "127.0.0.1:8001"),
                            help="daphne's address for the WebSockets (host:port)")
        parser.add_argument("--no-ws", action="store_true", help="no WebSocket server (another machine runs it)")
        parser.add_argument("--job-workers", type=int, default=int(os.environ.get("QUANZI_JOB_WORKERS", 4)))
        parser.add_argument("--no-jobs", action="store_true", help="web only (another machine runs the jobs)")
        parser.add_argument("--no-web", action="store_true", help="the job consumer only")
        parser.add_argument("--no-periodic", action="store_true",
                            help="the consumer does not schedule periodic jobs (another job machine does)")
        parser.add_argument("--no-migrate", action="store_true", help="the migrations ran elsewhere")
        parser.add_argument("--no-collectstatic", action="store_true", help="static files were collected in the image")
        parser.add_argument("--check-only", action="store_true", help="refusals and checks, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        problems = production_problems()
        if problems:
            raise CommandError("quanzi refuses to start in production mode:\n- " + "\n- ".join(problems))
        call_command("check", deploy=True, fail_level="ERROR")
        if options["check_only"]:
            self.stdout.write(self.style.SUCCESS("production settings: fine"))
            return
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=1)
        if not options["no_collectstatic"] and not options["no_web"]:
            started = time.monotonic()
            call_command("collectstatic", interactive=False, verbosity=0)
            self.stdout.write(f"static files collected in {time.monotonic() - started:.1f} s ({settings.STATIC_ROOT})")
        os.environ.setdefault("QUANZI_ACCESS_LOG", "1")  # the children log one JSON line per request
        children: dict[str, subprocess.Popen[bytes]] = {}
        if not options["no_web"]:
            web = [sys.executable, "-m", "gunicorn", "quanzi.wsgi:application", "--bind", options["bind"],
                   "--workers", str(options["workers"]), "--threads", str(options["threads"]), *GUNICORN_OPTIONS]
            self.stdout.write(f"web: gunicorn on {options['bind']}, {options['workers']} workers × "
                              f"{options['threads']} threads")
            children["web"] = subprocess.Popen(web)
        if not options["no_web"] and not options["no_ws"]:
            host, _sep, port = options["ws_bind"].rpartition(":")
            ws = [sys.executable, "-m", "daphne", "-b", host or "127.0.0.1", "-p", port, "--proxy-headers",
                  "quanzi.asgi:application"]
            self.stdout.write(f"websockets: daphne on {options['ws_bind']}")
            children["ws"] = subprocess.Popen(ws)
        if not options["no_jobs"]:
            manage = Path(settings.BASE_DIR) / "manage.py"
            entry = [str(manage)] if manage.exists() else ["-m", "quanzi.cli"]  # a checkout, or pip-installed
            jobs = [sys.executable, *entry, "run_huey", "--workers", str(options["job_workers"]),
                    "--worker-type", "thread", *(["--no-periodic"] if options["no_periodic"] else [])]
            self.stdout.write(f"jobs: run_huey on Redis, {options['job_workers']} threads")
            children["jobs"] = subprocess.Popen(jobs)
        if not children:
            raise CommandError("--no-web and --no-jobs: nothing to run")
        raise SystemExit(supervise(children))


def supervise(children: dict[str, subprocess.Popen[bytes]]) -> int:
    """Wait until a child exits or a signal comes; then stop the others (SIGTERM, then SIGKILL after 30 s)."""
    stopping: list[int] = []

    def on_signal(signum: int, _frame: Any) -> None:
        stopping.append(signum)

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, on_signal)
    exited = ""
    while not stopping and not exited:
        for name, child in children.items():
            if child.poll() is not None:
                exited = name
                break
        time.sleep(0.5)
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 30
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    if exited:
        sys.stderr.write(f"prod: {exited} exited with {children[exited].returncode}; stopped the rest\n")
        return 1
    return 0
