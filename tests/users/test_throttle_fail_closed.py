"""A login throttle that cannot count refuses: RATE_LIMITED, never a token, never a 500.

Against a real Redis of the test's own, full (noeviction refusing writes) or stopped.
"""

import pytest
from django.core.cache import caches

from tests.support.accounts import PASSWORD, token_auth
from tests.support.redisserver import RedisServer, count_in


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def throttles_on(settings):
    def use(server: RedisServer) -> None:
        # Budgets count in the same store and would refuse every operation first (fail
        # closed too: tests/schema/server/test_budget.py); here the login throttle is tested.
        settings.GRAPHQL_BUDGET_MAX = 0
        count_in(settings, server)

    return use


def codes(response) -> list[str]:
    return response.error_codes if response.body.get("errors") else ["OK"]


def test_the_counts_are_in_redis_while_it_answers(gql, alice, redis_server, throttles_on):
    throttles_on(redis_server)
    assert codes(token_auth(gql, "alice", "wrong")) == ["UNAUTHENTICATED"]
    assert redis_server.client().keys("throttle:*login-failures*")
    assert codes(token_auth(gql, "alice", PASSWORD)) == ["OK"]


def test_a_full_redis_refuses_every_login_without_checking_the_password(
    gql, alice, redis_server, throttles_on
):
    throttles_on(redis_server)
    redis_server.fill()
    for password in ("wrong", PASSWORD):
        response = token_auth(gql, "alice", password)
        assert response.status == 429  # the third wave's contract: RATE_LIMITED is a 429
        assert response.headers["Retry-After"] == "60"
        assert codes(response) == ["RATE_LIMITED"]
        assert response.body["data"] is None  # no token
    caches["throttles"].close()


def test_a_stopped_redis_refuses_every_login(gql, alice, redis_server, throttles_on):
    throttles_on(redis_server)
    assert codes(token_auth(gql, "alice", "wrong")) == ["UNAUTHENTICATED"]
    redis_server.stop()
    for password in ("wrong", PASSWORD):
        response = token_auth(gql, "alice", password)
        assert response.status == 429  # the third wave's contract: RATE_LIMITED is a 429
        assert response.headers["Retry-After"] == "60"
        assert codes(response) == ["RATE_LIMITED"]
        assert response.body["data"] is None
