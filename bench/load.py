"""A realistic day under load (issue #16, "Load"): the locust scenario in bench/locustfile.py (browse 70 %, interact
15 %, cart and checkout 10 %, campaigns 5 %, as demo members and visitors), headless against loopback, first in the
embedded mode and then in production mode, on the demo data (`manage.py load_demo`) built fresh for each.

    .venv/bin/python bench/load.py                  # about 8 minutes; --help for the knobs

- embedded: `manage.py serve` (one process, threaded, with its in-process job consumer), SQLite, DEBUG=1 — what
  `make demo` runs;
- production: gunicorn (one worker process per CPU, gthread) with DEBUG=0 and a random SECRET_KEY, on PostgreSQL (the
  database `h3`, dropped and created) and Redis (db 13, flushed before and after) for cache, locks, rate limits and the
  job queue, plus `manage.py run_huey` delivering the sandbox bank's notifications — as docs/deploy.md runs it. The
  sandbox gateway is allowed in production for the run (QUANZI_ALLOW_SANDBOX_PAYMENTS_IN_PRODUCTION=1: it is the
  only gateway without real keys).

Every request comes from 127.0.0.1, so the per-address limits on logins and flash-sale attempts are raised for the
run (printed); per-member limits are the project's. Locust runs on the same two cores as the server, the database
and Redis, so its CPU is in the figures of both modes alike; it is sampled and printed.

While locust runs, psutil samples once a second the CPU of: the web server's processes, the PostgreSQL backends
serving our database (found through pg_stat_activity), the Redis server, the job consumer, locust, and the whole
machine; and pg_stat_activity for backends waiting on a lock. From that it says what limits the run: the web
workers' CPU, the database, locks, or the load generator / the machine being busy with other work.

It prints, per mode, each endpoint's requests, throughput, p50 and p99 (locust's own figures), the business refusals
by code, the CPU table and the verdict, and ends with

    load: mode=prod rps=X p99_ms=Y errors=N embedded_rps=Z

(rps and p99 over all requests of the production run, errors = its failures: 5xx, no answer, 401/403/404).
Exits 1 when a run had errors.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "bench"))

from flashsale import PG_URL, REDIS_URL, _pg_ok, _redis_ok, free_port, stop, wait_ready  # noqa: E402

PG_DB = "h3"
REDIS_DB = 13
DEMO_SIZE: list[str] = []  # load_demo's --members/--posts when given on the command line
SEARCH_WORDS = ["跑步", "护肤", "防晒", "减脂", "咖啡", "露营", "宝宝", "穿搭", "面膜", "早餐"]

SETTINGS_MODULE = '''
# written by bench/load.py: the project's settings, with the per-address limits raised because every bench request
# comes from 127.0.0.1 (per-member limits are the project's own)
import os

from quanzi.settings import *  # noqa: F401,F403

QUANZI_ACCOUNTS = {**globals().get("QUANZI_ACCOUNTS", {}), "LOGIN_PER_IP": 1_000_000}
QUANZI_FLASHSALE = {**globals().get("QUANZI_FLASHSALE", {}), "IP_ATTEMPTS": 1_000_000}
if os.environ.get("QUANZI_BENCH_CONN_MAX_AGE"):
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ["QUANZI_BENCH_CONN_MAX_AGE"])  # noqa: F405
'''


# --- the Django side (child processes) ---------------------------------------------------------------------------


def catalogue(out: str, restock: int, members_wanted: int = 400) -> None:
    """What the scenario picks from, read from the demo database; SKUs restocked to `restock` units (a day's
    checkouts should not end in `out_of_stock` for every product the demo sold out). Members are signed in here
    (a session and an API token each): the first login of a demo member rehashes its password with production
    argon2 (about a second of CPU), a one-time cost that would otherwise fill the first minute of the run."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quanzi.settings")
    import django

    django.setup()
    from django.utils import timezone

    from quanzi.accounts.models import User
    from quanzi.catalog.models import Product, Sku
    from quanzi.communities.models import Community, Membership
    from quanzi.content.models import Post
    from quanzi.growth.coupons.models import CouponTemplate
    from quanzi.growth.flashsale.models import FlashSession

    Sku.objects.update(stock=restock)
    public = Community.objects.filter(visibility="public")
    products = []
    for product in Product.objects.filter(on_shelf=True).order_by("id"):
        sku = Sku.objects.filter(product=product).order_by("id").first()
        if sku is not None:
            products.append({"id": product.pk, "sku_id": sku.pk})
    now = timezone.now()
    from django.test import Client

    from quanzi.accounts.services import token_create

    members = []
    for user in User.objects.filter(phone__startswith="1390000", is_active=True).order_by("id")[:members_wanted]:
        browser = Client()
        browser.force_login(user)  # a signed-in browser session, as the login page leaves it
        joined = Membership.objects.filter(user=user, status="active").values_list("community_id", flat=True)
        members.append({"phone": user.phone, "session": browser.cookies["sessionid"].value,
                        "token": token_create(user=user, name="load bench"),
                        # posts they may like and comment on: in the communities they joined
                        "posts": list(Post.objects.filter(community_id__in=list(joined), status="published")
                                      .order_by("-id").values_list("id", flat=True)[:200])})
    data = {
        "password": "demo1234",
        "members": members,
        "communities": list(public.values_list("slug", flat=True)),
        "posts": list(Post.objects.filter(community__in=public, status="published").order_by("id")
                      .values_list("id", flat=True)),
        "products": products,
        "search_words": SEARCH_WORDS,
        "flash_sessions": list(FlashSession.objects.exclude(status="draft").values_list("id", flat=True)),
        "coupon_templates": list(CouponTemplate.objects.filter(status="active")
                                 .exclude(claim_ends_at__lt=now).values_list("id", flat=True)),
    }
    Path(out).write_text(json.dumps(data, ensure_ascii=False))


