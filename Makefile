# Two commands for a new user: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/quanzi
# `make demo DEMO_ADDR=127.0.0.1:8150` serves elsewhere; the database it starts afresh is QUANZI_VAR_DIR's (var/).
DEMO_ADDR ?= 127.0.0.1:8000
DEMO_VAR = $(or $(QUANZI_VAR_DIR),var)

.PHONY: demo demo-schema test lint bench clean-db serve prod

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

# The demo and `make serve` are development servers: DEBUG on and the sandbox payment gateway on (it confirms
# payments without money moving). Anything started without these is production and refuses both.
demo serve demo-schema: export DEBUG := 1
demo serve demo-schema: export QUANZI_PAYMENTS_SANDBOX := 1

# Fresh SQLite database, demo data made through the services, server with in-process jobs, all in one process
# (`manage.py demo`: Django starts once, not three times). The English catalogue compiles on the second CPU while
# the schema is built; the build prints one line per section with its time.
demo: $(STAMP)
	rm -f $(DEMO_VAR)/quanzi.sqlite3 $(DEMO_VAR)/quanzi.sqlite3-wal $(DEMO_VAR)/quanzi.sqlite3-shm $(DEMO_VAR)/huey.sqlite3
	$(BIN)/python manage.py demo $(DEMO_ADDR)

# After adding or changing a migration: refresh the schema snapshot `make demo` loads instead of replaying every
# migration (quanzi/web/demo/schema.py; a stale one is never used, the demo then only takes longer).
demo-schema: $(STAMP)
	tmp=$$(mktemp -d) && env -u DATABASE_URL QUANZI_VAR_DIR=$$tmp $(BIN)/python manage.py demo_schema; \
	rc=$$?; rm -rf $$tmp; exit $$rc

serve: $(STAMP)
	$(BIN)/python manage.py serve 127.0.0.1:8000

# Production on this machine (README "Production mode", docs/deploy.md): checks, migrate, collectstatic, then
# gunicorn and the job consumer, all configured from the environment (DATABASE_URL, REDIS_URL, SECRET_KEY,
# ALLOWED_HOSTS …). Refuses DEBUG, the sandbox gateways, SQLite, no Redis, and a missing or published secret.
prod: $(STAMP)
	$(BIN)/python manage.py prod

# The suite runs in parallel processes (pytest-xdist), one per CPU: each has its own test database and Redis db.
TEST_WORKERS ?= auto

# Whole suite. PostgreSQL / Chromium tests skip with a reason unless QUANZI_REQUIRE_PG / QUANZI_REQUIRE_BROWSER=1.
test: $(STAMP)
	$(BIN)/ruff check quanzi bench
	QUANZI_TESTING=1 $(BIN)/mypy quanzi
	$(BIN)/python -m pytest -n $(TEST_WORKERS)
	@if $(BIN)/python -m quanzi.core.pgcheck; then \
	  echo "== same suite on PostgreSQL ($(PG_URL)) =="; \
	  DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not browser"; \
	else \
	  echo "SKIPPED: PostgreSQL run (no server at $(PG_URL)); concurrency tests did not run"; \
	  test -z "$$QUANZI_REQUIRE_PG"; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check quanzi bench
	QUANZI_TESTING=1 $(BIN)/mypy quanzi

bench: $(STAMP)
	$(BIN)/python bench/run.py
