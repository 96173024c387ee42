"""DATABASE_URL / REDIS_URL switch the embedded defaults to PostgreSQL and Redis."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import json, django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "quanzi.settings"
django.setup()
from django.conf import settings
from django.core.cache import cache
from huey.contrib.djhuey import HUEY
out = {"cache": settings.CACHES["default"]["BACKEND"], "huey": type(HUEY).__name__,
       "db": settings.DATABASES["default"]["ENGINE"], "tz": settings.TIME_ZONE, "lang": settings.LANGUAGE_CODE}
if os.environ.get("ROUNDTRIP"):
    cache.set("quanzi-probe", 42, 10)
    out["cache_roundtrip"] = cache.get("quanzi-probe")
    HUEY.storage.flush_queue()
    HUEY.storage.enqueue(b"job")
    out["queue_roundtrip"] = HUEY.storage.dequeue().decode()
print(json.dumps(out))
"""


def _probe(env: dict[str, str]) -> dict[str, object]:
    full = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "QUANZI_TESTING")}
    full["DEBUG"] = "1"  # these probe the database/cache switch; the production start rules are test_deploy.py's
    full.update(env)
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=full, capture_output=True, text=True,
                          timeout=60, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


def test_embedded_defaults(tmp_path):
    out = _probe({"QUANZI_VAR_DIR": str(tmp_path)})
    assert out["db"] == "django.db.backends.sqlite3"
    assert out["huey"] == "SqliteHuey" and out["cache"].endswith("LocMemCache")
    assert (out["tz"], out["lang"]) == ("Asia/Shanghai", "zh-hans")


def test_urls_switch_to_postgres_and_redis(tmp_path):
    out = _probe({"QUANZI_VAR_DIR": str(tmp_path), "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/quanzi",
                  "REDIS_URL": "redis://127.0.0.1:6379/15"})
    assert out["db"] == "django.db.backends.postgresql"
    assert out["huey"] == "RedisHuey" and out["cache"].endswith("RedisCache")


@pytest.mark.skipif(not _redis_up(), reason="needs Redis at 127.0.0.1:6379")
def test_redis_cache_and_job_queue_work(tmp_path):
    out = _probe({"QUANZI_VAR_DIR": str(tmp_path), "REDIS_URL": "redis://127.0.0.1:6379/15", "ROUNDTRIP": "1"})
    assert out["cache_roundtrip"] == 42 and out["queue_roundtrip"] == "job"
