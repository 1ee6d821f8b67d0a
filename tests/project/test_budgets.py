"""The token bucket underneath the GraphQL budgets (project/budgets.py): restore, debit,
wait, and atomic under concurrent debits, in Redis and in the process's own store."""

import threading
import time

import pytest

from project import budgets


@pytest.fixture(params=["memory", "redis"])
def store(request):
    """Each test once in the process's own store (None) and once in a Redis of its own."""
    return request.getfixturevalue("redis_store") if request.param == "redis" else None


def test_a_debit_takes_what_is_left_and_says_how_long_the_rest_takes(store):
    first = budgets.debit("b", 70, maximum=100, rate=10.0)
    assert first.taken and 30 <= first.available < 31
    refused = budgets.debit("b", 70, maximum=100, rate=10.0)
    assert not refused.taken
    assert 30 <= refused.available < 31  # unchanged but for the restore since
    assert 3.9 < refused.wait <= 4.0  # (70 - 30.x) / 10 s
    assert budgets.debit("b", 30, maximum=100, rate=10.0).taken
    # Cost 0 reports without writing; another key is another bucket.
    assert budgets.debit("other", 0, maximum=100, rate=10.0).available == 100


def test_a_bucket_restores_by_the_time_elapsed_up_to_its_maximum(store):
    assert budgets.debit("b", 100, maximum=100, rate=1000.0).taken
    time.sleep(0.05)  # 50 points back at 1000 a second
    status = budgets.debit("b", 0, maximum=100, rate=1000.0)
    assert 45 <= status.available <= 100
    time.sleep(0.2)
    assert budgets.debit("b", 0, maximum=100, rate=1000.0).available == 100


def test_a_redis_bucket_expires_once_it_would_be_full_again(redis_store):
    # (The in-process store's expiry is Django's own.)
    budgets.debit("b", 50, maximum=100, rate=100.0)
    ttl = redis_store.client().pttl("throttle:1:b")
    assert 0 < ttl <= 500 + 1000  # (100 - 50) / 100 s, and a second


def test_concurrent_debits_never_take_more_than_the_bucket_holds(store):
    taken = []

    def spend() -> None:
        for _ in range(5):
            taken.append(budgets.debit("shared", 10, maximum=100, rate=0.001).taken)

    threads = [threading.Thread(target=spend) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert taken.count(True) == 10
    assert len(taken) == 40


def test_a_redis_that_lost_the_script_is_given_it_again(redis_store):
    assert budgets.debit("b", 10, maximum=100, rate=1.0).taken
    redis_store.client().script_flush()  # as a restarted Redis has it
    status = budgets.debit("b", 10, maximum=100, rate=1.0)
    assert status.taken and 80 <= status.available < 81


def test_a_store_that_cannot_count_raises(store, settings):
    if store is None:
        settings.CACHES = {
            **settings.CACHES,
            "throttles": {
                "BACKEND": "project.stores.NonEvictingLocMemCache",
                "LOCATION": "budget-full",
                "OPTIONS": {"MAX_ENTRIES": 1},
            },
        }
        budgets.debit("one", 1, maximum=10, rate=1.0)  # the one key it holds
    else:
        store.stop()
    with pytest.raises(budgets.CannotCount):
        budgets.debit("two", 1, maximum=10, rate=1.0)
