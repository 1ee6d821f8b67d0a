"""Each piece of the engine switches off, and the answers stay the same: only slower.

`make test-engine-off` runs every GraphQL test with all of them off; these run in `make
test`, piece by piece, on one document that needs each (the lean path, plans, joins,
per-parent pages under a list) for each kind of viewer.
"""

import pytest
import strawberry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from schema.engine.switches import switches
from schema.server.operations import OPTIMIZER
from tests.schema.viewers import EVERYTHING, EXPECTED, build_world, seen
from tests.support.query_counts import written_alike
from users.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_on")]

PIECES = ("lean_path", "plans", "joins", "pages", "plain_fields")


@pytest.fixture
def world(db):
    build_world()
    OPTIMIZER.plans.clear()


def answer(gql) -> tuple[dict, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        data = gql.execute(EVERYTHING, {"first": 10}).data
    return data, [written_alike(query["sql"]) for query in queries.captured_queries]


def test_the_master_switch_turns_every_piece_off(settings):
    assert all(getattr(switches(), piece) for piece in PIECES)
    settings.GRAPHQL_ENGINE = False
    assert not any(getattr(switches(), piece) for piece in PIECES)


@pytest.mark.parametrize("piece", PIECES)
def test_a_switch_turns_its_own_piece_off(settings, piece):
    setattr(settings, f"GRAPHQL_ENGINE_{piece.upper()}", False)
    assert [p for p in PIECES if not getattr(switches(), p)] == [piece]


# What a piece saves: statements with it off that it makes unnecessary (none for the
# lean path, the plans and plain fields, which change how an operation is run and planned,
# not its SQL).
FEWER_STATEMENTS = {
    "LEAN_PATH": False,
    "PLANS": False,
    "JOINS": True,
    "PAGES": True,
    "PLAIN_FIELDS": False,
}


@pytest.mark.parametrize("switch", [*FEWER_STATEMENTS, ""], ids=lambda s: s or "ALL")
def test_the_answers_are_the_same_with_a_piece_off(gql, login, world, settings, switch):
    setting = f"GRAPHQL_ENGINE_{switch}" if switch else "GRAPHQL_ENGINE"
    for name in ("alice", "bob", "anonymous"):
        gql.token = None
        if name != "anonymous":
            login(User.objects.get(username=name))
        on, on_sql = answer(gql)
        setattr(settings, setting, False)
        off, off_sql = answer(gql)
        setattr(settings, setting, True)
        assert off == on and seen(on) == EXPECTED[name], name
        if switch and not FEWER_STATEMENTS[switch]:
            assert off_sql == on_sql, name
        else:
            assert len(off_sql) > len(on_sql), name


def test_with_the_lean_path_off_strawberry_runs_each_operation(gql, settings, monkeypatch):
    runs = []
    strawberry_execute_sync = strawberry.Schema.execute_sync

    def counted(self, query, *args, **kwargs):  # Strawberry's own, counted
        runs.append(query)
        return strawberry_execute_sync(self, query, *args, **kwargs)

    monkeypatch.setattr(strawberry.Schema, "execute_sync", counted)
    assert gql.execute("query Lean { me { id } }").data == {"me": None}
    settings.GRAPHQL_ENGINE_LEAN_PATH = False
    assert gql.execute("query Off { me { id } }").data == {"me": None}
    assert runs == ["query Off { me { id } }"]
