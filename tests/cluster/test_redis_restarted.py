"""Redis (the broker, throttles, rates, live events) killed and started again during a
burst of uploads on both web processes: every upload answers (a photo, or a code), and
after the repair sweep every photo is READY or FAILED, none left PENDING. Tasks sent in
the last second before the kill may be lost with Redis's append-only file; the sweep is
what catches those up. While Redis is down the cost budgets cannot count, and refuse
(fail closed: 429 RATE_LIMITED); once it is back, uploads go through again."""

import time

from tests.cluster.api import Answer
from tests.cluster.faults import burst, is_coded
from tests.cluster.repair import drift


def test_uploads_across_a_redis_restart(api, cluster):
    _, token = api.sign_up()

    def restart_redis():
        cluster.kill("redis")
        time.sleep(1)
        cluster.start("redis")

    answers = burst(
        [lambda: api.upload(token, width=480, height=360) for _ in range(16)],
        threads=3,
        fault=restart_redis,
        after=4,
    )
    photos = []
    for answer in answers:
        assert isinstance(answer, Answer), answer
        assert is_coded(answer), (answer.status, answer.body)
        photos += _photo_of(answer)
    assert len(photos) >= 4, answers  # those before the kill; the rest said why

    # Redis back: the budget counts again (a connection the kill broke is made anew).
    deadline = time.monotonic() + 20
    while not (after := _photo_of(api.upload(token, width=480, height=360))):
        assert time.monotonic() < deadline, "no upload went through after Redis came back"
        time.sleep(0.5)
    photos += after

    drift(cluster, fix=True)  # the repair sweep re-queues what was never queued
    statuses = {photo: api.wait_processed(photo, token, timeout=120) for photo in photos}
    assert set(statuses.values()) <= {"READY", "FAILED"}, statuses
    assert not [line for line in drift(cluster) if "PENDING" in line]


def _photo_of(answer: Answer) -> list[str]:
    """The uploaded photo's id, or nothing when the answer refused (with its code)."""
    if answer.status == 200 and not answer.body.get("errors"):
        payload = answer.body["data"]["uploadPhoto"]
        if payload["__typename"] == "Photo":
            return [payload["id"]]
    return []
