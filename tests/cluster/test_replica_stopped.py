"""The replica stopped (kill -9): reads go on, from the primary, within a few seconds;
started again, it streams from the primary and catches up."""

import time

import psycopg

from tests.cluster.api import FEED

FALLBACK_SECONDS = 5


def test_reads_fall_back_to_the_primary(api, cluster):
    _, token = api.sign_up()
    photo = api.upload(token, width=320, height=240).data["uploadPhoto"]

    cluster.kill("replica")
    stopped = time.monotonic()
    first_ok = None
    while time.monotonic() - stopped < FALLBACK_SECONDS + 10:
        photo_answer = api.post("query ($id: ID!) { photo(id: $id) { id } }", {"id": photo["id"]})
        feed_answer = api.post(FEED, token=token)
        if all(a.status == 200 and not a.body.get("errors") for a in (photo_answer, feed_answer)):
            first_ok = first_ok or time.monotonic()
            if time.monotonic() - first_ok > 2:  # and they stay answered
                break
        else:
            first_ok = None
        time.sleep(0.2)
    assert first_ok is not None and first_ok - stopped < FALLBACK_SECONDS

    cluster.start("replica")
    _, later = api.sign_up()  # a write after the restart reaches the replica
    url = f"postgres://postgres@127.0.0.1:{cluster.config.replica_port}/photos"
    deadline = time.monotonic() + 30
    while True:
        with psycopg.connect(url, connect_timeout=3) as connection:
            caught_up = connection.execute(
                "SELECT pg_is_in_recovery(), count(*) FROM users_user WHERE username = %s",
                (api.post("{ me { username } }", token=later).data["me"]["username"],),
            ).fetchone()
        if caught_up == (True, 1) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert caught_up == (True, 1)
