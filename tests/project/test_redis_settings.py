"""Two Redis uses: what must never be evicted (REDIS_URL), what may be (REDIS_CACHE_URL)."""

import ast

from tests.deploy.test_production_settings import load_settings


def caches_with(**env) -> dict:
    clean = {"REDIS_URL": "", "REDIS_CACHE_URL": "", "DJANGO_DEBUG": "1", **env}
    result = load_settings("CACHES", **clean)
    assert result.returncode == 0, result.stderr
    caches = ast.literal_eval(result.stdout.strip().splitlines()[-1])
    return {alias: (cache["BACKEND"], cache["LOCATION"]) for alias, cache in caches.items()}


def test_throttles_stay_on_redis_url_and_the_cache_moves_to_redis_cache_url():
    caches = caches_with(REDIS_URL="redis://queue:6379/0", REDIS_CACHE_URL="redis://lru:6379/0")
    assert caches["throttles"][1] == "redis://queue:6379/0"
    assert caches["default"][1] == caches["persisted_queries"][1] == "redis://lru:6379/0"


def test_without_redis_cache_url_everything_is_on_redis_url():
    caches = caches_with(REDIS_URL="redis://one:6379/0")
    assert {location for _, location in caches.values()} == {"redis://one:6379/0"}


def test_without_redis_the_counting_store_refuses_rather_than_evicts():
    caches = caches_with()
    assert caches["throttles"][0] == "project.stores.NonEvictingLocMemCache"
