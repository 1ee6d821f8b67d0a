"""Direct uploads that go wrong: wrong bytes, late bytes, storage down, leftovers, races."""

import hashlib
import os
import threading
import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from media_graph.models import Photo, StagedUpload
from media_graph.services.direct_uploads import photo_upload_finalize
from project.celery import app
from tests.schema.media.direct import create, finalize, send
from tests.support.client import codes
from tests.support.images import make_jpeg
from tests.support.storage import use_s3

pytestmark = pytest.mark.django_db(transaction=True)


def stage_behind_the_back(target: dict, body: bytes) -> None:
    """Put bytes under the staged key as a storage that checks nothing would keep them."""
    key = StagedUpload.objects.get(pk=target["uploadId"]).key
    default_storage.save(key, ContentFile(body))


@pytest.mark.parametrize("change", ["longer", "shorter"])
def test_more_or_fewer_bytes_than_declared_are_refused(gql, alice, login, media, change):
    login(alice)
    content = make_jpeg(400, 300)
    target = create(gql, content)
    body = content + b"\xff" if change == "longer" else content[:-1]
    assert send(gql, target, body) in (400, 403)  # the signature covers Content-Length
    assert media.list_keys() == []
    # Stored anyway (a storage that checks nothing): finalize counts them itself.
    stage_behind_the_back(target, body)
    assert codes(finalize(gql, target["uploadId"])) == [("uploadId", "invalid")]
    assert media.list_keys() == [] and Photo.objects.count() == 0


def test_another_content_type_than_declared_is_refused(gql, alice, login, media):
    login(alice)
    content = make_jpeg(400, 300)
    target = create(gql, content)
    headers = {**target["headers"], "Content-Type": "image/png"}
    assert send(gql, target, content, headers=headers) == 403
    assert media.list_keys() == []


def test_bytes_that_differ_from_the_declared_sha256_are_invalid(gql, alice, login, media):
    login(alice)
    declared, sent = make_jpeg(400, 300), make_jpeg(400, 300, noise=True)
    sent = sent[: len(declared)] if len(sent) >= len(declared) else sent
    sent += b"\0" * (len(declared) - len(sent))  # the declared length, other bytes
    target = create(gql, declared)
    status = send(gql, target, sent)
    # The local target checks the sha256 (400). rclone stores the checksum header without
    # checking it (AWS and MinIO refuse the PUT): finalize is what catches it there.
    assert status == (400 if media.kind == "filesystem" else 200)
    if media.kind == "filesystem":  # as a storage that checks nothing would keep them
        stage_behind_the_back(target, sent)
    assert codes(finalize(gql, target["uploadId"])) == [("sha256", "invalid")]
    assert media.list_keys() == [] and Photo.objects.count() == 0


def test_an_expired_target_takes_no_bytes(gql, alice, login, media, settings):
    settings.DIRECT_UPLOAD_EXPIRES_SECONDS = 1
    login(alice)
    content = make_jpeg(400, 300)
    target = create(gql, content)
    time.sleep(2.1)
    assert send(gql, target, content) in (400, 403)  # rclone: 400 for an expired URL
    assert media.list_keys() == []
    assert codes(finalize(gql, target["uploadId"])) == [("uploadId", "invalid")]


def test_an_upload_finalized_long_after_it_expired_is_not_found(gql, alice, login, media):
    login(alice)
    content = make_jpeg(400, 300)
    target = create(gql, content)
    assert send(gql, target, content) == 200
    StagedUpload.objects.update(expires_at=timezone.now() - timedelta(hours=2))
    assert codes(finalize(gql, target["uploadId"])) == [("uploadId", "not_found")]
    assert media.list_keys() == [] and StagedUpload.objects.count() == 0


