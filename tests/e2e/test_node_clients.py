"""The API driven by the real client libraries in Node (tests/clients/apollo.test.mjs).

Apollo Client 4 with relayStylePagination, apollo-upload-client's UploadHttpLink and
PersistedQueryLink, against a live server: sign-up and login, uploads, publishing,
infinite scroll of the feed and of a filtered `photos` list with a photo published
between pages, a like updating the normalised cache, an access token, and automatic
persisted queries over GET. Needs Node 20+ and the packages of
tests/clients/package-lock.json (`npm ci --prefix tests/clients`, which .ci/run does);
skipped without them.
"""

import os
import re
import shutil
import subprocess

import pytest

from tests.support.images import make_jpeg
from tests.support.live import BASE_DIR

CLIENTS = BASE_DIR / "tests" / "clients"


@pytest.fixture(scope="module")
def node() -> str:
    node = shutil.which("node")
    why = None
    if node is None:
        why = "no Node.js (apt-get install nodejs npm)"
    elif not (CLIENTS / "node_modules" / "@apollo" / "client").is_dir():
        why = "no client packages: run `npm ci --prefix tests/clients` (make test does)"
    if why and os.environ.get("CI"):
        pytest.fail(f"CI must run the Node client suite: {why}")
    if why:
        pytest.skip(why)
    return node


def test_apollo_client_upload_link_and_persisted_queries(node, live, tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    for n in range(5):  # distinct bytes: the same file twice would be a duplicate
        (photos / f"{n}.jpg").write_bytes(make_jpeg(640 + 16 * n, 480))
    result = subprocess.run(
        [node, "--test", "--test-reporter=spec", "apollo.test.mjs"],
        cwd=CLIENTS,
        env={**os.environ, "GRAPHQL_URL": f"{live.url}/graphql/", "PHOTOS": str(photos)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report + live.log.read_text()[-3000:]
    # The spec reporter ends with counts: every test ran, none failed or was skipped.
    assert re.search(r"\bpass 6\b", report) and re.search(r"\bfail 0\b", report), report
