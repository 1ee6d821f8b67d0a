"""What runs around every operation: caches that hit, limits in force, no per-field wrapper."""

import asyncio

from schema import schema
from schema.server.documents import Checked, DocumentCache
from schema.server.operations import DOCUMENTS


def test_a_repeated_document_is_parsed_and_validated_once(gql):
    query = "query Repeated { me { id } }"
    gql.execute(query)
    hits, misses = DOCUMENTS.hits, DOCUMENTS.misses
    response = gql.execute(query)
    assert response.data == {"me": None}
    assert (DOCUMENTS.hits, DOCUMENTS.misses) == (hits + 1, misses)


def _entry(weight: int) -> Checked:
    return Checked(document=None, errors=[], weight=weight)


def test_the_document_cache_is_bounded_in_entries_least_recently_used_first():
    cache = DocumentCache(max_entries=2, max_bytes=10_000)
    cache.put(("a",), _entry(1))
    cache.put(("b",), _entry(1))
    assert cache.get(("a",)) is not None  # a is now the most recently used
    cache.put(("c",), _entry(1))
    assert cache.get(("b",)) is None
    assert cache.get(("a",)) is not None and cache.get(("c",)) is not None
    assert cache.size == (2, 2)


def test_the_document_cache_is_bounded_in_bytes():
    cache = DocumentCache(max_entries=100, max_bytes=1_000)
    for key in range(10):
        cache.put((key,), _entry(300))
    entries, weight = cache.size
    assert (entries, weight) == (3, 900)
    cache.put(("huge",), _entry(1_001))  # larger than the whole cache: never kept
    assert cache.get(("huge",)) is None
    assert cache.size == (3, 900)


def test_distinct_large_documents_do_not_grow_the_cache_past_its_bound(gql, settings):
    from schema.server.operations import DOCUMENTS

    entries_before, _ = DOCUMENTS.size
    for n in range(40):
        # About 1,900 tokens each: the largest the token limit lets through.
        fields = "__typename " * 19 + "me { id } " * 470
        gql.execute(f"query Large{n} {{ {fields} }}")
    entries, weight = DOCUMENTS.size
    assert weight <= settings.GRAPHQL_DOCUMENT_CACHE_BYTES
    assert entries <= settings.GRAPHQL_DOCUMENT_CACHE_ENTRIES
    assert entries >= min(entries_before, 1)


def test_a_refused_document_is_refused_the_same_way_from_the_cache(gql):
    # Cached validation errors are the same objects each time: coding and masking them
    # in place must give the same answer again.
    query = "query Refused { me { usernam } }"
    first, second = gql.execute(query), gql.execute(query)
    assert first.error_codes == second.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert first.errors[0]["message"] == second.errors[0]["message"]


def test_no_extension_runs_around_operations_or_fields():
    # The operation hooks run without Strawberry's extension runner, and a `resolve` hook
    # would wrap every field of every answer in a middleware call: the schema is given
    # none (tests/schema/engine/test_extensions.py runs some).
    assert not schema.extensions


def test_the_async_path_runs_the_same_guards():
    # Nothing here awaits, but a caller of Schema.execute must not skip the limits.
    query = "{ photos(first: 100) { edges { node { likes(first: 100) { edges { node "
    query += "{ photos(first: 100) { edges { node { id } } } } } } } } } }"
    result = asyncio.run(schema.execute(query))
    assert result.data is None
    assert result.errors[0].extensions["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "could return up to" in result.errors[0].message


def test_settings_read_once_follow_a_changed_setting(gql, settings):
    settings.GRAPHQL_MAX_QUERY_CHARS = 20
    response = gql.execute("query Long { me { id } }")
    assert response.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert "longer than 20 characters" in response.errors[0]["message"]
