"""Login throttling shares its counts through Redis when REDIS_URL is set."""

import socket

import pytest
from django.core.cache import caches

from tests.support.accounts import PASSWORD, token_auth
from users import throttle


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_answers(), reason="no Redis at 127.0.0.1:6379")
def test_failures_count_in_redis(gql, alice, settings, clock):
    settings.CACHES = {
        **settings.CACHES,
        "throttles": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
        },
    }
    cache = caches["throttles"]
    cache.clear()
    try:
        assert "Redis" in type(cache).__name__
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            assert token_auth(gql, "alice", "wrong").error_codes == ["UNAUTHENTICATED"]
        assert token_auth(gql, "alice", "whatever").error_codes == ["RATE_LIMITED"]
        client = cache._cache.get_client()
        stored = client.scan_iter(match=":1:login-failures:*")
        assert len(list(stored)) == 2  # one for the username, one for the address
        # The time of the username's last failure, which the backoff runs from.
        assert len(list(client.scan_iter(match=":1:login-backoff:user:*"))) == 1

        # Past the delay, one attempt gets the turn; one racing it does not (SET NX).
        clock.advance(1)
        assert throttle.login_wait(username="alice", address="192.0.2.1") is None
        assert throttle.login_wait(username="alice", address="192.0.2.2") is not None
        assert token_auth(gql, "alice", PASSWORD).error_codes == ["RATE_LIMITED"]
        # The attempt holding the turn fails; the owner signs in after the next delay.
        throttle.login_failed(username="alice", address="192.0.2.1")
        clock.advance(2)
        assert token_auth(gql, "alice", PASSWORD).data["tokenAuth"]["token"]
        assert not list(client.scan_iter(match=":1:login-*:user:*"))
    finally:
        cache.clear()
