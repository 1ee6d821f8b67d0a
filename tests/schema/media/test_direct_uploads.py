"""createPhotoUpload + a PUT to storage + finalizePhotoUpload, on the filesystem and on S3."""

import hashlib
import io

import pytest
from django.core.management import call_command
from PIL import Image

from media_graph.models import Photo, StagedUpload
from tests.schema.media.direct import create, finalize, send, upload_directly
from tests.support.client import codes
from tests.support.images import make_jpeg, make_png

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_bytes_go_to_storage_and_become_a_photo(gql, alice, login, media):
    login(alice)
    content = make_jpeg(800, 600)
    target = create(gql, content)
    assert target["__typename"] == "UploadTarget"
    assert target["method"] == "PUT" and target["url"].startswith("http")
    assert target["headers"]["Content-Type"] == "image/jpeg"
    assert StagedUpload.objects.get().key.startswith("uploads/")
    assert Photo.objects.count() == 0

    assert send(gql, target, content) == 200
    assert len(media.list_keys("uploads/")) == 1
    photo = finalize(gql, target["uploadId"], caption="Direct #light", publish=True)

    assert photo["__typename"] == "Photo", photo
    assert photo["status"] == "PUBLISHED" and photo["caption"] == "Direct #light"
    assert (photo["width"], photo["height"]) == (800, 600)
    assert photo["sha256"] == hashlib.sha256(content).hexdigest()
    assert photo["sizeBytes"] == len(content)
    assert photo["processingStatus"] == "READY"
    assert [t["name"] for t in photo["tags"]] == ["light"]
    assert (photo["small"]["width"], photo["small"]["height"]) == (320, 320)
    keys = media.list_keys()
    assert [k for k in keys if not k.startswith("thumbnails/")] == [
        Photo.objects.get().original.name
    ]
    assert keys[0].startswith("originals/") and keys[0].endswith(".jpg")
    assert StagedUpload.objects.count() == 0


def test_the_type_comes_from_the_bytes_not_the_declaration(gql, alice, login, media):
    login(alice)
    content = make_png(300, 200)
    photo = upload_directly(gql, content)  # declared image/jpeg
    assert photo["contentType"] == "image/png"
    assert media.list_keys("originals/")[0].endswith(".png")


