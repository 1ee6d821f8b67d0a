"""The embedded SQLite database lets concurrent writers wait their turn instead of failing.

Against a live gunicorn with eight threads (`make run`'s default database), eight
publishPhoto, deletePhoto and refreshToken calls at once: before WAL, immediate write
transactions and a busy timeout, six of eight publishes answered HTTP 500 ("database
is locked").
"""

import subprocess
import sys
import threading

import pytest

from tests.support.live import BASE_DIR, post_json

WRITERS = 8
PASSWORD = "a-long-enough-password-123"

pytestmark = pytest.mark.live_server(threads=WRITERS)

SEED = f"""
from media_graph.models import Photo
from users.models import User
owner = User.objects.create_user("writer", "writer@example.com", {PASSWORD!r})
for n in range({WRITERS}):
    Photo.objects.create(
        owner=owner, original=f"originals/{{n}}.jpg", content_type="image/jpeg",
        size_bytes=1, sha256=f"{{n:064d}}", width=1, height=1,
    )
"""


@pytest.fixture(scope="module")
def writer_photos(live) -> None:
    """SEED run in the live server's database: the writer and WRITERS draft photos."""
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SEED],
        cwd=BASE_DIR,
        env=live.env,
        check=True,
        capture_output=True,
    )


def post_graphql(live, query: str, variables: dict | None = None, token: str | None = None):
    body = {"query": query, "variables": variables or {}}
    return post_json(f"{live.url}/graphql/", body, token=token, timeout=60)


def all_at_once(calls) -> list:
    """Run the calls in threads released together; answers (status, body) or the exception."""
    start = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, action):
        start.wait()
        try:
            results[index] = action()
        except Exception as exc:  # an HTTP 500 arrives as urllib's HTTPError
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def writer_tokens(live) -> dict:
    query = """mutation($u: String!, $p: String!) {
      tokenAuth(username: $u, password: $p) { token refreshToken } }"""
    status, body = post_graphql(live, query, {"u": "writer", "p": PASSWORD})
    assert status == 200, body
    return body["data"]["tokenAuth"]


def photo_ids(live, token: str) -> list[str]:
    query = "{ me { photos(first: 50) { edges { node { id } } } } }"
    _, body = post_graphql(live, query, token=token)
    return [edge["node"]["id"] for edge in body["data"]["me"]["photos"]["edges"]]


def mutation(name: str, success: str) -> str:
    answer = f"... on {success} ... on OperationInfo {{ messages {{ code }} }}"
    return f"mutation($id: ID!) {{ {name}(input: {{id: $id}}) {{ __typename {answer} }} }}"


def answers(results, name: str) -> list:
    assert all(isinstance(r, tuple) and not r[1].get("errors") for r in results), results
    return [(status, body["data"][name]) for status, body in results]


def test_eight_concurrent_writers_all_succeed(live, writer_photos):
    token = writer_tokens(live)["token"]
    ids = photo_ids(live, token)
    assert len(ids) == WRITERS

    publish = mutation("publishPhoto", "Photo { status }")
    published = all_at_once(
        [lambda i=i: post_graphql(live, publish, {"id": i}, token) for i in ids]
    )
    assert (
        answers(published, "publishPhoto")
        == [(200, {"__typename": "Photo", "status": "PUBLISHED"})] * WRITERS
    )

    delete = mutation("deletePhoto", "DeletedNode { id }")
    deleted = all_at_once([lambda i=i: post_graphql(live, delete, {"id": i}, token) for i in ids])
    assert sorted(answers(deleted, "deletePhoto"), key=str) == sorted(
        [(200, {"__typename": "DeletedNode", "id": i}) for i in ids], key=str
    )
    assert photo_ids(live, token) == []

    refresh_tokens = [writer_tokens(live)["refreshToken"] for _ in range(WRITERS)]
    query = "mutation($t: String!) { refreshToken(refreshToken: $t) { token } }"
    refreshed = all_at_once(
        [lambda t=t: post_graphql(live, query, {"t": t}) for t in refresh_tokens]
    )
    assert all(
        status == 200 and body["data"]["refreshToken"]["token"] for status, body in refreshed
    )
