"""The cluster these tests run against (make cluster-test starts it: tests/cluster is not
collected otherwise). Every test leaves each process running: what a fault test killed
is started again after it, whatever the test's outcome."""

import pytest

from cluster.services import Cluster
from tests.cluster.api import Api


@pytest.fixture(scope="session")
def cluster() -> Cluster:
    cluster = Cluster()
    stopped = [name for name, up in cluster.status().items() if not up]
    if stopped:
        pytest.fail(f"cluster not running ({', '.join(stopped)}): run `make cluster-test`")
    return cluster


@pytest.fixture(scope="session")
def api(cluster) -> Api:
    return Api(cluster.config.web_urls)


@pytest.fixture(autouse=True)
def healthy_after(cluster):
    yield
    for name, up in cluster.status().items():
        if not up:
            cluster.start(name)
