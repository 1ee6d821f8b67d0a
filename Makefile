# Everything installs into .venv from the committed lock files.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# What `make run` watches for changes (uvicorn restarts on an edit, as runserver did).
APP_DIRS := project users media_graph schema live tasks moderation

.PHONY: install install-dev run worker migrate test test-engine-off fuzz lint schema lock bench clean \
    cluster cluster-stop cluster-status cluster-test load

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.lock
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput

# Serves GraphiQL at http://$(HOST):$(PORT)/graphql/ (SQLite and var/media unless the
# environment says otherwise): uvicorn on project.asgi, so queries, GraphiQL and
# subscriptions (WebSocket and SSE, docs/live.md) share the one port. DJANGO_DEBUG=0 turns development mode off; SEED=1 fills
# an empty database with demo users, photos, likes and albums first.
run: export DJANGO_DEBUG ?= 1
# Tokens are signed with a key made on first run and kept in var/ (never one from git).
run: export DJANGO_SECRET_KEY_FILE ?= $(CURDIR)/var/secret_key
run: export DJANGO_ALLOWED_HOSTS ?= $(HOST),localhost,127.0.0.1
run: migrate
	if [ -n "$(SEED)" ]; then $(BIN)/python manage.py seed_demo; fi
	$(BIN)/uvicorn project.asgi:application --host $(HOST) --port $(PORT) \
	    --reload $(foreach d,$(APP_DIRS),--reload-dir $(d))

# A Celery worker, logging each task at INFO. QUEUES: the queues it serves, comma-separated
# (default all three: media, email, maintenance; docs/scaling.md). BEAT=1 runs Celery beat
# inside it (scheduled photos, purges, outbox): exactly one worker of a deployment may;
# the default is on when QUEUES is not given, off when it is. CONCURRENCY: its processes
# (default one per core). It needs the broker the app sends to (CELERY_BROKER_URL, or
# REDIS_URL) and the same database and storage settings; without a broker `make run`
# does that work inline and needs none.
ALL_QUEUES := media,email,maintenance
worker: export DJANGO_DEBUG ?= 1
worker: export DJANGO_SECRET_KEY_FILE ?= $(CURDIR)/var/secret_key
worker: migrate
	@if [ -z "$$CELERY_BROKER_URL$$REDIS_URL" ]; then \
	    echo "make worker: set CELERY_BROKER_URL (or REDIS_URL), e.g. redis://127.0.0.1:6379/0" >&2; \
	    exit 2; fi
	$(BIN)/celery -A project worker -Q $(or $(QUEUES),$(ALL_QUEUES)) \
	    $(if $(filter 1,$(or $(BEAT),$(if $(QUEUES),0,1))),--beat --schedule var/celerybeat-schedule) \
	    $(if $(CONCURRENCY),--concurrency $(CONCURRENCY)) --loglevel INFO

# The Node client suite's packages (tests/e2e/test_node_clients.py), when npm is installed;
# without them (no npm, or no registry) that one test skips and says why.
tests/clients/node_modules/.installed: tests/clients/package-lock.json
	npm ci --prefix tests/clients --no-audit --no-fund --loglevel=error \
	    && touch $@ || echo "npm ci failed: the Node client test will skip"

