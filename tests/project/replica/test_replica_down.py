"""A replica that does not answer: reads fall back to the primary at once, for a while,
and a query whose replica connection breaks mid-way still answers, from the primary."""

import logging
import socket
import threading
import time

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

from project.replica import health
from project.replica.health import REPLICA
from tests.support.client import GraphQLClient
from tests.support.replica import replica, replica_test, statements

pytestmark = replica_test

CREATE = """
mutation ($title: String!) { createAlbum(input: {title: $title, visibility: PUBLIC}) {
  ... on Album { id } } }
"""
ALBUM = "query ($id: ID!) { album(id: $id) { title } }"


@pytest.fixture
def clients(alice, bob, login):
    ada, other = GraphQLClient(), GraphQLClient()
    login(alice, ada)
    login(bob, other)
    album = ada.mutate("createAlbum", CREATE, {"title": "Harbour"})
    return other, album["id"]


class Refusing:
    """A server on a free port that closes every connection at once, counting them: a
    replica whose PostgreSQL is stopped (or restarting) behind its address."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.accepted = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.accepted += 1
            connection.close()

    def close(self) -> None:
        self.socket.close()


@pytest.fixture
def refusing():
    server = Refusing()
    yield server
    server.close()


def test_a_stopped_replica_sends_reads_to_the_primary_until_it_is_retried(
    clients, settings, caplog, refusing
):
    other, album = clients
    settings.DATABASE_REPLICA_RETRY_SECONDS = 0.5
    with replica(settings, port=refusing.port), caplog.at_level(logging.WARNING, "project.replica"):
        with statements(DEFAULT_DB_ALIAS) as recorded:
            assert other.execute(ALBUM, {"id": album}).data["album"] == {"title": "Harbour"}
        assert any('"media_graph_album"' in sql for sql in recorded[DEFAULT_DB_ALIAS])
        tried = refusing.accepted
        assert tried >= 1
        warned = [r for r in caplog.records if "replica unreachable" in r.getMessage()]
        assert len(warned) == 1
        # Within the retry period the replica is not asked again (nor logged again).
        assert other.execute(ALBUM, {"id": album}).data["album"] == {"title": "Harbour"}
        assert refusing.accepted == tried
        time.sleep(0.6)
        assert other.execute(ALBUM, {"id": album}).data["album"] == {"title": "Harbour"}
        assert refusing.accepted == 2 * tried  # retried once, and given up on again
    assert len([r for r in caplog.records if "replica unreachable" in r.getMessage()]) == 1


def test_a_replica_that_answers_again_gets_the_reads_again(clients, settings, caplog):
    other, album = clients
    settings.DATABASE_REPLICA_RETRY_SECONDS = 0.2
    with replica(settings), caplog.at_level(logging.WARNING, "project.replica"):
        health.mark_down(OSError("gone"))
        with statements(REPLICA) as recorded:
            other.execute(ALBUM, {"id": album})
        assert not recorded[REPLICA]
        time.sleep(0.3)
        with statements(REPLICA) as recorded:
            assert other.execute(ALBUM, {"id": album}).data["album"] == {"title": "Harbour"}
        assert recorded[REPLICA]
    assert any("answers again" in r.getMessage() for r in caplog.records)


def test_a_replica_connection_broken_mid_way_answers_from_the_primary(clients, settings, caplog):
    other, album = clients
    with replica(settings):
        assert other.execute(ALBUM, {"id": album}).data["album"] == {"title": "Harbour"}
        pid = connections[REPLICA].connection.info.backend_pid  # open, and will stay so
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        with statements(DEFAULT_DB_ALIAS) as recorded:
            response = other.execute(ALBUM, {"id": album})
        # No internal error: the operation ran again, on the primary.
        assert response.status == 200 and "errors" not in response.body
        assert response.data["album"] == {"title": "Harbour"}
        assert any('"media_graph_album"' in sql for sql in recorded[DEFAULT_DB_ALIAS])
        assert not health.usable(lambda *args: None)  # marked down
