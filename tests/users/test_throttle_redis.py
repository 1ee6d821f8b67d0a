"""Login throttling shares its counts through Redis when REDIS_URL is set."""

import socket

import pytest
from django.core.cache import caches

from tests.users.test_tokens import token_auth


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_answers(), reason="no Redis at 127.0.0.1:6379")
def test_failures_count_in_redis(gql, alice, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
        }
    }
    cache = caches["default"]
    cache.clear()
    try:
        assert "Redis" in type(cache).__name__
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            assert token_auth(gql, "alice", "wrong").error_codes == ["UNAUTHENTICATED"]
        assert token_auth(gql, "alice", "whatever").error_codes == ["RATE_LIMITED"]
        stored = cache._cache.get_client().scan_iter(match=":1:login-failures:*")
        assert len(list(stored)) == 2  # one for the username, one for the address
    finally:
        cache.clear()
