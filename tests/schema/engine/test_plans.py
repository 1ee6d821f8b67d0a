"""The optimizer's plans are made once per document and field, and carry no viewer.

One document, run for alice, bob, anonymous and alice again, reuses one plan per viewer
kind, and each viewer still gets their own drafts, likes and albums: a plan is made for
a stand-in viewer whose pk is read when the SQL is compiled (schema/engine/plans.py).
The query-count tests (tests/support/query_counts.py) also run every document with the cache
off, on and missing, and on and hitting, and require the same answers and statements.
"""

import gc
import re

import pytest
import strawberry_django.optimizer
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext

from media_graph.models import Photo
from schema.engine.plans import SIGNED_IN
from schema.server.operations import DOCUMENTS, OPTIMIZER
from tests.schema.viewers import EVERYTHING, EXPECTED, build_world, seen
from tests.support.factories import gid
from users.models import User

# Every test here is about the plan cache itself (its keys, hits and bounds).
pytestmark = [pytest.mark.django_db, pytest.mark.engine]


@pytest.fixture
def world(db):
    build_world()
    OPTIMIZER.plans.clear()


def as_viewer(gql, login, name: str):
    gql.token = None
    if name != "anonymous":
        login(User.objects.get(username=name))


def run(gql, document=EVERYTHING, variables=None) -> tuple[dict, int, int]:
    """The answer, and how many plans the request found and made."""
    hits, misses = OPTIMIZER.plans.hits, OPTIMIZER.plans.misses
    data = gql.execute(document, variables or {"first": 10}).data
    return data, OPTIMIZER.plans.hits - hits, OPTIMIZER.plans.misses - misses


def test_each_viewer_gets_their_own_rows_from_one_plan(gql, login, world, settings):
    found = {}
    for name in ("alice", "bob", "anonymous", "alice"):
        as_viewer(gql, login, name)
        data, hits, misses = run(gql)
        assert seen(data) == EXPECTED[name], name
        found.setdefault(name, []).append((data, hits, misses))
    (alice, alice_again), (bob,), (anonymous,) = found["alice"], found["bob"], found["anonymous"]
    # alice made the signed-in plans; bob and alice again only used them; anonymous
    # viewers have plans of their own.
    assert alice[1:] == (0, 2) and bob[1:] == (2, 0) and alice_again[1:] == (2, 0)
    assert anonymous[1:] == (0, 2)
    assert alice_again[0] == alice[0]

    settings.GRAPHQL_OPTIMIZER_PLAN_CACHE = 0
    for name in ("alice", "bob", "anonymous"):
        as_viewer(gql, login, name)
        assert run(gql) == (found[name][0][0], 0, 0), name


def test_the_same_statements_with_the_cache_off_and_from_a_plan(gql, login, world, settings):
    def statements() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            gql.execute(EVERYTHING, {"first": 10})
        # The one difference: Django puts an expression's SQL in parentheses, so the
        # stand-in's parameter reads `owner_id = (1)` where a plain value reads `= 1`.
        return [re.sub(r"= \((\d+)\)", r"= \1", query["sql"]) for query in queries.captured_queries]

    for name in ("alice", "anonymous"):
        as_viewer(gql, login, name)
        settings.GRAPHQL_OPTIMIZER_PLAN_CACHE = 0
        planned_each_time = statements()
        settings.GRAPHQL_OPTIMIZER_PLAN_CACHE = 10
        assert statements() == statements() == planned_each_time, name


def test_a_cached_plan_compiles_only_for_the_viewer_of_an_operation(gql, login, world):
    login(User.objects.get(username="alice"))
    run(gql)
    querysets = [
        prefetch.queryset
        for plan in OPTIMIZER.plans.stored()
        for prefetch in plan.prefetch_related
        if isinstance(prefetch, Prefetch)
    ]
    refused = 0
    for queryset in querysets:
        try:
            str(queryset.query)
        except RuntimeError:
            refused += 1
    # owner.photos (visible_to) and album.photos: alice's pk is in neither; outside an
    # operation there is nobody to compile it for.
    assert refused >= 2
    assert SIGNED_IN.pk is SIGNED_IN and SIGNED_IN.is_authenticated


