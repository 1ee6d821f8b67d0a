"""The request's route and the database router that follows it.

A route exists only inside `replica_reads` (a GraphQL query over HTTP, once its viewer
is known: schema/server/view.py). Outside one, every read goes to the primary: Celery
tasks (they write), management commands, the admin, REST views (uploads, media URLs),
subscriptions, authentication itself (a sign-out or a revoked token must hold at once,
whatever the replica's lag).

Inside a route a read goes to the replica unless one of these sends it to the primary,
for the rest of the request once it does:
- the operation is a mutation (`operation_type`), or anything was written
  (`db_for_write` was asked: scheduled photos published by a query, say);
- the connection to the primary is inside a transaction (a read there must see the
  transaction's own writes and hold its locks);
- the viewer or its client address wrote within READ_YOUR_WRITES_SECONDS (recent.py,
  asked once, at the first read);
- the replica is down (health.py).
Writes always go to the primary. A request that wrote marks its keys when it ends.
"""

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.dispatch import receiver
from django.test.signals import setting_changed

from project.replica import health, recent
from project.replica.health import REPLICA


@dataclass(slots=True)
class Route:
    keys: tuple[str, ...]  # read-your-writes markers: the viewer's, the client address's
    primary: bool = False  # every further read goes to the primary
    wrote: bool = False  # mark the keys when the request ends
    checked: bool = False  # the markers were read
    replica_failed: bool = False  # a statement on the replica failed: run again on primary


_route: ContextVar[Route | None] = ContextVar("replica_route", default=None)


def current() -> Route | None:
    """The route of the request being served (None outside one: everything primary)."""
    return _route.get()


ROUTER = "project.replica.routing.ReplicaRouter"


@functools.cache
def configured() -> bool:
    """The router is installed (settings do it with DATABASE_REPLICA_URL). Read once:
    a settings lookup costs more than every other step a request takes here."""
    return ROUTER in settings.DATABASE_ROUTERS


@receiver(setting_changed)
def _routers_changed(*, setting: str, **kwargs) -> None:
    if setting == "DATABASE_ROUTERS":
        configured.cache_clear()


def replica_execute_wrappers() -> list | None:
    """The replica connection's execute wrappers (this thread's), with a replica routed."""
    return connections[REPLICA].execute_wrappers if configured() else None


def _has_replica() -> bool:
    return REPLICA in connections.settings


@contextmanager
def replica_reads(keys: tuple[str, ...]) -> Iterator[Route]:
    """Within: reads may go to the replica, decided per statement by the router."""
    route = Route(keys, primary=not configured())
    if route.primary:
        yield route  # no replica: nothing changes, nothing is marked
        return
    token = _route.set(route)
    try:
        yield route
    finally:
        _route.reset(token)
        if route.wrote:
            recent.mark(route.keys)


def operation_type(kind: str) -> None:
    """The operation about to run: a mutation reads and writes on the primary only."""
    route = _route.get()
    if route is not None and kind != "query":
        route.primary = route.wrote = True


def again_on_primary(route: Route) -> bool:
    """After a replica failure in an operation that wrote nothing: True, and the route
    now reads the primary, so the caller runs the operation again (answering what the
    primary holds instead of an internal error). A query that wrote (scheduled photos
    published on its way) is not run twice: its answer, with the error, stands."""
    if not route.replica_failed or route.wrote:
        return False
    route.primary, route.replica_failed = True, False
    return True


@contextmanager
def primary() -> Iterator[None]:
    """Every read within goes to the primary, route or not."""
    token = _route.set(None)
    try:
        yield
    finally:
        _route.reset(token)


def watch(execute, sql, params, many, context):
    """The replica connection's execute wrapper (installed by health.usable): a
    connection error marks the replica down and the request's route as failed."""
    try:
        return execute(sql, params, many, context)
    except (OperationalError, InterfaceError) as exc:
        health.mark_down(exc)
        route = _route.get()
        if route is not None:
            route.primary = route.replica_failed = True
        raise


class ReplicaRouter:
    """Django's database router (DATABASE_ROUTERS, set with DATABASE_REPLICA_URL)."""

    def db_for_read(self, model, **hints) -> str | None:
        if not _has_replica():
            return None
        route = _route.get()
        # An explicit alias, never None: Django would fall back to the alias a related
        # instance was read from (the replica) after the route turned to the primary.
        if route is None or route.primary or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        if not route.checked:
            route.checked = True
            if recent.wrote_recently(route.keys):
                route.primary = True
                return DEFAULT_DB_ALIAS
        return REPLICA if health.usable(watch) else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str | None:
        if not _has_replica():
            return None
        route = _route.get()
        if route is not None:
            route.primary = route.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        return True if _has_replica() else None  # one database, two ways in

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        return False if db == REPLICA else None  # the replica follows the primary
