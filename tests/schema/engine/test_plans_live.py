"""Cached plans under gunicorn's threads: many viewers at once, each sees their own rows.

The plans are shared by the worker's threads; a plan carries no viewer and each use gets
querysets of its own (schema/engine/plans.py), so concurrent alice, bob and anonymous
requests of one document must each answer as if they ran alone.
"""

import subprocess
import sys
import threading

import pytest

from tests.schema.viewers import EVERYTHING, EXPECTED, seen
from tests.support.accounts import PASSWORD
from tests.support.live import BASE_DIR, post_json

THREADS = 4
pytestmark = pytest.mark.live_server(threads=THREADS)

LOGIN = """mutation($u: String!, $p: String!) { tokenAuth(username: $u, password: $p) { token } }"""


@pytest.fixture(scope="module")
def tokens(live) -> dict:
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from tests.schema.viewers import build_world; build_world()",
        ],
        cwd=BASE_DIR,
        env=live.env,
        check=True,
        capture_output=True,
    )
    found = {"anonymous": None}
    for name in ("alice", "bob"):
        body = {"query": LOGIN, "variables": {"u": name, "p": PASSWORD}}
        _, body = post_json(f"{live.url}/graphql/", body)
        found[name] = body["data"]["tokenAuth"]["token"]
    return found


def all_at_once(live, tokens: dict, viewers: list[str]) -> list:
    """EVERYTHING asked by each viewer, in threads released together: the answers."""
    start = threading.Barrier(len(viewers))
    answers: list = [None] * len(viewers)

    def ask(index: int, name: str) -> None:
        start.wait()
        body = {"query": EVERYTHING, "variables": {"first": 10}}
        answers[index] = post_json(f"{live.url}/graphql/", body, token=tokens[name])[1]

    threads = [threading.Thread(target=ask, args=item) for item in enumerate(viewers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_concurrent_viewers_of_one_document_each_see_their_own_rows(live, tokens):
    viewers = ["alice", "bob", "anonymous"] * 4
    for _wave in range(3):  # the first makes the plans, the others share them
        answers = all_at_once(live, tokens, viewers)
        for name, answer in zip(viewers, answers, strict=True):
            assert answer is not None and "errors" not in answer, answer
            assert seen(answer["data"]) == EXPECTED[name], name
