"""Where the benchmark data lives: never the dev or test database.

PostgreSQL (when DATABASE_URL names one): the database `photo_bench` on the same server
(BENCH_DB_NAME names another: worktrees whose migrations differ need one each).
Otherwise SQLite: var/bench.sqlite3. BENCH_DATASET=library: photo_bench_library or
var/bench-library.sqlite3 (bench/library_data.py). Nothing here imports Django settings, so
bench/settings.py can use it.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
# BENCH_DATASET=library: the library scenarios' own data set (bench/library_data.py),
# 100,000 photos, kept apart so the other scenarios keep their data and timings.
LIBRARY = os.environ.get("BENCH_DATASET") == "library"
BENCH_DB_NAME = os.environ.get("BENCH_DB_NAME") or (
    "photo_bench_library" if LIBRARY else "photo_bench"
)
SQLITE_PATH = VAR_DIR / ("bench-library.sqlite3" if LIBRARY else "bench.sqlite3")


def uses_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(
        ("postgres://", "postgresql://", "pgsql://")
    )


def database_config() -> dict:
    """The bench database's settings, with the project's connection options."""
    if uses_postgres():
        config = dj_database_url.parse(os.environ["DATABASE_URL"])
        config["NAME"] = BENCH_DB_NAME
    else:
        config = dj_database_url.parse(f"sqlite:///{SQLITE_PATH}")
    # Persistent connections for the whole run: a reconnection every CONN_MAX_AGE
    # seconds (60 in the project) would land inside whichever request is timed then.
    config["CONN_MAX_AGE"] = None
    config["CONN_HEALTH_CHECKS"] = True
    return config


def ensure_database() -> str:
    """Create the bench database if it is missing; answers a description of it."""
    if not uses_postgres():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        return f"SQLite {SQLITE_PATH}"
    import psycopg

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    params = {
        "dbname": "postgres",
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        found = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB_NAME]
        ).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{BENCH_DB_NAME}"')
    host, port = config.get("HOST") or "localhost", config.get("PORT") or 5432
    return f"PostgreSQL {host}:{port}/{BENCH_DB_NAME}"
