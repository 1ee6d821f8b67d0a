from collections.abc import Iterator

import pytest

from tests.support.realtime import RealtimeServer


@pytest.fixture(scope="module")
def realtime(request, tmp_path_factory) -> Iterator[RealtimeServer]:
    """The module's own uvicorn (project.asgi), with `pytest.mark.live_server(...)` options."""
    marker = request.node.get_closest_marker("live_server")
    options = marker.kwargs if marker else {}
    workdir = tmp_path_factory.mktemp(request.module.__name__.rpartition(".")[2])
    server = RealtimeServer(workdir, **options).start()
    yield server
    server.stop()