# Test files are spread over the cores (pytest-xdist, one file per worker at a time so a
# module's live server starts once); at most 4 workers, since each takes a Redis database
# of its own (tests/support/queue.py). TEST_WORKERS=0 runs everything in this process.
TEST_WORKERS ?= auto
XDIST = $(if $(filter 0,$(TEST_WORKERS)),-p no:xdist,-n $(TEST_WORKERS) --maxprocesses 4 --dist loadfile)
test: install-dev $(if $(shell command -v npm),tests/clients/node_modules/.installed)
	$(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

# The GraphQL tests once more with every piece of schema/engine/ switched off
# (GRAPHQL_ENGINE=0, docs/engine.md): the engine may make answers faster, never decide
# them. Besides tests/schema: the README's walkthrough, the publishing script and hostile
# requests against a live server (which inherits the switch), and the login throttles.
# Tests marked `engine` (tests/conftest.py says which and why) are left out. .ci/run runs
# it after `make test`, which it does not slow down.
ENGINE_OFF_TESTS ?= tests/schema tests/test_readme.py tests/e2e/test_publish_photo_script.py \
    tests/project/test_live_transport.py tests/users/test_login_throttle.py \
    tests/users/test_throttle_fail_closed.py tests/users/test_throttle_redis.py
test-engine-off: install-dev
	GRAPHQL_ENGINE=0 $(BIN)/pytest $(XDIST) -m "not engine" $(ENGINE_OFF_TESTS) $(PYTEST_ARGS)

# The fuzzing test (tests/schema/test_fuzz.py) at length, with fresh randomness each run;
# `make test` runs it small and derandomized. FUZZ_EXAMPLES per root field and mode.
FUZZ_EXAMPLES ?= 300
fuzz: install-dev
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_RANDOM=1 $(BIN)/pytest tests/schema/test_fuzz.py $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

schema: install-dev
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python -c \
	    'import django; django.setup(); from schema import schema; \
	     open("schema.graphql", "w").write(schema.as_str() + "\n")'

# Re-resolve the pins (needs network access to PyPI).
lock: install-dev
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --no-header --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --no-header --strip-extras --no-emit-index-url --no-emit-find-links --extra dev -o requirements-dev.lock pyproject.toml

# Benchmarks (not in `make test`; see bench/RESULTS.md). Builds the data set when it is
# missing (PostgreSQL database photo_bench when DATABASE_URL names a server, else
# var/bench.sqlite3), then prints one line per scenario. BENCH_ARGS="--quick feed".
# Then the live events (bench/live.py: a uvicorn and Redis at BENCH_REDIS_URL), and the
# library's lines (search, near, timeline, memories) on their own 100,000-photo data set
# (bench/library_data.py, built once: a few minutes).
bench: install-dev
	$(BIN)/python -m bench.build_data
	$(BIN)/python -m bench.run $(BENCH_ARGS)
	$(BIN)/python -m bench.live
	$(BIN)/python -m bench.library_data
	$(BIN)/python -m bench.run library

# A whole deployment on this machine (docs/cluster.md): a PostgreSQL primary and a
# streaming replica (the system's binaries), Redis, an S3 server (rclone), two gunicorn
# web processes and two Celery workers (media; the rest with beat), all detached, state
# and logs under var/cluster/. `make cluster` returns once each answers; `make
# cluster-stop` ends them. The ports are these variables (or the same in the environment).
export CLUSTER_PG_PORT ?= 55432
export CLUSTER_REPLICA_PORT ?= 55433
export CLUSTER_REDIS_PORT ?= 56379
export CLUSTER_S3_PORT ?= 59000
export CLUSTER_WEB_PORTS ?= 58101,58102
cluster: install-dev
	$(BIN)/python -m cluster up

cluster-stop:
	$(BIN)/python -m cluster down

cluster-status:
	$(BIN)/python -m cluster status

# The HTTP-level tests (tests/cluster/, which `make test` does not collect) against the
# cluster, alternating between its web ports, and the fault tests (kill -9 and restarts
# of real processes). Starts the cluster if it is not running and stops it after, unless
# CLUSTER_KEEP=1.
cluster-test: install-dev
	$(BIN)/python -m cluster up
	CLUSTER_TESTS=1 $(BIN)/pytest -p no:cacheprovider tests/cluster $(PYTEST_ARGS); \
	    status=$$?; [ -n "$(CLUSTER_KEEP)" ] || $(BIN)/python -m cluster down; exit $$status

# An open-model load on the cluster (load/locustfile.py, Locust headless; starts the
# cluster when it is not running): RATE operations arrive per second for DURATION
# seconds, from USERS accounts, a mix of feed reads, photo views, likes, comments and
# uploads across the web ports. Ends with p50/p99, throughput and errors per operation.
USERS ?= 20
RATE ?= 10
DURATION ?= 60
load: install-dev
	$(BIN)/python -m cluster up
	LOAD_RATE=$(RATE) LOAD_ACCOUNTS=$(USERS) LOAD_DURATION=$(DURATION) $(BIN)/locust \
	    -f load/locustfile.py --headless --users 1 --spawn-rate 1 \
	    --run-time $$(( $(DURATION) + 30 ))s --only-summary

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