def test_an_oversized_file_is_refused_before_a_byte_moves(gql, alice, login, media, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    login(alice)
    assert codes(create(gql, sizeBytes=1001)) == [("sizeBytes", "file_too_large")]
    assert StagedUpload.objects.count() == 0


def test_bytes_this_owner_uploaded_are_a_duplicate_naming_the_photo(gql, alice, bob, login, media):
    login(alice)
    content = make_jpeg(320, 240)
    first = upload_directly(gql, content)
    payload = create(gql, content)
    assert codes(payload) == [("sha256", "duplicate")]
    assert first["id"] in payload["messages"][0]["message"]
    login(bob)  # another owner's same bytes are no duplicate
    assert upload_directly(gql, content)["__typename"] == "Photo"


def test_a_duplicate_that_arrives_after_create_is_refused_at_finalize(gql, alice, login, media):
    login(alice)
    content = make_jpeg(320, 240)
    target = create(gql, content)
    assert upload_directly(gql, content)["__typename"] == "Photo"
    assert send(gql, target, content) == 200
    assert codes(finalize(gql, target["uploadId"])) == [("uploadId", "duplicate")]
    assert media.list_keys("uploads/") == [] and Photo.objects.count() == 1


@pytest.mark.parametrize(
    ("override", "field", "code"),
    [
        ({"filename": "x" * 256}, "filename", "invalid"),
        ({"filename": "a\nb.jpg"}, "filename", "invalid"),
        ({"contentType": "text/plain"}, "contentType", "unsupported_format"),
        ({"contentType": "image/gif"}, "contentType", "unsupported_format"),
        ({"contentType": "IMAGE/JPEG; x=" + "y" * 100}, "contentType", "unsupported_format"),
        ({"sizeBytes": 0}, "sizeBytes", "invalid"),
        ({"sizeBytes": -5}, "sizeBytes", "invalid"),
        ({"sha256": "abc"}, "sha256", "invalid"),
        ({"sha256": "g" * 64}, "sha256", "invalid"),
        ({"sha256": "a" * 65}, "sha256", "invalid"),
    ],
    ids=lambda value: repr(value)[:30] if isinstance(value, dict) else None,
)
def test_a_malformed_declaration_is_an_error_on_its_field(gql, alice, login, override, field, code):
    login(alice)
    assert codes(create(gql, **override)) == [(field, code)]
    assert StagedUpload.objects.count() == 0


def test_nul_characters_are_bad_user_input_everywhere(gql, alice, login):
    from tests.schema.media.direct import CREATE, FINALIZE, declare

    login(alice)
    for field in ("filename", "contentType", "sha256"):
        variables = {"input": declare(b"x", **{field: "a\x00b"})}
        assert gql.execute(CREATE, variables).error_codes == ["BAD_USER_INPUT"], field
    variables = {"input": {"uploadId": "a\x00b", "caption": "\x00"}}
    assert gql.execute(FINALIZE, variables).error_codes == ["BAD_USER_INPUT"]
    assert StagedUpload.objects.count() == 0


def test_sizes_past_a_graphql_int_are_bad_user_input(gql, alice, login):
    login(alice)
    response = gql.execute(
        'mutation($n: Int!) { createPhotoUpload(input: {filename: "a", contentType: '
        '"image/jpeg", sizeBytes: $n, sha256: "' + "a" * 64 + '"}) { __typename } }',
        {"n": 2**40},
    )
    assert response.error_codes == ["BAD_USER_INPUT"]


def test_an_upper_case_sha256_is_the_same_digest(gql, alice, login, media):
    login(alice)
    content = make_jpeg(200, 100)
    target = create(gql, content, sha256=hashlib.sha256(content).hexdigest().upper())
    assert send(gql, target, content) == 200
    assert finalize(gql, target["uploadId"])["__typename"] == "Photo"


def test_a_text_file_declared_as_jpeg_is_unsupported_and_leaves_nothing(gql, alice, login, media):
    login(alice)
    content = b"hello, this is not an image\n"
    target = create(gql, content)
    assert send(gql, target, content) == 200
    assert codes(finalize(gql, target["uploadId"])) == [("uploadId", "unsupported_format")]
    assert media.list_keys() == [] and Photo.objects.count() == 0


def test_finalize_runs_the_upload_checks_on_the_stored_bytes(gql, alice, login, media, settings):
    login(alice)
    content = make_jpeg(800, 600)
    target = create(gql, content)
    assert send(gql, target, content) == 200
    settings.MAX_IMAGE_PIXELS = 800 * 600 - 1
    assert codes(finalize(gql, target["uploadId"])) == [("uploadId", "image_too_large")]
    assert media.list_keys() == []


def test_caption_errors_answer_invalid_and_delete_the_staged_bytes(gql, alice, login, media):
    login(alice)
    content = make_jpeg(400, 300)
    target = create(gql, content)
    assert send(gql, target, content) == 200
    payload = finalize(gql, target["uploadId"], caption="x" * 2201)
    assert codes(payload) == [("caption", "invalid")]
    assert media.list_keys() == [] and Photo.objects.count() == 0


def test_finalizing_twice_is_not_found_the_second_time(gql, alice, login, media):
    login(alice)
    content = make_jpeg(400, 300)
    target = create(gql, content)
    assert send(gql, target, content) == 200
    assert finalize(gql, target["uploadId"])["__typename"] == "Photo"
    assert codes(finalize(gql, target["uploadId"])) == [("uploadId", "not_found")]
    assert Photo.objects.count() == 1


def test_another_users_upload_is_not_found(gql, alice, bob, login, media):
    login(alice)
    content = make_jpeg(400, 300)
    target = create(gql, content)
    assert send(gql, target, content) == 200
    login(bob)
    assert codes(finalize(gql, target["uploadId"])) == [("uploadId", "not_found")]
    login(alice)  # bob's try changed nothing: alice may still finalize
    assert finalize(gql, target["uploadId"])["__typename"] == "Photo"


@pytest.mark.parametrize("upload_id", ["nope", "", "0" * 32, "x" * 5000])
def test_an_upload_id_that_is_not_ours_is_not_found(gql, alice, login, upload_id):
    login(alice)
    assert codes(finalize(gql, upload_id)) == [("uploadId", "not_found")]


def test_finalize_without_any_bytes_is_invalid(gql, alice, login, media):
    login(alice)
    target = create(gql)
    assert codes(finalize(gql, target["uploadId"])) == [("uploadId", "invalid")]
    assert StagedUpload.objects.count() == 0


def test_anonymous_callers_are_unauthenticated(gql, alice, login, media):
    assert codes(create(gql)) == [(None, "unauthenticated")]
    login(alice)
    content = make_jpeg(400, 300)
    target = create(gql, content)
    assert send(gql, target, content) == 200
    gql.token = None
    assert codes(finalize(gql, target["uploadId"])) == [(None, "unauthenticated")]
    assert Photo.objects.count() == 0


def test_the_album_must_be_the_owners(gql, alice, login, media):
    login(alice)
    content = make_jpeg(400, 300)
    target = create(gql, content)
    assert send(gql, target, content) == 200
    payload = finalize(gql, target["uploadId"], albumId="QWxidW06MQ==")
    assert codes(payload) == [("albumId", "not_found")]
    # Nothing was claimed: the upload can still be finalized.
    assert finalize(gql, target["uploadId"])["__typename"] == "Photo"


def test_the_stored_photo_is_the_uploaded_bytes(gql, alice, login, media):
    login(alice)
    content = make_jpeg(640, 480, orientation=6)
    photo = upload_directly(gql, content)
    assert (photo["width"], photo["height"]) == (480, 640)
    original = Photo.objects.get().original
    with original.open("rb") as stored:
        assert stored.read() == content
    assert Image.open(io.BytesIO(content)).size == (640, 480)


@pytest.mark.parametrize("media", ["filesystem"], indirect=True)  # the app's own target
def test_a_file_larger_than_any_request_body_limit_streams_through(gql, alice, login, media):
    """3+ MB through the app: past Django's in-memory body limit and /graphql/'s 2.5 MB."""
    login(alice)
    content = make_jpeg(3000, 2400, noise=True, quality=97)
    assert len(content) > 3 * 1024 * 1024
    photo = upload_directly(gql, content)
    assert photo["__typename"] == "Photo" and photo["sizeBytes"] == len(content)


def test_a_put_after_finalize_is_refused_or_purged(gql, alice, login, media):
    """The local target refuses it (403, nothing written); S3's presigned URL cannot be
    revoked, so what lands there is a stray under uploads/ that the purge deletes."""
    login(alice)
    content = make_jpeg(400, 300)
    target = create(gql, content)
    assert send(gql, target, content) == 200
    assert finalize(gql, target["uploadId"])["__typename"] == "Photo"
    status = send(gql, target, content)
    if media.kind == "filesystem":
        assert status == 403
        assert media.list_keys("uploads/") == []
    else:
        assert status == 200
        assert len(media.list_keys("uploads/")) == 1
        call_command("purge_uploads", "--hours", "0", stdout=io.StringIO())
        assert media.list_keys("uploads/") == []
    assert Photo.objects.count() == 1 and StagedUpload.objects.count() == 0
