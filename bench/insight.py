"""Insight at 10M and 50M events: the whole metric set on DuckDB vs a pandas computation of funnel and retention.

The data is the real Taobao UserBehavior sample (../shared/data/taobao_behavior, 86,225 events after import: a buy
is two events) loaded through the importer, then SCALED UP BY REPLAYING IT: copy k has every user id shifted by
k * 10,000,000, event ids by k * 1,000,000,000, order ids by k * 10,000,000, and every timestamp shifted by
(k mod 4) * 9 days, so the log spans about five weeks (day-30 retention is defined) with ~116 (10M) or ~580 (50M)
times the sample's users. Events are cut at exactly N; orders and lines are the full copies (one partial copy's
worth more orders than its events imply, at most 1,750). Written as day-partitioned Parquet with DuckDB.

It prints, at 10M events: seconds for every registered metric (one DuckDB connection over the lake), seconds for
pandas doing only the funnel and the daily retention (reading the same Parquet columns), the speed-up, and checks
that pandas and DuckDB give the same funnel and retention figures. At 50M: the whole metric set in a child
process whose peak resident memory (psutil, sampled every 20 ms, the child and its threads) is reported.
DuckDB runs with 2 threads and a 6 GB memory limit. Bounded: each child stops after --timeout seconds.

    .venv/bin/python bench/insight.py [--events 10000000] [--big 50000000] [--skip-big] [--timeout 900]

Last line: `insight: events=10000000 all_s=X pandas_s=Y speedup=Z peak_mb_50m=M`.
Targets on 2 cores: all metrics at 10M < 10 s, speed-up >= 5, 50M within 8 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import ROOT, header, setup_django  # noqa: E402

SAMPLE = ROOT.parent / "shared" / "data" / "taobao_behavior" / "UserBehavior_sample.csv"
DATE_FROM = dt.date(2017, 11, 25)
DATE_TO = dt.date(2017, 12, 30)  # 9 days of sample + 3 shifts of 9 days
THREADS, MEMORY = 2, "6GB"


def scale(base: Path, out: Path, n_events: int) -> None:
    """Replay the imported sample into `out` until it has exactly n_events events (see the module docstring)."""
    import duckdb

    from quanzi.insight import lake

    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"SET threads = {THREADS}; SET memory_limit = '{MEMORY}'; SET preserve_insertion_order = false")
    base_events = con.execute(f"SELECT count(*) FROM read_parquet('{base}/events/*/*.parquet')").fetchone()[0]
    copies = math.ceil(n_events / base_events)
    shifted = {
        "id": "id + k * 1000000000", "user_id": "user_id + k * 10000000",
        "order_id": "order_id + k * 10000000", "created_at": "created_at + to_days(CAST((k % 4) * 9 AS INTEGER))",
        "paid_at": "paid_at + to_days(CAST((k % 4) * 9 AS INTEGER))",
    }
    for table, limit in (("events", n_events), ("orders", None), ("order_lines", None)):
        cols = []
        for f in lake.TABLES[table].schema:
            expr = shifted.get(f.name, f.name)
            if table != "events" and f.name in ("id", "order_id"):
                expr = f"{f.name} + k * 10000000"
            cols.append(f"{expr} AS {f.name}")
        sql = (f"SELECT {', '.join(cols)} FROM read_parquet('{base}/{table}/*/*.parquet') "
               f"CROSS JOIN range({copies}) AS r(k)" + (f" LIMIT {limit}" if limit else ""))
        con.execute(f"COPY (SELECT *, strftime(created_at, '%Y-%m-%d') AS dt FROM ({sql})) TO '{out}/{table}' "
                    "(FORMAT parquet, PARTITION_BY (dt), COMPRESSION zstd, OVERWRITE_OR_IGNORE)")
    con.close()


def write_rollup(out: Path) -> float:
    """The lake's `event_days` rollup of the scaled events, by the export's own SQL (lake.EVENT_DAYS_SQL) over the
    whole log at once (the export writes it batch by batch as it writes the events). Returns its seconds."""
    import duckdb

    from quanzi.insight import lake

    started = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"SET threads = {THREADS}; SET memory_limit = '{MEMORY}'; SET preserve_insertion_order = false")
    src = f"read_parquet('{out}/events/*/*.parquet', hive_partitioning = false)"
    con.execute(f"COPY (SELECT *, strftime(day, '%Y-%m-%d') AS dt FROM ({lake.EVENT_DAYS_SQL.format(events=src)})) "
                f"TO '{out}/event_days' (FORMAT parquet, PARTITION_BY (dt), COMPRESSION zstd, OVERWRITE_OR_IGNORE)")
    con.close()
    return time.perf_counter() - started


def run_all(lake_dir: Path) -> tuple[float, dict[str, object]]:
    """Every registered metric over the whole span, on one connection; seconds and the funnel/retention rows."""
    from django.conf import settings

    from quanzi.insight import selectors
    from quanzi.insight.metrics import REGISTRY

    settings.QUANZI_INSIGHT = {**settings.QUANZI_INSIGHT, "DIR": lake_dir, "DUCKDB_THREADS": THREADS,
                               "DUCKDB_MEMORY_LIMIT": MEMORY}
    selectors.metric_columns()  # which columns the code reads: SQLGlot over the metric texts, once per process
    started = time.perf_counter()
    con = selectors.connect(materialize=True)
    load_s = time.perf_counter() - started
    kept: dict[str, object] = {"load_s": load_s}
    per: dict[str, float] = {}
    for key in REGISTRY:
        t = time.perf_counter()
        res = selectors.metric_result(key, date_from=DATE_FROM, date_to=DATE_TO, con=con)
        per[key] = time.perf_counter() - t
        if key in ("funnel", "retention_daily"):
            kept[key] = res.rows
    total = time.perf_counter() - started
    con.close()
    kept["per_metric_s"] = per
    return total, kept


def pandas_funnel_retention(lake_dir: Path) -> tuple[float, list[int], list[tuple[object, ...]]]:
    """The baseline: the same funnel and daily retention definitions in plain pandas, from the same Parquet."""
    import pandas as pd
    import pyarrow.dataset as ds

    started = time.perf_counter()
    df = ds.dataset(lake_dir / "events", format="parquet").to_table(
        columns=["user_id", "name", "created_at"]).to_pandas()
    df["day"] = df["created_at"].dt.floor("D")
    lo, hi = pd.Timestamp(DATE_FROM), pd.Timestamp(DATE_TO)
    r = df[(df["day"] >= lo) & (df["day"] <= hi)]
    steps = ["product.view", "cart.add", "order.place", "order.paid"]
    flags = (r.loc[r["name"].isin(steps), ["user_id", "name"]].drop_duplicates()
             .assign(v=1).pivot_table(index="user_id", columns="name", values="v", fill_value=0))
    flags = flags.reindex(columns=steps, fill_value=0)
    cum = flags.cumprod(axis=1).sum()
    funnel = [int(r["user_id"].nunique())] + [int(cum[s]) for s in steps]

    days = df[["user_id", "day"]].drop_duplicates()
    first = days.groupby("user_id")["day"].min().rename("first")
    j = days.join(first, on="user_id")
    j["n"] = (j["day"] - j["first"]).dt.days
    last_day = days["day"].max()
    j = j[(j["first"] >= lo) & (j["first"] <= hi)]
    size = j.groupby("first")["user_id"].nunique()
    back = j[j["n"].isin([1, 7, 30])].groupby(["first", "n"])["user_id"].nunique().unstack(fill_value=0)
    back = back.reindex(index=size.index, columns=[1, 7, 30], fill_value=0)
    retention = []
    for cohort, users in size.items():
        def rate(n: int, cohort=cohort, users=users) -> float | None:  # noqa: ANN001
            if n > 1 and (last_day - cohort).days < n:
                return None
            return round(float(back.loc[cohort, n]) / users, 4)
        retention.append((cohort.date(), int(users), rate(1), rate(7), rate(30)))
    return time.perf_counter() - started, funnel, retention


def child(lake_dir: Path) -> None:
    total, _ = run_all(lake_dir)
    print(json.dumps({"all_s": total}))


def peak_of_child(lake_dir: Path, timeout: float) -> tuple[float, float]:
    """Run the metric set in a child process; its peak RSS in MB and its seconds."""
    import psutil

    env = {**os.environ, "INSIGHT_BENCH_CHILD": str(lake_dir)}
    proc = subprocess.Popen([sys.executable, __file__, "--child", str(lake_dir)], env=env, stdout=subprocess.PIPE,
                            text=True)
    ps = psutil.Process(proc.pid)
    peak, started = 0, time.monotonic()
    while proc.poll() is None:
        try:
            peak = max(peak, ps.memory_info().rss + sum(c.memory_info().rss for c in ps.children(recursive=True)))
        except psutil.Error:
            pass
        if time.monotonic() - started > timeout:
            proc.kill()
            raise SystemExit(f"insight: the 50M child ran over {timeout} s")
        time.sleep(0.02)
    out = proc.stdout.read() if proc.stdout else ""
    if proc.returncode != 0:
        raise SystemExit(f"insight: the 50M child failed ({proc.returncode})")
    return peak / 2**20, json.loads(out.strip().splitlines()[-1])["all_s"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--big", type=int, default=50_000_000)
    ap.add_argument("--skip-big", action="store_true", help="leave out the 50M memory run (peak_mb_50m=-1)")
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--sample", default=str(SAMPLE))
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    setup_django(migrate=False)
    if args.child:
        child(Path(args.child))
        return

    from quanzi.insight import importer
    from quanzi.insight.metrics import REGISTRY

    work = Path(tempfile.mkdtemp(prefix="quanzi-insight-bench-"))
    try:
        base = work / "base"
        rep = importer.import_log(args.sample, fmt="taobao", name="taobao", root=base)
        header(f"insight: Taobao sample imported ({rep.events} events, {rep.orders} orders, {rep.bad_rows} bad)")
        t = time.perf_counter()
        scale(base, work / "m10", args.events)
        print(f"scaled to {args.events:,} events in {time.perf_counter() - t:.1f} s (ids and times shifted)")
        rollup_s = write_rollup(work / "m10")
        print(f"  its event_days rollup (written by the export as it goes; here at once): {rollup_s:.2f} s")

        all_s, kept = run_all(work / "m10")
        per = kept["per_metric_s"]
        assert isinstance(per, dict)
        print(f"  {'(load the lake into DuckDB)':<26} {kept['load_s']:6.2f} s")
        for key in REGISTRY:
            print(f"  {key:<26} {per[key]:6.2f} s")
        pandas_s, funnel, retention = pandas_funnel_retention(work / "m10")
        duck_funnel = [row[2] for row in kept["funnel"]]  # type: ignore[attr-defined]
        same = duck_funnel == funnel and kept["retention_daily"] == retention
        print(f"all {len(REGISTRY)} metrics (DuckDB): {all_s:.2f} s; pandas funnel + retention only: {pandas_s:.2f} s;"
              f" same figures: {same}")
        if not same:
            print(f"  duckdb funnel {duck_funnel} pandas {funnel}")
            raise SystemExit("insight: pandas and DuckDB disagree")

        peak_mb = -1.0
        if not args.skip_big:
            t = time.perf_counter()
            scale(base, work / "m50", args.big)
            write_rollup(work / "m50")
            print(f"scaled to {args.big:,} events in {time.perf_counter() - t:.1f} s")
            peak_mb, big_s = peak_of_child(work / "m50", args.timeout)
            print(f"all metrics at {args.big:,} events: {big_s:.2f} s, peak RSS {peak_mb:.0f} MB")
        print(f"insight: events={args.events} all_s={all_s:.2f} pandas_s={pandas_s:.2f} "
              f"speedup={pandas_s / all_s:.1f} peak_mb_50m={peak_mb:.0f}")
    finally:
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
