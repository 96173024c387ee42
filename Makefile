# Two commands for a new user: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/quanzi

.PHONY: demo test lint bench clean-db serve prod

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

# The demo and `make serve` are development servers: DEBUG on and the sandbox payment gateway on (it confirms
# payments without money moving). Anything started without these is production and refuses both.
demo serve: export DEBUG := 1
demo serve: export QUANZI_PAYMENTS_SANDBOX := 1

# Fresh SQLite database, demo data made through the services, server with in-process jobs. The English catalogue
# compiles on the second CPU while the schema is built; load_demo prints one line per section with its time and
# skips the system checks that migrate has just run.
demo: $(STAMP)
	rm -f var/quanzi.sqlite3 var/quanzi.sqlite3-wal var/quanzi.sqlite3-shm var/huey.sqlite3
	($(BIN)/python manage.py compilemessages -l en -v 0 || true) & $(BIN)/python manage.py migrate --noinput && wait
	$(BIN)/python manage.py load_demo --skip-checks
	$(BIN)/python manage.py serve 127.0.0.1:8000

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