def test_the_field_own_arguments_do_not_change_its_plan(gql, world):
    document = "query One($id: ID!) { photo(id: $id) { caption owner { username } } }"
    answers = []
    for photo in Photo.objects.published().order_by("pk"):
        data, hits, misses = run(gql, document, {"id": gid("Photo", photo.pk)})
        answers.append((data["photo"]["caption"], hits, misses))
    assert answers == [("a1", 0, 1), ("b1", 1, 0)]


def test_variables_under_a_field_are_part_of_its_key(gql, world):
    # `first` of a page inside a list of photos is cut in the plan's prefetch.
    document = """query Pages($n: Int!) { photos(first: 10) { edges { node {
        owner { photos(first: $n) { edges { node { caption } } } }
    } } } }"""
    sizes = []
    for n in (1, 2, 1):
        data, hits, misses = run(gql, document, {"n": n})
        pages = [e["node"]["owner"]["photos"]["edges"] for e in data["photos"]["edges"]]
        sizes.append(({len(page) for page in pages}, hits, misses))
    assert sizes == [({1}, 0, 1), ({1}, 0, 1), ({1}, 1, 0)]


def test_variables_in_directives_and_fragments_under_a_field_are_part_of_its_key(gql, world):
    document = """query Owners($with: Boolean!) {
        photos(first: 10) { edges { node { ...Shown } } }
    }
    fragment Shown on Photo { caption owner @include(if: $with) { username } }"""
    found = []
    for shown in (True, False, True):
        data, hits, misses = run(gql, document, {"with": shown})
        nodes = [edge["node"] for edge in data["photos"]["edges"]]
        found.append(({"owner" in node for node in nodes}, hits, misses))
    assert found == [({True}, 0, 1), ({False}, 0, 1), ({True}, 1, 0)]


def test_a_hit_does_not_plan(gql, world, monkeypatch):
    planned = []
    plan = strawberry_django.optimizer._get_model_hints

    def counted(*args, **kwargs):
        planned.append(1)
        return plan(*args, **kwargs)

    monkeypatch.setattr(strawberry_django.optimizer, "_get_model_hints", counted)
    run(gql)
    assert planned
    planned.clear()
    assert run(gql)[1:] == (2, 0)
    assert planned == []


def test_the_cache_holds_at_most_the_setting(gql, world, settings):
    settings.GRAPHQL_OPTIMIZER_PLAN_CACHE = 3
    for n in range(8):
        document = f"query Distinct{n} {{ photos(first: 10) {{ edges {{ node {{ caption }} }} }} }}"
        data = gql.execute(document).data
        assert {edge["node"]["caption"] for edge in data["photos"]["edges"]} == {"a1", "b1"}
        assert len(OPTIMIZER.plans) <= 3
    assert len(OPTIMIZER.plans) == 3

    settings.GRAPHQL_OPTIMIZER_PLAN_CACHE = 0
    OPTIMIZER.plans.clear()
    assert run(gql)[1:] == (0, 0)
    assert len(OPTIMIZER.plans) == 0


def test_prefetching_writes_to_the_queryset_it_is_given(world):
    # Why each use of a plan gets prefetches of its own: Django records the first
    # parent in the queryset of a Prefetch while it fetches.
    owners = User.objects.all()
    list(Photo.objects.prefetch_related(Prefetch("owner", queryset=owners)))
    assert "instance" in owners._hints


def test_plans_stay_as_they_were_made(gql, login, world):
    def state() -> list:
        return [
            (prefetch.queryset._hints.copy(), prefetch.queryset._sticky_filter, str(prefetch))
            for plan in OPTIMIZER.plans.stored()
            for prefetch in plan.prefetch_related
            if isinstance(prefetch, Prefetch)
        ]

    for name in ("alice", "anonymous"):
        as_viewer(gql, login, name)
        run(gql)
    made = state()
    assert len(made) >= 4 and all(hints == {} for hints, *_ in made)
    for name in ("bob", "anonymous", "alice", "anonymous"):
        as_viewer(gql, login, name)
        assert run(gql)[1:] == (2, 0)
    assert state() == made


def test_a_plan_does_not_keep_its_document_alive(gql, world):
    run(gql)
    operations = [operation for operation, _ in OPTIMIZER.plans._plans.entries.values()]
    assert len(operations) == 2 and all(operation() for operation in operations)
    DOCUMENTS.clear()
    gc.collect()
    # The entries stay until they age out, but they can never answer for the document
    # parsed again: that gives new nodes.
    assert [operation() for operation in operations] == [None, None]
    assert run(gql)[1:] == (0, 2)
