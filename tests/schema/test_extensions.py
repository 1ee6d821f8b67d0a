"""The schema's one extension: caches that hit, limits in force, no per-field wrapper."""

from schema import schema
from schema.extensions import _parsed, _validated


def test_a_repeated_document_is_parsed_and_validated_once(gql):
    query = "query Repeated { me { id } }"
    gql.execute(query)
    parsed, validated = _parsed.cache_info(), _validated.cache_info()
    response = gql.execute(query)
    assert response.data == {"me": None}
    assert _parsed.cache_info().hits == parsed.hits + 1
    assert _parsed.cache_info().misses == parsed.misses
    assert _validated.cache_info().hits == validated.hits + 1
    assert _validated.cache_info().misses == validated.misses


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
