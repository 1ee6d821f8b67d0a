import os
import time
from collections.abc import Iterator

import pytest
from django.core.cache import cache, caches

from tests.support.accounts import PASSWORD, TOKEN_AUTH
from tests.support.client import GraphQLClient
from tests.support.live import LiveServer
from tests.support.redisserver import RedisServer, count_in
from tests.support.storage import MediaStore, use_s3
from users import throttle
from users.models import User

# tests/cluster/ runs against a whole cluster of processes (make cluster-test sets
# CLUSTER_TESTS): `make test` neither collects nor skips them.
collect_ignore = [] if os.environ.get("CLUSTER_TESTS") else ["cluster"]


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "live_server(extra_env=None, threads=4, suite_database=False): "
        "how the module's `live` server starts (tests/support/live.py LiveServer)",
    )
    config.addinivalue_line(
        "markers",
        "engine: asserts what only schema/engine/ achieves, so it fails with the engine off "
        "(GRAPHQL_ENGINE=0): the engine's own internals (the plan cache's keys, hits and "
        "bounds) or a query count only per-parent page cuts reach (nested pages under a "
        "list of parents, one windowed query instead of one per parent). `make "
        "test-engine-off` deselects these and nothing else: every other answer must be "
        "the same with the engine off. A count that joins merely lower says so with "
        "tests.support.query_counts.unjoined() instead of this marker.",
    )


@pytest.fixture(autouse=True)
def _clear_cache():
    # Login throttles and rates count in the `throttles` store; every test starts from zero.
    cache.clear()
    caches["throttles"].clear()
    yield
    cache.clear()
    caches["throttles"].clear()


@pytest.fixture
def gql(db) -> GraphQLClient:
    return GraphQLClient()


@pytest.fixture
def make_user(db):
    def make(username: str = "alice", **fields) -> User:
        fields.setdefault("email", f"{username}@example.com")
        fields.setdefault("display_name", username.title())
        return User.objects.create_user(username=username, password=PASSWORD, **fields)

    return make


@pytest.fixture
def alice(make_user) -> User:
    return make_user("alice")


@pytest.fixture
def bob(make_user) -> User:
    return make_user("bob")


@pytest.fixture
def login(gql):
    """Sign a user in through the API and make the client send the token from then on."""

    def sign_in(user: User, client: GraphQLClient | None = None) -> dict:
        client = client or gql
        tokens = client.execute(
            TOKEN_AUTH, {"username": user.username, "password": PASSWORD}, headers={}
        ).data["tokenAuth"]
        client.token = tokens["token"]
        return tokens

    return sign_in


@pytest.fixture
def client_of(login):
    """A signed-in client per user: `client_of(bob).execute(...)` runs as bob."""
    clients: dict[int, GraphQLClient] = {}

    def client(user: User) -> GraphQLClient:
        if user.pk not in clients:
            clients[user.pk] = GraphQLClient()
            login(user, clients[user.pk])
        return clients[user.pk]

    return client


@pytest.fixture
def counters_stay_right(db):
    """After the test every counter agrees with its rows (`manage.py recount --check`)."""
    yield
    from media_graph.counters import recount

    assert recount(fix=False) == []


# --- media storage: a real S3 server (rclone) or the local filesystem -----------------


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    from tests.support.s3server import RcloneS3Server

    server = RcloneS3Server(tmp_path_factory.mktemp("s3"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def private_s3(tmp_path, settings):
    """An S3 server of this test's own, as the app's storage: safe to freeze."""
    from tests.support.s3server import RcloneS3Server

    with RcloneS3Server(tmp_path / "s3") as server:
        use_s3(settings, server)
        yield server


@pytest.fixture(params=["filesystem", "s3"])
def media(request, settings, tmp_path) -> MediaStore:
    """Each test using it runs twice: on the local filesystem and on a real S3 server."""
    if request.param == "s3":
        server = request.getfixturevalue("s3_server")
        use_s3(settings, server)
        # Each test gets an empty bucket.
        for key in server.list_keys():
            server.client().delete_object(Bucket=server.bucket, Key=key)
        return MediaStore("s3", s3_server=server)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "media_graph.storage.local.SignedFileSystemStorage",
            # It overwrites, as in settings (allow_overwrite defaults to True there).
            "OPTIONS": {"location": settings.MEDIA_ROOT, "base_url": "/media/"},
        },
    }
    return MediaStore("filesystem", root=settings.MEDIA_ROOT)


# --- a real server process: gunicorn with DEBUG off, one per test module ---------------


@pytest.fixture(scope="module")
def live(request, tmp_path_factory) -> Iterator[LiveServer]:
    """The module's own live server, started on first use and stopped after the module.

    A module sets its options with `pytestmark = pytest.mark.live_server(...)`: the
    keyword arguments of LiveServer (extra_env, threads, suite_database).
    """
    marker = request.node.get_closest_marker("live_server")
    assert marker is None or not marker.args, "live_server takes keyword arguments only"
    options = marker.kwargs if marker else {}
    workdir = tmp_path_factory.mktemp(request.module.__name__.rpartition(".")[2])
    server = LiveServer(workdir, **options).start()
    yield server
    server.stop()


class Clock:
    """The login throttle's clock, moved by hand: backoff tests never sleep."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(throttle, "now", clock)
    return clock


@pytest.fixture
def redis_store(settings, tmp_path) -> Iterator[RedisServer]:
    """The counting store (throttles, rates, budgets) on a redis-server of the test's own,
    to stop or fill."""
    server = RedisServer(tmp_path).start()
    count_in(settings, server)
    yield server
    caches["throttles"].close()
    server.stop()
