"""Apollo's automatic persisted queries over HTTP, as PersistedQueryLink sends them.

A hash alone first (POST, or GET with useGETForHashedQueries), then, on
PersistedQueryNotFound, the document with its hash.
"""

import hashlib
import json

import pytest
from django.core.cache import caches

from schema.server.persisted import CACHE
from tests.client import ENDPOINT

QUERY = "query Me { me { username } }"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def persisted(digest: str, version=1) -> dict:
    return {"persistedQuery": {"version": version, "sha256Hash": digest}}


@pytest.fixture(autouse=True)
def empty_cache():
    caches[CACHE].clear()
    yield
    caches[CACHE].clear()


def post(gql, body: dict):
    response = gql.http.post(
        ENDPOINT, data=json.dumps(body), content_type="application/json", headers=gql.headers()
    )
    return response.status_code, response.json()


def get(gql, **params):
    query = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in params.items()}
    response = gql.http.get(
        ENDPOINT, query, headers={**gql.headers(), "Accept": "application/json"}
    )
    return response.status_code, response.json()


def codes(body: dict) -> list[str]:
    return [error["extensions"]["code"] for error in body["errors"]]


def test_an_unknown_hash_is_not_found_then_the_document_registers_it(gql, alice, login):
    login(alice)
    status, body = post(gql, {"extensions": persisted(sha(QUERY))})
    assert status == 200
    assert codes(body) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert body["errors"][0]["message"] == "PersistedQueryNotFound"

    status, body = post(gql, {"query": QUERY, "extensions": persisted(sha(QUERY))})
    assert body == {"data": {"me": {"username": "alice"}}}

    status, body = post(gql, {"extensions": persisted(sha(QUERY))})
    assert body == {"data": {"me": {"username": "alice"}}}


def test_a_registered_query_runs_by_hash_over_get_with_variables(gql, alice):
    query = "query User($username: String!) { user(username: $username) { username } }"
    post(gql, {"query": query, "extensions": persisted(sha(query))})
    status, body = get(
        gql,
        extensions=persisted(sha(query)),
        variables={"username": "alice"},
        operationName="User",
    )
    assert status == 200
    assert body == {"data": {"user": {"username": "alice"}}}


def test_a_registered_mutation_is_refused_over_get(gql, alice, login):
    login(alice)
    mutation = 'mutation Name { updateProfile(input: {displayName: "A"}) { __typename } }'
    post(gql, {"query": mutation, "extensions": persisted(sha(mutation))})
    assert caches[CACHE].get(sha(mutation)) == mutation
    status, body = get(gql, extensions=persisted(sha(mutation)))
    assert status == 405
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_a_hash_that_is_not_the_documents_is_bad_input_and_registers_nothing(gql):
    status, body = post(gql, {"query": QUERY, "extensions": persisted(sha(QUERY + " "))})
    assert status == 200
    assert codes(body) == ["BAD_USER_INPUT"]
    assert body["data"] is None
    assert caches[CACHE].get(sha(QUERY + " ")) is None
    assert caches[CACHE].get(sha(QUERY)) is None


@pytest.mark.parametrize(
    "extensions",
    [
        persisted(sha(QUERY), version=2),
        persisted(sha(QUERY).upper()),
        persisted("abc"),
        {"persistedQuery": {"version": 1, "sha256Hash": 12}},
        {"persistedQuery": "yes"},
    ],
)
def test_a_malformed_persisted_query_is_bad_input(gql, extensions):
    status, body = post(gql, {"query": QUERY, "extensions": extensions})
    assert status == 200
    assert codes(body) == ["BAD_USER_INPUT"]


def test_a_document_that_fails_a_check_is_not_registered(gql):
    invalid = "query Bad { me { no_such_field } }"
    status, body = post(gql, {"query": invalid, "extensions": persisted(sha(invalid))})
    assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert caches[CACHE].get(sha(invalid)) is None
    status, body = post(gql, {"extensions": persisted(sha(invalid))})
    assert (status, codes(body)) == (200, ["PERSISTED_QUERY_NOT_FOUND"])


def test_a_request_with_neither_document_nor_hash_is_a_bad_request(gql):
    status, body = post(gql, {"variables": {}})
    assert status == 400
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_the_registry_is_bounded_without_redis(gql, settings):
    # With REDIS_URL each entry expires after GRAPHQL_PERSISTED_QUERY_SECONDS instead.
    settings.GRAPHQL_PERSISTED_QUERIES_MAX = 20
    settings.CACHES = {
        **settings.CACHES,
        CACHE: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "apq-bounded",
            "OPTIONS": {"MAX_ENTRIES": settings.GRAPHQL_PERSISTED_QUERIES_MAX},
        },
    }
    for n in range(30):
        query = f"query Q{n} {{ me {{ id }} }}"
        post(gql, {"query": query, "extensions": persisted(sha(query))})
    kept = [n for n in range(30) if caches[CACHE].get(sha(f"query Q{n} {{ me {{ id }} }}"))]
    assert 0 < len(kept) <= 20
    assert 29 in kept  # the newest stays
