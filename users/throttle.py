"""Login throttling: too many failed logins for one username or one address."""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(kind: str, value: str) -> str:
    # Hashed so arbitrary user input never becomes a raw cache key.
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"login-failures:{kind}:{digest}"


def _count(key: str) -> int:
    return cache.get(key, 0)


def _bump(key: str) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    if not cache.add(key, 1, timeout=window):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window)


def login_blocked(*, username: str, address: str) -> bool:
    return (
        _count(_key("user", username)) >= settings.LOGIN_FAILURE_LIMIT
        or _count(_key("addr", address)) >= settings.LOGIN_FAILURE_IP_LIMIT
    )


def login_failed(*, username: str, address: str) -> None:
    _bump(_key("user", username))
    _bump(_key("addr", address))


def login_succeeded(*, username: str) -> None:
    cache.delete(_key("user", username))
