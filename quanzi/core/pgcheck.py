"""Exit 0 when the PostgreSQL server named by PG_URL (or the default) answers; used by `make test`."""

import os
import sys


def main() -> int:
    url = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    try:
        import psycopg

        base = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(base, connect_timeout=3) as conn:
            conn.execute("select 1")
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        print(f"PostgreSQL not reachable: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
