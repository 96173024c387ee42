"""Page cost (issue #16, "Load"): what a feed page costs against a trivial API endpoint on the same server, in the
same run, on the demo data — and where the time goes.

    .venv/bin/python bench/pagecost.py              # about 5 minutes; --help for the knobs

The server is production mode as bench/load.py starts it (gunicorn, 4 worker processes × 4 threads by default on
this machine's cores, DEBUG=0, PostgreSQL database `h3_pagecost` dropped and created, Redis db 13 flushed before
and after, `collectstatic` run), with `manage.py load_demo`'s data. A threaded keep-alive client (bench/flashsale.py's
`drive`) asks, in turn:

- trivial: `GET /api/v1/health` (one `SELECT 1`), before and after the pages (the baseline is their mean);
- home_anon: `/` as a visitor (the page cache for visitors, core/pagecache.py);
- home_member: `/` as a signed-in member (each request from one of many demo members);
- feed_api: `GET /api/v1/content/feed` with a member's token;
- community_member: `/c/<slug>/` as a member.

Each figure is requests per second over `--requests` requests (bounded by `--seconds`); the ratio is page / trivial.
Targets: members' feed pages and the feed API ≥ 0.25, visitors' pages ≥ 0.50. Then a profile (cProfile in one
process, Django's test client on the same database and Redis) of each page: milliseconds per request in template
rendering, SQL (and the number of queries), the cache, and the rest, with the functions that take the most time.
The last line:

    pagecost: home_anon=R home_member=R feed_api=R
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "bench"))

from flashsale import PG_URL, REDIS_URL, Run, _pg_ok, _redis_ok, drive, free_port, stop, wait_ready  # noqa: E402
from load import SETTINGS_MODULE, build_demo  # noqa: E402

PG_DB = "h3_pagecost"
REDIS_DB = 13
TARGETS = {"home_anon": 0.50, "home_member": 0.25, "feed_api": 0.25, "community_member": 0.25}


def targets(data: dict[str, Any], n: int) -> dict[str, list[tuple[str, str, dict[str, str], bytes | None]]]:
    members = data["members"]
    slugs = data["communities"]

    def session(i: int) -> dict[str, str]:
        return {"Cookie": f"sessionid={members[i % len(members)]['session']}"}

    def bearer(i: int) -> dict[str, str]:
        return {"Authorization": f"Bearer {members[i % len(members)]['token']}"}

    return {
        "trivial": [("GET", "/api/v1/health", {}, None)] * n,
        "home_anon": [("GET", "/", {}, None)] * n,
        "home_member": [("GET", "/", session(i), None) for i in range(n)],
        "feed_api": [("GET", "/api/v1/content/feed", bearer(i), None) for i in range(n)],
        "community_member": [("GET", f"/c/{slugs[i % len(slugs)]}/", session(i), None) for i in range(n)],
    }


# --- the profile (a child process with Django on the bench database) -------------------------------------------------


def profile(data_file: str, runs: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quanzi.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from quanzi.accounts.models import User

    data = json.loads(Path(data_file).read_text())
    phones = [m["phone"] for m in data["members"][:runs]]
    users = {u.phone: u for u in User.objects.filter(phone__in=phones)}
    token = data["members"][0]["token"]
    pages = {
        "home_anon": (lambda i: Client(), "/", {}),
        "home_member": (lambda i: _signed_in(users[phones[i % len(phones)]]), "/", {}),
        "feed_api": (lambda i: Client(), "/api/v1/content/feed", {"HTTP_AUTHORIZATION": f"Bearer {token}"}),
    }
    for name, (client_for, path, extra) in pages.items():
        clients = [client_for(i) for i in range(runs)]
        for c in clients[:3]:
            c.get(path, **extra)  # warm: templates, the page cache for visitors, fragments
        executed: list[float] = []

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any,
                  executed: list[float] = executed) -> Any:
            t0 = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                executed.append(time.perf_counter() - t0)

        prof = cProfile.Profile()
        started = time.perf_counter()
        with connection.execute_wrapper(count):
            prof.enable()
            for c in clients:
                assert c.get(path, **extra).status_code == 200
            prof.disable()
        wall = (time.perf_counter() - started) / runs * 1000
        stats = pstats.Stats(prof)
        raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]

        def cumulative(file_part: str, func: str, raw: dict[Any, Any] = raw) -> float:
            return sum(v[3] for (f, _l, fn), v in raw.items() if file_part in f and fn == func) / runs * 1000

        template = cumulative("django/shortcuts.py", "render")
        cache = sum(cumulative("django/core/cache/backends/", fn) for fn in ("get", "set", "get_many", "incr", "add"))
        sql = sum(executed) / runs * 1000
        print(f"[profile] {name} ({path}): {wall:.1f} ms per request under the profiler; templates {template:.1f} ms, "
              f"SQL {sql:.1f} ms in {len(executed) / runs:.1f} queries, cache {cache:.1f} ms, "
              f"the rest {max(0.0, wall - template - sql - cache):.1f} ms")
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(6)
        rows = [line.split(None, 5) for line in out.getvalue().splitlines()]
        for parts in [p for p in rows if len(p) == 6 and p[1].replace(".", "", 1).isdigit()][:6]:
            print(f"[profile]     {float(parts[1]) / runs * 1000:6.2f} ms own time  {parts[5][-90:]}")


def _signed_in(user: Any) -> Any:
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c


def measure(env: dict[str, str], data_file: Path, work: Path, args: argparse.Namespace) -> dict[str, float]:
    """Drive the figures on a gunicorn started here, profile, print; the ratios to the trivial endpoint."""
    results: dict[str, Run] = {}
    data = json.loads(data_file.read_text())
    port = free_port()
    log = open(work / "server.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([str(BIN / "gunicorn"), "quanzi.wsgi:application", "--workers", str(args.workers),
                             "--worker-class", "gthread", "--threads", str(args.worker_threads), "--keep-alive",
                             "30", "--log-level", "error", "--bind", f"127.0.0.1:{port}"], env=env, cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT)
    print(f"page cost: gunicorn {args.workers} workers × {args.worker_threads} threads on {os.cpu_count()} CPUs, "
          f"DEBUG=0, PostgreSQL {env['DATABASE_URL'].rsplit('/', 1)[-1]}, Redis db {REDIS_DB}; {args.threads} client threads, {args.requests} "
          f"requests per figure (at most {args.seconds:.0f} s)")
    try:
        wait_ready(port, proc, 120)
        plan = targets(data, args.requests)
        for requests in plan.values():  # warm every worker on every page
            drive(port, requests[:60], args.threads, time.monotonic() + 60)
        order = ["trivial", "home_anon", "home_member", "feed_api", "community_member", "trivial"]
        for i, name in enumerate(order):
            run = drive(port, plan[name], args.threads, time.monotonic() + args.seconds)
            key = name if i < len(order) - 1 else "trivial_after"
            results[key] = run
            bad = {s: c for s, c in run.statuses.items() if s != 200}
            print(f"  {key:<18} {run.per_s:8.1f} req/s  p50 {run.pct_ms(0.5):7.1f} ms  p99 "
                  f"{run.pct_ms(0.99):7.1f} ms  ({run.count} requests{', HTTP ' + str(bad) if bad else ''})")
    finally:
        stop(proc)
        log.close()
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "--profile", str(data_file),
                    "--profile-runs", str(args.profile_runs)], env=env, cwd=ROOT, check=True, timeout=900)
    trivial = (results["trivial"].per_s + results["trivial_after"].per_s) / 2
    ratios = {name: results[name].per_s / trivial for name in TARGETS}
    print(f"trivial endpoint: {trivial:.1f} req/s (mean of before and after)")
    failed = []
    for name, target in TARGETS.items():
        ok = ratios[name] >= target
        failed += [] if ok else [name]
        print(f"  {name:<18} ratio {ratios[name]:.2f}  (target ≥ {target:.2f}: {'met' if ok else 'NOT MET'})")
    print(f"pagecost: home_anon={ratios['home_anon']:.2f} home_member={ratios['home_member']:.2f} "
          f"feed_api={ratios['feed_api']:.2f}")
    return ratios


# --- the driving side ----------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--worker-threads", type=int, default=4)
    parser.add_argument("--threads", type=int, default=16, help="client threads (keep-alive connection each)")
    parser.add_argument("--requests", type=int, default=600, help="requests per figure")
    parser.add_argument("--seconds", type=float, default=40, help="at most this long per figure")
    parser.add_argument("--profile-runs", type=int, default=20)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--profile", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.profile:
        profile(args.profile, args.profile_runs)
        return 0
    reasons = [r for r in (_pg_ok(), _redis_ok(REDIS_DB),
                           "" if (BIN / "gunicorn").exists() else "gunicorn is not installed") if r]
    if reasons:
        print(f"pagecost: SKIPPED: {'; '.join(reasons)}")
        return 1

    import psycopg
    import redis

    work = Path(tempfile.mkdtemp(prefix="quanzi-bench-pagecost-"))
    (work / "bench_load_settings.py").write_text(SETTINGS_MODULE)
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "QUANZI_TESTING", "DEBUG",
                                                             "QUANZI_PAYMENTS_SANDBOX", "QUANZI_VAR_DIR")}
    database_url = f"{PG_URL}/{PG_DB}"
    env = {**base, "DJANGO_SETTINGS_MODULE": "bench_load_settings", "LOG_LEVEL": "ERROR",
           "PYTHONPATH": os.pathsep.join([str(work), str(ROOT), base.get("PYTHONPATH", "")]),
           "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "DATABASE_URL": database_url,
           "REDIS_URL": f"{REDIS_URL}/{REDIS_DB}", "QUANZI_VAR_DIR": str(work / "var"),
           "QUANZI_PAYMENTS_SANDBOX": "1", "QUANZI_ALLOW_SANDBOX_PAYMENTS_IN_PRODUCTION": "1",
           "QUANZI_BENCH_CONN_MAX_AGE": "60", "QUANZI_ADMIN_REQUIRE_OTP": "0"}
    flush = redis.Redis.from_url(env["REDIS_URL"])
    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{PG_DB}"')
    try:
        flush.flushdb()
        data_file = build_demo(env, "pagecost", work, 100_000)
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"], env=env,
                       cwd=ROOT, check=True, timeout=600)
        ratios = measure(env, data_file, work, args)
    finally:
        flush.flushdb()
        with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if all(ratios[name] >= target for name, target in TARGETS.items()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