@pytest.mark.parametrize("media", ["filesystem"], indirect=True)  # no bytes move here
def test_an_owner_holds_a_bounded_number_of_open_targets(gql, alice, login, media, monkeypatch):
    from media_graph.services import direct_uploads

    monkeypatch.setattr(direct_uploads, "MAX_OPEN_UPLOADS", 2)
    login(alice)
    assert create(gql, make_jpeg(100, 100))["__typename"] == "UploadTarget"
    assert create(gql, make_jpeg(101, 100))["__typename"] == "UploadTarget"
    assert codes(create(gql, make_jpeg(102, 100))) == [(None, "rate_limited")]
    assert StagedUpload.objects.count() == 2
    StagedUpload.objects.update(expires_at=timezone.now())  # expired targets no longer count
    assert create(gql, make_jpeg(102, 100))["__typename"] == "UploadTarget"


@pytest.mark.parametrize("media", ["filesystem"], indirect=True)  # the app's own target
def test_the_local_target_needs_its_signature(gql, alice, login, media):
    login(alice)
    content = make_jpeg(400, 300)
    url = create(gql, content)["url"].removeprefix("http://testserver")
    assert gql.http.put(url[:-2], data=content, content_type="image/jpeg").status_code == 403
    # Another staged key under the same signature.
    other = "/uploads/" + "0" * 32 + "?" + url.partition("?")[2]
    assert gql.http.put(other, data=content, content_type="image/jpeg").status_code == 403
    assert gql.http.get(url).status_code == 405
    assert media.list_keys() == []


def test_an_access_token_needs_the_publish_scope(gql, alice, login, media):
    from tests.schema.users.test_access_tokens import CREATE as CREATE_TOKEN

    login(alice)
    tokens = {
        scope: gql.mutate(
            "createAccessToken", CREATE_TOKEN, {"input": {"name": scope, "scopes": [scope]}}
        )["token"]
        for scope in ("PUBLISH", "SOCIAL")
    }
    content = make_jpeg(400, 300)
    social = {"Authorization": f"Bearer {tokens['SOCIAL']}"}
    assert codes(create(gql, content, headers=social)) == [(None, "permission_denied")]
    publish = {"Authorization": f"Bearer {tokens['PUBLISH']}"}
    target = create(gql, content, headers=publish)
    assert send(gql, target, content) == 200
    assert codes(finalize(gql, target["uploadId"], headers=social)) == [(None, "permission_denied")]
    assert finalize(gql, target["uploadId"], headers=publish)["__typename"] == "Photo"


def test_storage_down_at_either_step_is_storage_unavailable(gql, alice, login, settings, s3_server):
    use_s3(settings, s3_server)
    login(alice)
    content = make_jpeg(400, 300)
    s3_server.stop()
    try:
        started = time.monotonic()
        assert codes(create(gql, content)) == [(None, "storage_unavailable")]
        assert time.monotonic() - started < 10
    finally:
        s3_server.start()
    assert StagedUpload.objects.count() == 0

    target = create(gql, content)
    assert send(gql, target, content) == 200
    s3_server.stop()
    try:
        started = time.monotonic()
        assert codes(finalize(gql, target["uploadId"])) == [(None, "storage_unavailable")]
        assert time.monotonic() - started < 15
    finally:
        s3_server.start()
    assert Photo.objects.count() == 0 and StagedUpload.objects.count() == 0
    # The staged object could not be deleted then; the purge command removes it.
    key = s3_server.list_keys("uploads/")
    assert len(key) == 1
    call_command("purge_uploads", "--hours", "0")
    assert s3_server.list_keys("uploads/") == []


def test_a_hung_storage_answers_within_the_deadline(gql, alice, login, private_s3):
    login(alice)
    content = make_jpeg(400, 300)
    with private_s3.frozen():
        started = time.monotonic()
        assert codes(create(gql, content)) == [(None, "storage_unavailable")]
        assert time.monotonic() - started < 10
    target = create(gql, content)
    assert send(gql, target, content) == 200
    with private_s3.frozen():
        started = time.monotonic()
        payload = finalize(gql, target["uploadId"])
        elapsed = time.monotonic() - started
    assert codes(payload) == [(None, "storage_unavailable")]
    assert elapsed < 10, f"took {elapsed:.1f}s"
    assert Photo.objects.count() == 0 and StagedUpload.objects.count() == 0
    assert len(private_s3.list_keys("uploads/")) == 1  # left to the purge command


