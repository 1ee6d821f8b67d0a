from django.db import connection


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
