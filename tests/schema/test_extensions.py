"""The schema's one extension: caches that hit, limits in force, no per-field wrapper."""

from schema import schema
from schema.documents import Checked, DocumentCache
from schema.extensions import DOCUMENTS


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
    from schema.extensions import DOCUMENTS

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


def test_no_extension_wraps_every_field():
    # A `resolve` hook turns into a middleware call around every field of every answer.
    assert not [ext for ext in schema.extensions if ext._implements_resolve()]