# --- sampling ----------------------------------------------------------------------------------------------------


@dataclass
class Usage:
    """CPU seconds per role over the run, and samples of backends waiting on a lock."""

    cpu: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    samples: int = 0
    lock_waits: int = 0  # sum over samples of backends waiting on a lock
    max_lock_waits: int = 0
    active_backends: int = 0  # sum over samples of backends running a query
    machine_busy: float = 0.0  # CPU seconds of the whole machine (all processes, ours and others')
    seconds: float = 0.0


class Sampler(threading.Thread):
    """Once a second: CPU time of each role's processes (deltas of cpu_times, so processes that come and go are
    counted for the time they lived), and pg_stat_activity of our database."""

    def __init__(self, roles: dict[str, Any], database_url: str | None, db_name: str | None) -> None:
        super().__init__(daemon=True)
        self.roles = roles  # role -> callable returning the pids of that role now
        self.database_url = database_url
        self.db_name = db_name
        self.usage = Usage()
        self.halt = threading.Event()
        self.last: dict[int, float] = {}

    def _cpu(self, pid: int) -> float:
        import psutil

        try:
            t = psutil.Process(pid).cpu_times()
            return float(t.user + t.system)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            return self.last.get(pid, 0.0)

    def _pg_pids(self, conn: Any) -> list[int]:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                            (self.db_name,)).fetchall()
        return [int(r[0]) for r in rows]

    def run(self) -> None:
        import psutil

        conn = None
        if self.database_url:
            import psycopg

            conn = psycopg.connect(self.database_url, autocommit=True)
        roles = dict(self.roles)
        if conn is not None:
            roles["database (PostgreSQL backends)"] = lambda: self._pg_pids(conn)
        machine0 = psutil.cpu_times()
        started = time.monotonic()
        for pids in roles.values():
            for pid in pids():
                self.last[pid] = self._cpu(pid)
        while not self.halt.wait(1.0):
            for role, pids in roles.items():
                for pid in pids():
                    now = self._cpu(pid)
                    self.usage.cpu[role] += max(0.0, now - self.last.get(pid, now if pid in self.last else 0.0))
                    self.last[pid] = now
            if conn is not None:
                row = conn.execute(
                    "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'), count(*) FILTER (WHERE state = "
                    "'active') FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                    (self.db_name,)).fetchone()
                waits = int(row[0]) if row else 0
                self.usage.lock_waits += waits
                self.usage.max_lock_waits = max(self.usage.max_lock_waits, waits)
                self.usage.active_backends += int(row[1]) if row else 0
            self.usage.samples += 1
        machine1 = psutil.cpu_times()
        self.usage.machine_busy = (sum(machine1) - machine1.idle - getattr(machine1, "iowait", 0.0)) - (
            sum(machine0) - machine0.idle - getattr(machine0, "iowait", 0.0))
        self.usage.seconds = time.monotonic() - started
        if conn is not None:
            conn.close()


def tree_pids(proc: subprocess.Popen[bytes] | None) -> Any:
    def pids() -> list[int]:
        import psutil

        if proc is None or proc.poll() is not None:
            return []
        try:
            root = psutil.Process(proc.pid)
            return [root.pid, *(c.pid for c in root.children(recursive=True))]
        except psutil.NoSuchProcess:
            return []
    return pids


def redis_pids() -> list[int]:
    import psutil

    return [p.pid for p in psutil.process_iter(["name"]) if (p.info["name"] or "").startswith("redis-server")]


# --- a run -------------------------------------------------------------------------------------------------------


@dataclass
class Endpoint:
    name: str
    count: int
    failures: int
    rps: float
    p50: float
    p99: float


@dataclass
class Result:
    mode: str
    endpoints: list[Endpoint]
    total: Endpoint
    refusals: dict[str, int]
    usage: Usage
    failures: list[str]


def read_stats(prefix: Path) -> tuple[list[Endpoint], Endpoint]:
    rows = list(csv.DictReader((prefix.parent / f"{prefix.name}_stats.csv").open(encoding="utf-8")))

    def endpoint(r: dict[str, str]) -> Endpoint:
        return Endpoint(name=f"{r['Type']} {r['Name']}" if r["Name"] != "Aggregated" else "all requests",
                        count=int(r["Request Count"]), failures=int(r["Failure Count"]),
                        rps=float(r["Requests/s"]), p50=float(r["50%"] or 0), p99=float(r["99%"] or 0))

    endpoints = [endpoint(r) for r in rows if r["Name"] != "Aggregated"]
    total = next(endpoint(r) for r in rows if r["Name"] == "Aggregated")
    return sorted(endpoints, key=lambda e: -e.count), total


def build_demo(env: dict[str, str], label: str, work: Path, restock: int, *, prebuilt: bool = False,
               collectstatic: bool = False) -> Path:
    """The demo data (migrate + load_demo; with `prebuilt`, the database and QUANZI_VAR_DIR already hold it), then
    the scenario's catalogue. `collectstatic` as production runs it (hashed names, the manifest)."""
    t0 = time.monotonic()
    log = work / f"{label}-demo.log"
    with log.open("wb") as fh:
        for cmd in ([] if prebuilt else [["migrate", "-v0"], ["load_demo", *DEMO_SIZE]]) + (
                [["collectstatic", "--noinput", "-v0"]] if collectstatic else []):
            subprocess.run([sys.executable, str(ROOT / "manage.py"), *cmd], env=env, cwd=ROOT, check=True,
                           stdout=fh, stderr=subprocess.STDOUT, timeout=3600)
    data = work / f"{label}-data.json"
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "--catalogue", str(data), "--restock",
                    str(restock)], env=env, cwd=ROOT, check=True, timeout=600)
    how = "reused (built before with manage.py load_demo)" if prebuilt else "built with manage.py load_demo"
    print(f"[{label}] demo data {how}; catalogue read in {time.monotonic() - t0:.0f} s")
    return data