def test_purge_uploads_deletes_what_nobody_finalized(gql, alice, login, media, capsys):
    login(alice)
    content = make_jpeg(400, 300)
    target = create(gql, content)
    assert send(gql, target, content) == 200
    call_command("purge_uploads")  # younger than 24 h: kept
    assert len(media.list_keys("uploads/")) == 1 and StagedUpload.objects.count() == 1
    call_command("purge_uploads", "--hours", "0", "--dry-run")
    assert len(media.list_keys("uploads/")) == 1
    time.sleep(0.05)
    call_command("purge_uploads", "--hours", "0")
    assert media.list_keys("uploads/") == [] and StagedUpload.objects.count() == 0
    assert "1 staged upload(s) older than 0 h: deleted" in capsys.readouterr().out
    assert codes(finalize(gql, target["uploadId"])) == [("uploadId", "not_found")]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="racing writers need PostgreSQL (DATABASE_URL)"
)
def test_two_finalizes_racing_make_one_photo(gql, alice, login, media):
    login(alice)
    content = make_jpeg(400, 300)
    target = create(gql, content)
    assert send(gql, target, content) == 200
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def finalize_now() -> None:
        try:
            connection.ensure_connection()
            barrier.wait(timeout=30)
            photo_upload_finalize(owner=alice, upload_id=target["uploadId"])
            outcomes.append("photo")
        except StagedUpload.DoesNotExist:
            outcomes.append("not_found")
        except BaseException as exc:  # anything else fails the test
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=finalize_now) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["not_found"] * 3 + ["photo"]
    assert Photo.objects.count() == 1
    assert Photo.objects.get().sha256 == hashlib.sha256(content).hexdigest()
    assert media.list_keys("uploads/") == []
    assert len(media.list_keys("originals/")) == 1


def test_bytes_that_do_not_decode_make_a_failed_photo_not_an_answer(gql, alice, login, media):
    """Finalize checks the header and the structure, not the pixels (the full decode is
    the worker's): a JPEG whose structure is whole but whose data does not decode
    becomes a FAILED photo, where uploadPhoto without a worker, which decodes in the
    request, answers invalid_image."""
    from tests.schema.media.photos import upload
    from tests.support.images import damaged_jpeg

    login(alice)
    body = damaged_jpeg()
    target = create(gql, body)
    assert send(gql, target, body) == 200
    photo = finalize(gql, target["uploadId"])
    assert photo["__typename"] == "Photo", photo
    query = "query($id: ID!) { photo(id: $id) { processingStatus thumbnail { url } } }"
    seen = gql.execute(query, {"id": photo["id"]}).data["photo"]
    assert seen == {"processingStatus": "FAILED", "thumbnail": None}
    assert codes(upload(gql, body)) == [("file", "invalid_image")]


def test_a_file_cut_short_is_invalid_image_at_finalize(gql, alice, login, media):
    """A cut file is found from its structure (no end of image here), as by uploadPhoto."""
    from tests.support.images import truncated_jpeg

    login(alice)
    body = truncated_jpeg()
    target = create(gql, body)
    assert send(gql, target, body) == 200
    assert codes(finalize(gql, target["uploadId"])) == [("uploadId", "invalid_image")]
    assert Photo.objects.count() == 0
    assert media.list_keys() == []  # the staged object is gone too


def test_beat_purges_staged_uploads_hourly(gql, alice, login, media, settings):
    entry = settings.CELERY_BEAT_SCHEDULE["purge-uploads"]
    assert entry["schedule"] == 3600.0
    task = app.tasks[entry["task"]]
    login(alice)
    content = make_jpeg(400, 300)
    target = create(gql, content)
    assert send(gql, target, content) == 200
    assert task.apply().get() == 0  # a day young: kept
    assert len(media.list_keys("uploads/")) == 1
    day_ago = timezone.now() - timedelta(hours=25)
    StagedUpload.objects.update(created_at=day_ago)
    if media.kind == "filesystem":
        [key] = media.list_keys("uploads/")
        os.utime(default_storage.path(key), (day_ago.timestamp(), day_ago.timestamp()))
        assert task.apply().get() == 1
        assert media.list_keys("uploads/") == [] and StagedUpload.objects.count() == 0
