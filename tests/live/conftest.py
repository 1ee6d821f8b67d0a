from collections.abc import Iterator

import pytest

from tests.support.realtime import RealtimeServer

# Short enough that a signed-out token ends its subscriptions within a test.
ENV = {
    "LIVE_RECHECK_SECONDS": "1",
    "RATE_COMMENTS_PER_HOUR": "1000",
    "CORS_ALLOWED_ORIGINS": "https://app.example",  # a browser app's own origin
}


@pytest.fixture(scope="package")
def realtime(tmp_path_factory) -> Iterator[RealtimeServer]:
    """One uvicorn (project.asgi) for the package's socket tests, in-memory channel layer:
    writes reach it as mutations sent to the same process. Modules sign up users of their
    own names."""
    server = RealtimeServer(tmp_path_factory.mktemp("realtime"), extra_env=ENV).start()
    yield server
    server.stop()