def run_locust(label: str, env: dict[str, str], server: list[str], args: argparse.Namespace, work: Path,
               data: Path, consumer: list[str] | None, database_url: str | None) -> Result:
    port = free_port()
    log = open(work / f"{label}-server.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([*server, f"127.0.0.1:{port}"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    jobs = subprocess.Popen(consumer, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            preexec_fn=lambda: os.nice(10)) if consumer else None
    prefix = work / f"{label}-locust"
    refusals = work / f"{label}-refusals.json"
    locust_env = {**os.environ, "QUANZI_LOAD_DATA": str(data), "QUANZI_LOAD_REFUSALS": str(refusals)}
    try:
        wait_ready(port, proc, 120)
        roles: dict[str, Any] = {"web server": tree_pids(proc)}
        if jobs is not None:
            roles["job consumer"] = tree_pids(jobs)
        if database_url:
            roles["redis-server (shared)"] = redis_pids
        locust = subprocess.Popen(
            [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "-u", str(args.users),
             "-r", str(args.spawn_rate), "-t", f"{args.duration}s", "--host", f"http://127.0.0.1:{port}",
             "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10"],
            env=locust_env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(work / f"{label}-locust.log", "wb"))
        roles["locust (load generator)"] = tree_pids(locust)
        sampler = Sampler(roles, database_url, PG_DB if database_url else None)
        sampler.start()
        try:
            locust.wait(args.duration + 120)
        finally:
            sampler.halt.set()
            sampler.join(10)
            stop(locust)
    finally:
        stop(proc)
        if jobs is not None:
            stop(jobs)
        log.close()
    endpoints, total = read_stats(prefix)
    failures_csv = prefix.parent / f"{prefix.name}_failures.csv"
    failures = [f"{r['Method']} {r['Name']}: {r['Error']} × {r['Occurrences']}"
                for r in csv.DictReader(failures_csv.open(encoding="utf-8"))] if failures_csv.exists() else []
    if total.failures:
        text = (work / f"{label}-server.log").read_text(errors="replace")
        start = text.find("Traceback")
        if start >= 0:
            print(f"[{label}] the server's log (first traceback):\n{text[start:start + 2500]}")
    return Result(mode=label, endpoints=endpoints, total=total,
                  refusals=json.loads(refusals.read_text()) if refusals.exists() else {},
                  usage=sampler.usage, failures=failures)


def verdict(result: Result, cpus: int) -> list[str]:
    """What limits the run, read from the CPU samples and lock waits."""
    u = result.usage
    if not u.seconds:
        return ["no samples"]
    capacity = cpus * u.seconds
    share = {role: sec / capacity for role, sec in u.cpu.items()}
    ours = sum(u.cpu.values())
    others = max(0.0, u.machine_busy - ours) / capacity
    lines = [f"{'process':<32} {'CPU s':>7} {'% of the machine':>17}"]
    for role, sec in sorted(u.cpu.items(), key=lambda kv: -kv[1]):
        lines.append(f"{role:<32} {sec:>7.1f} {share[role] * 100:>16.0f}%")
    lines.append(f"{'other processes on the machine':<32} {max(0.0, u.machine_busy - ours):>7.1f} "
                 f"{others * 100:>16.0f}%")
    busy = u.machine_busy / capacity
    web = share.get("web server", 0.0)
    db = share.get("database (PostgreSQL backends)", 0.0)
    gen = share.get("locust (load generator)", 0.0)
    waits = u.lock_waits / u.samples if u.samples else 0.0
    active = u.active_backends / u.samples if u.samples else 0.0
    if u.samples and result.mode == "production":
        lines.append(f"PostgreSQL: {active:.1f} backends running a query on average, {waits:.2f} waiting on a lock "
                     f"(at most {u.max_lock_waits})")
    if busy >= 0.85:
        top = max(("the web workers' CPU (Python: views, templates, the ORM)", web), ("the database's CPU", db),
                  ("the load generator (locust on the same cores)", gen), ("other processes on the machine", others),
                  key=lambda kv: kv[1])
        why = f"CPU: the machine's {cpus} cores are {busy * 100:.0f}% busy; the largest share is {top[0]} " \
              f"({top[1] * 100:.0f}%)"
    elif waits >= 1.0:
        why = f"locks: {waits:.1f} database backends wait on a row lock on average while the CPU is {busy * 100:.0f}% busy"
    elif result.mode == "embedded" and web >= 0.9 / cpus:
        why = ("CPU of the one server process: Django's threaded development server runs Python under one GIL, "
               f"so it uses at most one core ({web * cpus * 100:.0f}% of one core here)")
    else:
        why = f"neither CPU ({busy * 100:.0f}% busy) nor locks: the client's think time bounds the rate (more users)"
    lines.append(f"limited by: {why}")
    return lines


def report(result: Result, cpus: int) -> None:
    print()
    print(f"== {result.mode}: {result.total.count} requests, {result.total.rps:.1f} req/s, p50 "
          f"{result.total.p50:.0f} ms, p99 {result.total.p99:.0f} ms, {result.total.failures} errors ==")
    print(f"{'endpoint':<58} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6}")
    for e in result.endpoints:
        print(f"{e.name[:58]:<58} {e.count:>8} {e.rps:>7.1f} {e.p50:>7.0f} {e.p99:>7.0f} {e.failures:>6}")
    if result.refusals:
        print("business refusals (4xx with a code, not errors): "
              + ", ".join(f"{k}: {v}" for k, v in sorted(result.refusals.items(), key=lambda kv: -kv[1])))
    for line in result.failures[:10]:
        print(f"error: {line}")
    for line in verdict(result, cpus):
        print(line)


def production(args: argparse.Namespace, base: dict[str, str], work: Path, results: dict[str, Result]) -> None:
    import psycopg
    import redis

    database_url = f"{PG_URL}/{PG_DB}"
    redis_url = f"{REDIS_URL}/{REDIS_DB}"
    flush = redis.Redis.from_url(redis_url)
    if not args.prod_var:
        with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{PG_DB}"')
    try:
        flush.flushdb()
        env = {**base, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "DATABASE_URL": database_url,
               "REDIS_URL": redis_url, "QUANZI_VAR_DIR": args.prod_var or str(work / "var-prod"), "QUANZI_PAYMENTS_SANDBOX": "1",
               "QUANZI_ALLOW_SANDBOX_PAYMENTS_IN_PRODUCTION": "1", "QUANZI_BENCH_CONN_MAX_AGE": "60",
               "QUANZI_ADMIN_REQUIRE_OTP": "0"}
        data = build_demo(env, "production", work, args.restock, prebuilt=bool(args.prod_var), collectstatic=True)
        server = [str(BIN / "gunicorn"), "quanzi.wsgi:application", "--workers", str(args.workers),
                  "--worker-class", "gthread", "--threads", str(args.worker_threads), "--backlog", "2048",
                  "--keep-alive", "30", "--log-level", "error", "--bind"]
        consumer = [sys.executable, str(ROOT / "manage.py"), "run_huey", "--workers", "2", "--worker-type",
                    "thread", "--quiet"]
        print(f"[production] gunicorn {args.workers} workers × {args.worker_threads} threads, DEBUG=0, PostgreSQL "
              f"{PG_DB} (connections kept 60 s), Redis db {REDIS_DB}; run_huey (2 threads, nice 10)")
        results["production"] = run_locust("production", env, server, args, work, data, consumer, database_url)
        if args.pagecost:
            from pagecost import measure

            print()
            page_args = argparse.Namespace(workers=4, worker_threads=4, threads=16, requests=600, seconds=40,
                                           profile_runs=20)
            measure(env, data, work, page_args)
    finally:
        flush.flushdb()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=60, help="simulated users (think time 0.2–1 s each)")
    parser.add_argument("--spawn-rate", type=float, default=20)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load per mode")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn worker processes")
    parser.add_argument("--worker-threads", type=int, default=8, help="threads per gunicorn worker (gthread)")
    parser.add_argument("--restock", type=int, default=100_000, help="units every SKU holds before the run")
    parser.add_argument("--skip-embedded", action="store_true")
    parser.add_argument("--embedded-var", help="reuse this QUANZI_VAR_DIR, where `DEBUG=1 manage.py load_demo` "
                                               "already built the demo (copied; the original is not changed)")
    parser.add_argument("--prod-var", help="reuse the demo already in PostgreSQL db h3, built with this "
                                           "QUANZI_VAR_DIR (its uploads); the database is not dropped")
    parser.add_argument("--demo-members", type=int, help="load_demo --members (default: load_demo's)")
    parser.add_argument("--demo-posts", type=int, help="load_demo --posts (default: load_demo's)")
    parser.add_argument("--skip-prod", action="store_true", help="the embedded run only (its report and rps)")
    parser.add_argument("--embedded-rps", type=float, default=0.0,
                        help="with --skip-embedded: the embedded rps of an earlier --skip-prod run, for the last line")
    parser.add_argument("--pagecost", action="store_true",
                        help="after the production run, bench/pagecost.py's figures on the same database")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs, locust CSV)")
    parser.add_argument("--catalogue", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.catalogue:
        catalogue(args.catalogue, args.restock)
        return 0
    if args.demo_members:
        DEMO_SIZE.extend(["--members", str(args.demo_members)])
    if args.demo_posts:
        DEMO_SIZE.extend(["--posts", str(args.demo_posts)])

    reasons = [r for r in (_pg_ok(), _redis_ok(REDIS_DB),
                           "" if (BIN / "gunicorn").exists() else "gunicorn is not installed in the venv",
                           "" if (BIN / "locust").exists() else "locust is not installed in the venv") if r]
    if reasons:
        print(f"load: SKIPPED: {'; '.join(reasons)}")
        return 1


    cpus = os.cpu_count() or 1
    work = Path(tempfile.mkdtemp(prefix="quanzi-bench-load-"))
    (work / "bench_load_settings.py").write_text(SETTINGS_MODULE)
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "QUANZI_TESTING", "DEBUG",
                                                             "QUANZI_PAYMENTS_SANDBOX", "QUANZI_VAR_DIR")}
    base.update({"DJANGO_SETTINGS_MODULE": "bench_load_settings", "LOG_LEVEL": "ERROR",
                 "PYTHONPATH": os.pathsep.join([str(work), str(ROOT), base.get("PYTHONPATH", "")])})
    print(f"load bench: {args.users} locust users (think time 0.2–1 s), {args.duration} s per mode, "
          f"per-address login and flash-sale limits raised (all requests come from 127.0.0.1); "
          f"Python {sys.version.split()[0]}, {cpus} CPUs")
    results: dict[str, Result] = {}
    deadline_note = time.monotonic()

    if not args.skip_embedded:
        env = {**base, "DEBUG": "1", "QUANZI_VAR_DIR": str(work / "var-embedded")}
        if args.embedded_var:
            shutil.copytree(args.embedded_var, work / "var-embedded")
        data = build_demo(env, "embedded", work, args.restock, prebuilt=bool(args.embedded_var))
        print("[embedded] manage.py serve (one process, threaded, jobs in-process), SQLite, DEBUG=1")
        results["embedded"] = run_locust("embedded", env, [sys.executable, str(ROOT / "manage.py"), "serve"], args,
                                         work, data, None, None)

    if not args.skip_prod:
        production(args, base, work, results)
    for result in results.values():
        report(result, cpus)
    if args.keep:
        print(f"work folder kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    print(f"({time.monotonic() - deadline_note:.0f} s in all)")
    embedded_rps = results["embedded"].total.rps if "embedded" in results else args.embedded_rps
    if "production" not in results:
        print(f"load-embedded: rps={embedded_rps:.1f} p99_ms={results['embedded'].total.p99:.0f} "
              f"errors={results['embedded'].total.failures}")
        return 1 if results["embedded"].total.failures else 0
    prod = results["production"]
    print(f"load: mode=prod rps={prod.total.rps:.1f} p99_ms={prod.total.p99:.0f} errors={prod.total.failures} "
          f"embedded_rps={embedded_rps:.1f}")
    return 1 if any(r.total.failures for r in results.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
