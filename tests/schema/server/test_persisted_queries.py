"""Apollo's automatic persisted queries over HTTP, as PersistedQueryLink sends them.

A hash alone first (POST, or GET with useGETForHashedQueries), then, on
PersistedQueryNotFound, the document with its hash.
"""

import hashlib
import json

import pytest
import redis
from django.core.cache import caches

from schema.server.persisted import CACHE, registered
from tests.support.client import ENDPOINT, without_cost
from tests.support.ports import free_port
from tests.support.queue import flush, redis_url_or_skip
from tests.support.redisserver import RedisServer

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
    return response.status_code, without_cost(response.json())


def get(gql, **params):
    query = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in params.items()}
    response = gql.http.get(
        ENDPOINT, query, headers={**gql.headers(), "Accept": "application/json"}
    )
    return response.status_code, without_cost(response.json())


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
    assert registered(sha(mutation)) == mutation
    status, body = get(gql, extensions=persisted(sha(mutation)))
    assert status == 405
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_a_hash_that_is_not_the_documents_is_bad_input_and_registers_nothing(gql):
    status, body = post(gql, {"query": QUERY, "extensions": persisted(sha(QUERY + " "))})
    assert status == 200
    assert codes(body) == ["BAD_USER_INPUT"]
    assert body["data"] is None
    assert registered(sha(QUERY + " ")) is None
    assert registered(sha(QUERY)) is None


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
    assert registered(sha(invalid)) is None
    status, body = post(gql, {"extensions": persisted(sha(invalid))})
    assert (status, codes(body)) == (200, ["PERSISTED_QUERY_NOT_FOUND"])


def test_a_document_over_the_cost_limit_is_not_registered(gql):
    costly = "query Big { photos(first: 100) { edges { node { likes(first: 100) { edges { node { id } } } } } } }"  # noqa: E501
    _, body = post(gql, {"query": costly, "extensions": persisted(sha(costly))})
    assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert registered(sha(costly)) is None


def test_a_request_with_neither_document_nor_hash_is_a_bad_request(gql):
    status, body = post(gql, {"variables": {}})
    assert status == 400
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def register_from(gql, query: str, address: str) -> dict:
    gql.http.defaults["REMOTE_ADDR"] = address
    return post(gql, {"query": query, "extensions": persisted(sha(query))})[1]


def padded(n: int, size: int) -> str:
    # Valid and cheap, whatever its length: the padding is whitespace.
    head = f"query Q{n} {{ me {{ id }} }}"
    return head + " " * (size - len(head))


def test_the_store_keeps_at_most_max_entries(gql, settings):
    settings.GRAPHQL_PERSISTED_QUERIES_MAX = 4
    for n in range(40):
        register_from(gql, padded(n, 100), f"192.0.2.{n}")
    kept = [n for n in range(40) if registered(sha(padded(n, 100)))]
    assert 0 < len(kept) <= 4
    assert 39 in kept  # the newest takes its slot


def test_a_document_longer_than_its_share_of_the_bytes_runs_but_is_not_kept(gql, settings):
    settings.GRAPHQL_PERSISTED_QUERIES_MAX = 10
    settings.GRAPHQL_PERSISTED_QUERIES_MAX_BYTES = 10 * 1000  # 1000 bytes a slot
    assert register_from(gql, padded(1, 1001), "192.0.2.1") == {"data": {"me": None}}
    assert registered(sha(padded(1, 1001))) is None
    register_from(gql, padded(2, 1000), "192.0.2.1")
    assert registered(sha(padded(2, 1000))) == padded(2, 1000)


def test_registrations_per_client_are_capped_per_minute(gql, alice, login, settings):
    settings.GRAPHQL_PERSISTED_QUERY_REGISTRATIONS_PER_MINUTE = 3
    for n in range(5):  # each runs; only the first three are kept
        assert register_from(gql, padded(n, 50), "192.0.2.7") == {"data": {"me": None}}
    assert [bool(registered(sha(padded(n, 50)))) for n in range(5)] == [1, 1, 1, 0, 0]
    _, body = post(gql, {"extensions": persisted(sha(padded(4, 50)))})
    assert codes(body) == ["PERSISTED_QUERY_NOT_FOUND"]
    # Another address has its own count; a signed-in user is one client from anywhere.
    register_from(gql, padded(5, 50), "192.0.2.8")
    assert registered(sha(padded(5, 50)))
    login(alice)
    for n in range(6, 10):
        register_from(gql, padded(n, 50), f"198.51.100.{n}")
    assert [bool(registered(sha(padded(n, 50)))) for n in range(6, 10)] == [1, 1, 1, 0]


def test_registrations_are_refused_when_the_rate_store_cannot_count(gql, settings):
    settings.CACHES = {
        **settings.CACHES,
        "throttles": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens
        },
    }
    # The budget, in the same store, would refuse the operation itself (fail closed:
    # tests/schema/server/test_budget.py); the registration rate is tested here.
    settings.GRAPHQL_BUDGET_MAX = 0
    assert register_from(gql, padded(1, 50), "192.0.2.1") == {"data": {"me": None}}
    assert registered(sha(padded(1, 50))) is None


def test_a_bounded_redis_store_under_a_flood_of_large_documents(gql, settings):
    """The flood that filled an 8 MB Redis: it now holds at most MAX entries of its share."""
    url = redis_url_or_skip()
    flush(url)
    settings.CACHES = {
        **settings.CACHES,
        CACHE: {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url},
    }
    settings.GRAPHQL_PERSISTED_QUERIES_MAX = 8
    settings.GRAPHQL_PERSISTED_QUERIES_MAX_BYTES = 8 * 33 * 1024
    try:
        for n in range(60):
            register_from(gql, padded(n, 32 * 1024), f"192.0.2.{n}")
        client = redis.Redis.from_url(url)
        keys = client.keys("*")
        assert 0 < len(keys) <= 8
        assert sum(client.strlen(key) for key in keys) <= 8 * 33 * 1024
    finally:
        flush(url)


def test_a_stopped_store_answers_a_miss_and_the_document_still_runs(gql, settings, tmp_path):
    server = RedisServer(tmp_path).start()
    settings.CACHES = {
        **settings.CACHES,
        CACHE: {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": server.url},
    }
    register_from(gql, QUERY, "192.0.2.1")
    _, body = post(gql, {"extensions": persisted(sha(QUERY))})
    assert body == {"data": {"me": None}}
    server.stop()
    _, body = post(gql, {"extensions": persisted(sha(QUERY))})
    assert codes(body) == ["PERSISTED_QUERY_NOT_FOUND"]
    status, body = post(gql, {"query": QUERY, "extensions": persisted(sha(QUERY))})
    assert (status, body) == (200, {"data": {"me": None}})
