"""Celery queues by workload: every task routed, producers sending to the routed queue,
and a worker's pool process killed mid-task leaving its task to run again."""

import os
import signal
import subprocess

import pytest
import redis
from django.conf import settings
from django.db import transaction

import tasks
from project.celery import app, enqueue_after_commit
from tests.support import slow_task
from tests.support.live import BASE_DIR, BIN
from tests.support.queue import broker, flush, redis_url_or_skip, wait_for

QUEUES = {"media", "email", "maintenance"}


def routed_queue(name: str) -> str:
    return app.amqp.router.route({}, name)["queue"].name


def project_tasks() -> list[str]:
    assert tasks.__all__  # the package is imported: its tasks are registered
    return sorted(name for name in app.tasks if not name.startswith("celery."))


def test_the_queues_are_the_three_workloads_and_unrouted_work_goes_to_maintenance():
    assert {queue.name for queue in settings.CELERY_TASK_QUEUES} == QUEUES
    assert app.conf.task_default_queue == "maintenance"
    assert routed_queue("no.such.task") == "maintenance"


def test_every_registered_task_is_routed_by_name_to_a_workload_queue():
    names = [name for name in project_tasks() if name != slow_task.NAME]
    assert "media.make_thumbnails" in names and len(names) >= 8
    unrouted = [name for name in names if name not in settings.CELERY_TASK_ROUTES]
    assert not unrouted, f"tasks without a route in CELERY_TASK_ROUTES: {unrouted}"
    assert {name: routed_queue(name) for name in names} == {
        "media.make_thumbnails": "media",
        "media.delete_objects": "maintenance",
        "notifications.send_email": "email",
        "accounts.send_password_reset": "email",
        "media.publish_due_photos": "maintenance",
        "media.purge_uploads": "maintenance",
        "live.republish_events": "maintenance",
        "live.expire_events": "maintenance",
    }


def test_every_beat_entry_names_a_routed_task():
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in settings.CELERY_TASK_ROUTES


@pytest.fixture
def redis_broker(settings):
    url = redis_url_or_skip()
    flush(url)
    with broker(settings, url):
        yield url
    flush(url)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("media.make_thumbnails", "media"),
        ("accounts.send_password_reset", "email"),
        ("media.delete_objects", "maintenance"),
    ],
)
def test_a_producer_sends_to_the_routed_queue(redis_broker, task, queue):
    with transaction.atomic():
        enqueue_after_commit(task, [1], inline=lambda: pytest.fail("ran inline"))
    lengths = {name: redis.Redis.from_url(redis_broker).llen(name) for name in QUEUES}
    assert lengths == {name: int(name == queue) for name in QUEUES}


def _start_worker(url: str, log) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "DJANGO_SECRET_KEY": "test-only-secret-key-0123456789abcdefghijklmnop",
        "CELERY_BROKER_URL": url,
        "DATABASE_URL": "sqlite:////tmp/unused-by-the-slow-task.sqlite3",
    }
    command = [str(BIN / "celery"), "-A", "project", "worker", "-Q", "maintenance"]
    command += ["--pool", "prefork", "--concurrency", "1", "--include", "tests.support.slow_task"]
    command += ["--loglevel", "INFO", "--without-gossip", "--without-mingle"]
    return subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)


def test_a_pool_process_killed_mid_task_leaves_the_task_to_run_again(redis_broker, tmp_path):
    store = redis.Redis.from_url(redis_broker)
    key = "killed"
    app.send_task(slow_task.NAME, args=[key, 60])  # unrouted: the default queue
    assert store.llen("maintenance") == 1
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = _start_worker(redis_broker, log)
        try:
            first = wait_for(lambda: store.get(f"{key}:pid:1"), timeout=30, what="the first run")
            os.kill(int(first), signal.SIGKILL)  # the pool process, not the worker
            wait_for(lambda: store.get(f"{key}:done"), timeout=15, what="the run after the kill")
            assert int(store.get(f"{key}:done")) == 2  # the second run finished it
            assert int(store.get(f"{key}:pid:2")) != int(first)
        finally:
            worker.terminate()
            worker.wait(timeout=20)
    assert b"WorkerLostError" in log_path.read_bytes()
    # Nothing left waiting or held unacknowledged.
    assert store.llen("maintenance") == 0
    assert not store.hlen("unacked")
