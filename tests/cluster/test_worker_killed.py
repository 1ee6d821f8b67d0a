"""A media worker killed (kill -9, with its pool) while it makes a thumbnail set: the
task was never acknowledged, so Redis hands it out again after TASK_VISIBILITY_TIMEOUT
and the photo reaches READY, with one set of objects and nothing left over.

How soon: a live worker looks for such messages every 10 s but acts on every 10th look
only (kombu's Redis transport), so the task comes back between the visibility timeout
and about 100 s after it."""

import re
import time

from tests.cluster.repair import drift, keys_of, uuid_of

# A whole line of the worker's log (a read can end inside one).
RECEIVED = re.compile(r"Task media\.make_thumbnails\[([0-9a-f-]+)\] received\n")


def test_photo_reaches_ready_after_its_worker_is_killed_mid_task(api, cluster):
    _, token = api.sign_up()
    control = api.upload(token, width=2400, height=1800).data["uploadPhoto"]
    assert api.wait_processed(control["id"], token) == "READY"

    worker = cluster.proc("worker-media")
    offset = worker.log_size()
    photo = api.upload(token, width=2400, height=1800).data["uploadPhoto"]
    deadline = time.monotonic() + 30
    while not (received := RECEIVED.search(worker.log_since(offset))):
        assert time.monotonic() < deadline, "the media worker never received the task"
        time.sleep(0.02)
    cluster.kill("worker-media")
    # Killed during the task, not after it: the set was neither recorded nor logged done.
    assert api.photo(photo["id"], token)["processingStatus"] == "PENDING"
    assert f"make_thumbnails[{received.group(1)}] succeeded" not in worker.log_since(offset)

    cluster.start("worker-media")
    visibility = int(cluster.config.app_env()["TASK_VISIBILITY_TIMEOUT"])
    assert api.wait_processed(photo["id"], token, timeout=visibility + 120) == "READY"

    made = api.photo(photo["id"], token)["thumbnail"]["url"]
    reference = api.photo(control["id"], token)["thumbnail"]["url"]
    ours, theirs = keys_of(cluster, uuid_of(made)), keys_of(cluster, uuid_of(reference))
    # The same original and thumbnail set a photo made in one go has: one set, no second
    # copy of any part. (Ladder variants are made after READY, best effort: each width
    # at most once, and none that its photo does not record, which the check below sees.)
    sets = [[key for key in keys if not key.startswith("variants/")] for keys in (ours, theirs)]
    assert len(sets[0]) == len(sets[1]), (ours, theirs)
    widths = [key.rsplit("/", 1)[1].split("-")[0] for key in ours if key.startswith("variants/")]
    assert len(widths) == len(set(widths)), ours
    assert not [line for line in drift(cluster) if uuid_of(made) in line]
