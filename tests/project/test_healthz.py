import time

from django.db import connection

from tests.support.s3server import RcloneS3Server
from tests.support.storage import use_s3


def test_healthz_answers_200_when_database_and_storage_answer(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "storage": "ok"}


def test_healthz_answers_503_when_the_database_does_not(client, db, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    # A database outage cannot be caused from inside the test's own transaction.
    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", refuse)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_healthz_answers_503_within_the_deadline_when_storage_hangs(client, db, settings, tmp_path):
    with RcloneS3Server(tmp_path / "s3") as server:
        use_s3(settings, server)
        assert client.get("/healthz").status_code == 200
        with server.frozen():
            started = time.monotonic()
            response = client.get("/healthz")
            elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "storage": "unavailable"}
    assert elapsed < 10, f"took {elapsed:.1f}s"
