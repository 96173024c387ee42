"""`make bench`: run every bench/bench_*.py module, each in its own process on its own throw-away SQLite
database, then bench/flashsale.py (its own servers on a throw-away PostgreSQL database + Redis, skipped with the
reason when they are absent), and print their figures. Exits non-zero when a benchmark's check fails (different
results from the two word filters, a feed page whose number of SQL queries grows with the number of posts, a
flash sale that oversold or answered a 5xx)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    # flashsale.py starts its own servers on PostgreSQL + Redis (and embedded SQLite); without PostgreSQL or Redis
    # it prints why and skips (exit 0)
    modules = sorted(HERE.glob("bench_*.py")) + [HERE / "flashsale.py"]
    started = time.perf_counter()
    failed = []
    print(f"quanzi benchmarks: {', '.join(m.stem for m in modules)} (Python {sys.version.split()[0]})")
    for module in modules:
        t0 = time.perf_counter()
        result = subprocess.run([sys.executable, str(module)], cwd=HERE.parent, check=False)
        print(f"-- {module.stem}: {'ok' if result.returncode == 0 else 'FAILED'} in {time.perf_counter() - t0:.0f} s")
        if result.returncode != 0:
            failed.append(module.stem)
    print()
    print(f"all benchmarks done in {time.perf_counter() - started:.0f} s"
          + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
