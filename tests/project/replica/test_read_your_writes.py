"""Through GraphQL over HTTP, against a replica that never receives writes (stale): a
viewer reads back what it just wrote; others read the replica; writes never go there."""

import logging
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from media_graph.models import Photo
from project.replica.health import REPLICA
from schema.server.operations import operation_lines
from tests.support.client import GraphQLClient
from tests.support.factories import photo_row
from tests.support.replica import replica, replica_test, statements

pytestmark = replica_test

CREATE = """
mutation ($title: String!) { createAlbum(input: {title: $title, visibility: PUBLIC}) {
  ... on Album { id title } ... on OperationInfo { messages { code } } } }
"""
ALBUM = "query ($id: ID!) { album(id: $id) { title owner { username } } }"


@pytest.fixture
def stale(settings):
    with replica(settings, stale=True) as guard:
        yield guard


def _reads(recorded: dict, alias: str) -> list[str]:
    return [sql for sql in recorded[alias] if sql.lstrip().upper().startswith("SELECT")]


def test_a_viewer_reads_back_what_it_just_wrote_and_others_read_the_replica(
    alice, bob, login, stale
):
    ada = GraphQLClient()
    login(alice, ada)
    other = GraphQLClient()
    login(bob, other)
    with statements(DEFAULT_DB_ALIAS, REPLICA) as recorded:
        album = ada.mutate("createAlbum", CREATE, {"title": "Harbour"})
    assert album["title"] == "Harbour"
    assert not recorded[REPLICA]  # a mutation: the primary only

    with statements(DEFAULT_DB_ALIAS, REPLICA) as recorded:
        read = ada.execute(ALBUM, {"id": album["id"]}).data["album"]
    assert read == {"title": "Harbour", "owner": {"username": "alice"}}
    assert not recorded[REPLICA] and _reads(recorded, DEFAULT_DB_ALIAS)

    # Another viewer reads the replica, which has not seen the album yet.
    with statements(DEFAULT_DB_ALIAS, REPLICA) as recorded:
        assert other.execute(ALBUM, {"id": album["id"]}).data["album"] is None
    assert _reads(recorded, REPLICA)
    # Authentication alone read the primary (the user row, the session stamp).
    assert all('"users_' in sql for sql in _reads(recorded, DEFAULT_DB_ALIAS))


def test_once_the_marker_expires_the_writer_reads_the_replica_again(alice, login, stale):
    ada = GraphQLClient()
    login(alice, ada)
    album = ada.mutate("createAlbum", CREATE, {"title": "Harbour"})
    caches["throttles"].clear()  # READ_YOUR_WRITES_SECONDS have passed
    stale.written.clear()  # and the guard's window with them
    with statements(DEFAULT_DB_ALIAS, REPLICA) as recorded:
        assert ada.execute(ALBUM, {"id": album["id"]}).data["album"] is None  # stale
    assert _reads(recorded, REPLICA)


def test_the_guard_fails_a_just_written_row_read_from_the_replica(alice, login, settings):
    ada = GraphQLClient()
    login(alice, ada)
    refused = pytest.raises(AssertionError, match="read from the replica just after")
    with refused, replica(settings) as guard:
        album = ada.mutate("createAlbum", CREATE, {"title": "Harbour"})
        caches["throttles"].clear()  # the marker lost: the router sends the read away
        response = ada.execute(ALBUM, {"id": album["id"]})
        assert response.body["errors"]  # the guard refused the statement
    assert guard.violations


def test_the_guard_fails_a_write_sent_to_the_replica(settings):
    refused = pytest.raises(AssertionError, match="a write sent to the replica")
    with refused, replica(settings) as guard:
        cursor = connections[REPLICA].cursor()
        with pytest.raises(AssertionError):
            cursor.execute("UPDATE users_user SET display_name = 'x' WHERE false")
        cursor.close()
    assert guard.violations


def test_a_query_that_publishes_due_photos_reads_the_primary_after_its_write(
    alice, bob, login, settings
):
    # photos_publish_due runs before a query that reads the counters
    # (schema/server/scheduled.py): it may find the due photos on the replica (each is
    # locked and checked again on the primary before it is published), but from its
    # first write on the query reads the primary, and sees the counters it moved.
    photo = photo_row(alice, "later", published=False)
    Photo.objects.filter(pk=photo.pk).update(
        status="SCHEDULED", published_at=timezone.now() - timedelta(seconds=1)
    )
    other = GraphQLClient()
    login(bob, other)
    with replica(settings), statements(DEFAULT_DB_ALIAS, REPLICA) as recorded:
        answer = other.execute('{ user(username: "alice") { photosCount } }').data
    assert answer == {"user": {"photosCount": 1}}
    assert Photo.objects.get(pk=photo.pk).status == "PUBLISHED"
    writes = [sql for sql in recorded[DEFAULT_DB_ALIAS] if sql.lstrip().startswith("UPDATE")]
    assert writes and "FOR UPDATE" in " ".join(recorded[DEFAULT_DB_ALIAS])
    # The counter read came after the write: from the primary, not the replica.
    assert not any('"users_user"' in sql for sql in _reads(recorded, REPLICA))


def test_the_operation_log_counts_the_statements_on_both(alice, bob, login, stale, caplog):
    other = GraphQLClient()
    login(bob, other)
    operation_lines.flush()
    caplog.clear()
    with caplog.at_level(logging.INFO, "schema.server.operations"):
        with statements(DEFAULT_DB_ALIAS, REPLICA) as recorded:
            other.execute('query WhoIs { user(username: "alice") { username } }')
        operation_lines.flush()
    [line] = [r.getMessage() for r in caplog.records if r.name == "schema.server.operations"]
    assert len(recorded[REPLICA]) == 1  # authentication, before the operation, read the primary
    assert " sql=1 " in line
