"""Without DATABASE_REPLICA_URL nothing changes: no alias, no router, no route."""

import json
import os
import subprocess
import sys

from django.conf import settings
from django.db import connections, router

from media_graph.models import Photo
from project.replica import routing
from project.replica.routing import ReplicaRouter
from tests.support.live import BASE_DIR


def test_the_router_is_not_installed_and_every_read_goes_to_the_default():
    # tests/settings.py adds an inert alias on PostgreSQL; project.settings adds none
    # (test_without_the_url_there_is_no_alias below).
    assert settings.DATABASE_ROUTERS == [] and not routing.configured()
    assert router.db_for_read(Photo) == "default"


def test_the_router_answers_none_without_the_alias(monkeypatch):
    monkeypatch.delitem(connections.settings, "replica", raising=False)
    router = ReplicaRouter()
    assert router.db_for_read(Photo) is None
    assert router.db_for_write(Photo) is None
    assert router.allow_relation(Photo(), Photo()) is None
    with routing.replica_reads(("k",)) as route:
        assert route.primary and routing.current() is None  # no route was opened


def test_without_the_url_there_is_no_alias():
    found = _settings_with({"DATABASE_REPLICA_URL": ""})
    assert found == {"replica": None, "routers": []}


def _settings_with(env: dict) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'replica': s.DATABASES.get('replica'), 'routers': s.DATABASE_ROUTERS}, "
        "default=str))"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "DJANGO_SECRET_KEY": "test-only-secret-key-0123456789abcdefghijklmnop",
        **env,
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_database_replica_url_adds_the_alias_with_short_timeouts_and_the_router():
    found = _settings_with(
        {"DATABASE_REPLICA_URL": "postgres://reader:pw@replica.internal:5433/photos"}
    )
    replica = found["replica"]
    assert (replica["HOST"], replica["PORT"], replica["NAME"]) == (
        "replica.internal",
        5433,
        "photos",
    )
    assert replica["OPTIONS"]["connect_timeout"] == 2
    assert replica["TEST"]["MIRROR"] == "default"
    assert found["routers"] == ["project.replica.routing.ReplicaRouter"]


def test_a_replica_that_is_not_postgresql_is_refused():
    code = "import django; django.setup()"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "DJANGO_SECRET_KEY": "test-only-secret-key-0123456789abcdefghijklmnop",
        "DATABASE_REPLICA_URL": "sqlite:////tmp/replica.sqlite3",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=environment, capture_output=True, text=True
    )
    assert out.returncode != 0 and "DATABASE_REPLICA_URL must be a postgres" in out.stderr
