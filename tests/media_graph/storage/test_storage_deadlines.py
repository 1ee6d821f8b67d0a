"""Every storage call has one deadline; a save is one PUT, a photo's delete one call.

The frozen-server tests through the API live beside their mutations
(test_upload_photo, test_delete_photo, project/test_healthz, test_thumbnails); this
module pins the settings and the number of calls that make those deadlines hold.
"""

import json
import os
import subprocess
import sys
import time

import pytest
from botocore.exceptions import BotoCoreError
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from media_graph import storage
from project.env import env_float
from tests.schema.media.photos import mutate_node, upload
from tests.support.images import make_jpeg
from tests.support.live import BASE_DIR
from tests.support.s3server import RcloneS3Server
from tests.support.storage import use_s3

SHOW_STORAGE_SETTINGS = """
import json
from django.conf import settings
config = settings.AWS_S3_CLIENT_CONFIG
options = settings.STORAGES["default"]["OPTIONS"]
print(json.dumps({
    "connect_timeout": config.connect_timeout,
    "read_timeout": config.read_timeout,
    "retries": config.retries,
    "file_overwrite": options.get("file_overwrite"),
    "same_client_config": options.get("client_config") is config,
    "multipart_threshold": options["transfer_config"].multipart_threshold,
}))
"""


def load_storage_settings(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AWS_"))}
    return subprocess.run(
        [sys.executable, "-c", SHOW_STORAGE_SETTINGS],
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "project.settings",
            "DJANGO_SECRET_KEY": "k" * 40,
            "AWS_STORAGE_BUCKET_NAME": "photos",
            **env,
        },
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def test_s3_calls_have_short_timeouts_one_retry_and_saves_overwrite():
    result = load_storage_settings()
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "connect_timeout": 2.0,
        "read_timeout": 2.5,
        # botocore: total_max_attempts counts the first attempt, so 2 = one retry.
        "retries": {"total_max_attempts": 2, "mode": "standard"},
        "file_overwrite": True,
        "same_client_config": True,
        # One PUT per save (no multipart) up to S3's single-PUT limit.
        "multipart_threshold": 5 * 1024**3,
    }


def test_the_timeouts_come_from_the_environment():
    result = load_storage_settings(AWS_S3_CONNECT_TIMEOUT="0.5", AWS_S3_READ_TIMEOUT="4")
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert (shown["connect_timeout"], shown["read_timeout"]) == (0.5, 4.0)
    for bad in ("soon", "0", "-1", "nan"):
        refused = load_storage_settings(AWS_S3_READ_TIMEOUT=bad)
        assert refused.returncode != 0 and "AWS_S3_READ_TIMEOUT" in refused.stderr


def test_env_float(monkeypatch):
    monkeypatch.delenv("SOME_SECONDS", raising=False)
    assert env_float("SOME_SECONDS", 2.5) == 2.5
    monkeypatch.setenv("SOME_SECONDS", " ")
    assert env_float("SOME_SECONDS", 2.5) == 2.5
    monkeypatch.setenv("SOME_SECONDS", "0.75")
    assert env_float("SOME_SECONDS", 2.5) == 0.75
    for bad in ("soon", "inf", "nan"):
        monkeypatch.setenv("SOME_SECONDS", bad)
        with pytest.raises(ImproperlyConfigured, match="SOME_SECONDS"):
            env_float("SOME_SECONDS", 2.5)


def test_a_save_overwrites_what_is_under_its_name(media):
    name = "thumbnails/originals/x.jpg.320x320_q80_crop.jpg"
    assert storage.save(name, ContentFile(b"first")) == name
    assert storage.save(name, ContentFile(b"second")) == name
    assert media.list_keys() == [name]
    with default_storage.open(name) as stored:
        assert stored.read() == b"second"


@pytest.mark.django_db(transaction=True)
def test_an_upload_is_one_put_per_object_and_a_delete_one_call(
    gql, alice, login, settings, s3_server
):
    use_s3(settings, s3_server)
    calls: list[str] = []

    def record(model, **kwargs):
        calls.append(model.name)

    login(alice)
    before = set(s3_server.list_keys())
    default_storage.connection.meta.client.meta.events.register("before-call.s3", record)
    photo = upload(gql, make_jpeg(700, 500))
    # The original and three thumbnails: no HEAD (exists()) before any of them.
    assert calls == ["PutObject"] * 4
    stored = set(s3_server.list_keys()) - before
    assert len(stored) == 4
    calls.clear()
    assert mutate_node(gql, "deletePhoto", photo["id"])["__typename"] == "DeletedNode"
    assert calls == ["DeleteObjects"]  # all four objects in one call
    assert not stored & set(s3_server.list_keys())


def test_a_frozen_server_hangs_and_is_always_thawed(tmp_path):
    with RcloneS3Server(tmp_path / "s3") as server:
        client = server.client(timeout=0.5)
        client.put_object(Bucket=server.bucket, Key="a.txt", Body=b"a")
        with pytest.raises(RuntimeError, match="inside"), server.frozen():
            assert server.is_frozen
            with pytest.raises(BotoCoreError):
                client.head_object(Bucket=server.bucket, Key="a.txt")
            raise RuntimeError("a test failing inside")
        assert not server.is_frozen
        assert client.head_object(Bucket=server.bucket, Key="a.txt")["ContentLength"] == 1
        server.freeze()
        began = time.monotonic()
        server.stop()  # thaws first: a stopped process would never act on SIGTERM
        assert time.monotonic() - began < 2 and not server.running
