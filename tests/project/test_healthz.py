"""/healthz is liveness (touches nothing); /readyz checks database, storage and broker."""

import time

from django.db import connections

from tests.support.queue import redis_url_or_skip
from tests.support.s3server import RcloneS3Server
from tests.support.storage import use_s3


def test_healthz_answers_200_without_touching_anything(client):
    # No `db` fixture: a query here would fail the test (pytest-django blocks it).
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_answers_200_naming_what_it_checked(client, db, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "storage": "ok"}


def test_readyz_checks_the_broker_when_one_is_configured(client, db, settings):
    settings.CELERY_BROKER_URL = redis_url_or_skip()
    assert client.get("/readyz").json()["broker"] == "ok"
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]


def test_readyz_answers_503_when_the_database_does_not(client, db, settings, monkeypatch):
    settings.CELERY_BROKER_URL = ""

    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    # The check runs in a thread of its own: the outage is the class's, every thread's.
    with monkeypatch.context() as patch:
        patch.setattr(type(connections["default"]), "cursor", refuse)
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]


def test_readyz_names_stopped_storage_within_3_s_while_healthz_stays_200(
    client, db, settings, tmp_path
):
    settings.CELERY_BROKER_URL = ""
    with RcloneS3Server(tmp_path / "s3") as server:
        use_s3(settings, server)
        # Ready first. The first check in a process also builds the S3 client, which can
        # outlast the 0.8 s deadline on a busy machine (two xdist workers): probes retry.
        deadline = time.monotonic() + 15
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "storage never answered /readyz"
            time.sleep(0.2)
        server.stop()
        started = time.monotonic()
        response = client.get("/readyz")
        elapsed = time.monotonic() - started
        assert client.get("/healthz").status_code == 200
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "storage": "unavailable",
        "failed": ["storage"],
    }
    assert elapsed < 3, f"took {elapsed:.1f}s"


def test_readyz_answers_within_3_s_when_storage_hangs(client, db, settings, tmp_path):
    settings.CELERY_BROKER_URL = ""
    with RcloneS3Server(tmp_path / "s3") as server:
        use_s3(settings, server)
        with server.frozen():
            started = time.monotonic()
            response = client.get("/readyz")
            elapsed = time.monotonic() - started
            assert client.get("/healthz").status_code == 200
    assert response.status_code == 503
    assert response.json()["failed"] == ["storage"]
    assert elapsed < 3, f"took {elapsed:.1f}s"
