"""The router's rules, one by one, on a real second connection to the test database."""

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from media_graph.models import Photo
from project.replica import recent, routing
from project.replica.health import REPLICA
from project.replica.routing import ReplicaRouter
from tests.support.replica import replica, replica_test
from users.models import User

pytestmark = replica_test

KEYS = recent.keys_for(1, "192.0.2.1")


@pytest.fixture
def router(settings):
    with replica(settings):
        yield ReplicaRouter()


def test_without_a_route_every_read_goes_to_the_primary(router):
    # Celery tasks, commands, the admin, REST views, authentication itself.
    assert routing.current() is None
    assert router.db_for_read(User) == DEFAULT_DB_ALIAS


def test_a_query_reads_from_the_replica(router):
    with routing.replica_reads(KEYS):
        assert router.db_for_read(User) == REPLICA
        assert router.db_for_read(Photo) == REPLICA


def test_a_mutation_reads_and_writes_the_primary_and_marks_its_keys(router):
    with routing.replica_reads(KEYS) as route:
        routing.operation_type("mutation")
        assert router.db_for_read(User) == DEFAULT_DB_ALIAS
        assert router.db_for_write(User) == DEFAULT_DB_ALIAS
        assert route.wrote
    assert recent.wrote_recently(KEYS)


def test_after_a_write_the_rest_of_the_request_reads_the_primary(router):
    with routing.replica_reads(KEYS):
        assert router.db_for_read(Photo) == REPLICA
        assert router.db_for_write(Photo) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Photo) == DEFAULT_DB_ALIAS
    assert recent.wrote_recently(KEYS)


def test_reads_inside_a_transaction_read_the_primary(router):
    with routing.replica_reads(KEYS):
        with transaction.atomic():
            assert router.db_for_read(User) == DEFAULT_DB_ALIAS
        assert router.db_for_read(User) == REPLICA


def test_a_viewer_who_wrote_recently_reads_the_primary_and_others_do_not(router):
    recent.mark(recent.keys_for(1, "192.0.2.1"))
    recent.mark(recent.keys_for(None, "203.0.113.9"))
    with routing.replica_reads(recent.keys_for(1, "198.51.100.7")):  # same user, elsewhere
        assert router.db_for_read(User) == DEFAULT_DB_ALIAS
    with routing.replica_reads(recent.keys_for(None, "203.0.113.9")):  # same address, anonymous
        assert router.db_for_read(User) == DEFAULT_DB_ALIAS
    with routing.replica_reads(recent.keys_for(2, "192.0.2.1")):  # another user, same address
        assert router.db_for_read(User) == REPLICA
    with routing.replica_reads(recent.keys_for(None, "192.0.2.1")):  # anonymous, same address
        assert router.db_for_read(User) == REPLICA


def test_the_marker_lasts_read_your_writes_seconds(router, settings):
    settings.READ_YOUR_WRITES_SECONDS = 0  # off: nothing kept, nothing asked
    recent.mark(KEYS)
    assert not recent.wrote_recently(KEYS)
    settings.READ_YOUR_WRITES_SECONDS = 5
    assert not recent.wrote_recently(KEYS)


def test_the_markers_are_read_once_per_request(router, monkeypatch):
    asked = []
    monkeypatch.setattr(recent, "wrote_recently", lambda keys: asked.append(keys) or False)
    with routing.replica_reads(KEYS):
        for _ in range(3):
            assert router.db_for_read(Photo) == REPLICA
    assert asked == [KEYS]


def test_a_block_marked_primary_reads_the_primary(router):
    with routing.replica_reads(KEYS):
        with routing.primary():
            assert router.db_for_read(Photo) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Photo) == REPLICA


def test_relations_are_allowed_and_the_replica_is_never_migrated(router):
    assert router.allow_relation(User(), Photo())
    assert router.allow_migrate(REPLICA, "media_graph") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "media_graph") is None


def test_reads_of_the_orm_follow_the_router(router):
    user = User.objects.create_user(username="ada", password="x" * 20, email="ada@example.com")
    with routing.replica_reads(KEYS):
        assert User.objects.all().db == REPLICA
        assert User.objects.get(pk=user.pk)._state.db == REPLICA
        user.save(update_fields=["display_name"])
        assert User.objects.all().db == DEFAULT_DB_ALIAS
        assert connections[DEFAULT_DB_ALIAS].in_atomic_block is False


def test_only_a_failed_query_that_wrote_nothing_runs_again():
    assert not routing.again_on_primary(routing.Route(KEYS))  # nothing failed
    failed = routing.Route(KEYS, primary=True, replica_failed=True)
    assert routing.again_on_primary(failed) and failed.primary and not failed.replica_failed
    wrote = routing.Route(KEYS, primary=True, wrote=True, replica_failed=True)
    assert not routing.again_on_primary(wrote)  # its answer, with the error, stands
