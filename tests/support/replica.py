"""A replica alias for tests, with the guard every replica test runs under.

`replica(settings)` adds the alias `replica` as a second connection to the test
database (what TEST {"MIRROR": "default"} makes of DATABASE_REPLICA_URL) and installs the
router. `stale=True` makes it a replica that never receives writes: its connection holds
one REPEATABLE READ, READ ONLY transaction, so it sees the database as it was when the
fixture began and refuses any write, as a hot standby does. `port=` points it at a port
where nothing answers (a stopped replica).

The guard (`Guard`) fails the test on any statement other than a read sent to the
replica, and on a read from the replica of a table that the same viewer (the route's
read-your-writes keys) wrote within READ_YOUR_WRITES_SECONDS: a just-written row read
back from where it may not be yet. Tables, not rows: coarser than the rule, never laxer.
`statements(alias)` records what ran on each alias.

The alias exists in tests/settings.py when the suite runs on PostgreSQL (inert: no
router); tests using it are marked `replica_test` (transaction=True: the test transaction
pytest-django opens otherwise is a transaction on the primary, which sends every read
there).
"""

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field

import pytest
from django.conf import settings as django_settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test.utils import CaptureQueriesContext

from project.replica import health, routing
from project.replica.health import REPLICA

ROUTERS = ["project.replica.routing.ReplicaRouter"]
READS = ("SELECT", "SET ", "SHOW ", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")
WRITTEN = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"(\w+)"', re.IGNORECASE)


@dataclass
class Guard:
    violations: list[str] = field(default_factory=list)
    # (keys of the route that wrote, table) -> when
    written: dict[tuple[tuple[str, ...], str], float] = field(default_factory=dict)

    def on_primary(self, execute, sql, params, many, context):
        route = routing.current()
        match = WRITTEN.match(sql)
        if route is not None and match:
            self.written[(route.keys, match.group(1))] = time.monotonic()
        return execute(sql, params, many, context)

    def on_replica(self, execute, sql, params, many, context):
        statement = sql.lstrip().upper()
        if not statement.startswith(READS):
            return self._fail(f"a write sent to the replica: {sql[:200]}")
        route = routing.current()
        if route is not None:
            since = time.monotonic() - django_settings.READ_YOUR_WRITES_SECONDS
            for (keys, table), at in self.written.items():
                if at > since and set(keys) & set(route.keys) and f'"{table}"' in sql:
                    return self._fail(f"{table} read from the replica just after {keys} wrote it")
        return execute(sql, params, many, context)

    def _fail(self, message: str):
        self.violations.append(message)
        raise AssertionError(message)


def databases_or_skip() -> list[str]:
    """The marker's databases for a replica test; skips (fails under CI) without one."""
    if REPLICA not in connections.settings:
        reason = "replica tests need PostgreSQL (DATABASE_URL=postgres://...)"
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return [DEFAULT_DB_ALIAS, REPLICA]


replica_test = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])


@contextmanager
def replica(settings, *, stale: bool = False, port: int | None = None) -> Iterator[Guard]:
    databases_or_skip()
    connection = connections[REPLICA]
    alias = connection.settings_dict  # the one dict: connections.settings[REPLICA]
    saved = {key: alias[key] for key in ("HOST", "PORT", "OPTIONS")}
    if port is not None:
        connection.close()
        alias["HOST"], alias["PORT"] = "127.0.0.1", port
        alias["OPTIONS"] = {**alias["OPTIONS"], "connect_timeout": 2}
    settings.DATABASE_ROUTERS = ROUTERS
    health.reset()
    guard = Guard()
    primary = connections[DEFAULT_DB_ALIAS]
    primary.execute_wrappers.append(guard.on_primary)
    connection.execute_wrappers.append(guard.on_replica)
    try:
        with transaction.atomic(using=REPLICA) if stale else nullcontext():
            if stale:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    cursor.execute("SELECT 1")  # the snapshot is taken here
            yield guard
    finally:
        primary.execute_wrappers.remove(guard.on_primary)
        connection.execute_wrappers[:] = []
        connection.close()
        alias.update(saved)
        health.reset()
    assert not guard.violations, guard.violations


@contextmanager
def statements(*aliases: str) -> Iterator[dict[str, list[str]]]:
    """The SQL each alias ran within (filled in on exit)."""
    recorded: dict[str, list[str]] = {}
    contexts = {alias: CaptureQueriesContext(connections[alias]) for alias in aliases}
    for context in contexts.values():
        context.__enter__()
    try:
        yield recorded
    finally:
        for alias, context in contexts.items():
            context.__exit__(None, None, None)
            recorded[alias] = [query["sql"] for query in context.captured_queries]
