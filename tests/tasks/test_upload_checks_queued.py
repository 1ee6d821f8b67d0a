"""uploadPhoto with a broker: the request checks the file's structure, the worker decodes it.

Through HTTP (the multipart request as `curl -F` sends it), a real Redis broker and a
real worker, with the originals on a real S3 server. A file cut short is still refused
in the request; damaged data inside an intact file is the worker's to find.
"""

import pytest
import redis

from media_graph.models import Photo
from tests.schema.media.photos import upload
from tests.support.client import codes
from tests.support.images import damaged_jpeg, make_jpeg, make_mpo, make_png, make_webp
from tests.support.queue import worker
from tests.tasks.test_tasks import redis_broker, s3, wait_until  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)

FILES = {
    "jpeg": lambda: ("photo.jpg", "image/jpeg", make_jpeg(900, 600, progressive=True)),
    "mpo": lambda: ("pair.jpg", "image/jpeg", make_mpo(900, 600)),
    "png": lambda: ("photo.png", "image/png", make_png(300, 200, alpha=True)),
    "webp": lambda: ("photo.webp", "image/webp", make_webp(300, 200)),
}


def queued(url: str) -> int:
    """Messages waiting in the media queue (no worker runs while it is asked)."""
    return redis.Redis.from_url(url).llen("media")


@pytest.mark.parametrize(
    ("kind", "keep"),
    [
        ("jpeg", 0.5),
        ("jpeg", -1),  # all but the last byte: the header is whole, the EOI is not
        ("mpo", -100),  # the first picture is whole, the second one is not
        ("png", 0.5),
        ("png", -4),  # IEND without its CRC
        ("webp", 0.5),
        ("webp", -1),
    ],
)
def test_a_file_cut_short_is_invalid_image_at_once_and_nothing_is_stored(
    gql,
    alice,
    login,
    s3,  # noqa: F811
    redis_broker,  # noqa: F811
    kind,
    keep,
):
    login(alice)
    name, content_type, content = FILES[kind]()
    cut = content[: int(len(content) * keep)] if keep > 0 else content[:keep]
    payload = upload(gql, cut, filename=name, content_type=content_type)
    assert codes(payload) == [("file", "invalid_image")]
    assert Photo.objects.count() == 0
    assert s3.list_keys() == []
    assert queued(redis_broker) == 0


def test_damaged_data_in_an_intact_file_answers_pending_and_the_worker_makes_it_failed(
    gql,
    alice,
    login,
    s3,  # noqa: F811
    redis_broker,  # noqa: F811
):
    login(alice)
    photo = upload(gql, damaged_jpeg(900, 600))
    assert photo["__typename"] == "Photo", photo
    assert (photo["processingStatus"], photo["medium"]) == ("PENDING", None)
    assert (photo["width"], photo["height"]) == (900, 600)  # from the header
    assert queued(redis_broker) == 1
    with worker():
        failed = wait_until(gql, photo["id"], "FAILED")
    assert failed["small"] is None and failed["medium"] is None
    assert s3.list_keys("thumbnails/") == []
    assert len(s3.list_keys("originals/")) == 1  # deleting it is the owner's call


def test_whole_files_answer_pending_and_the_worker_makes_them_ready(
    gql,
    alice,
    login,
    s3,  # noqa: F811
    redis_broker,  # noqa: F811
):
    login(alice)
    photos = {}
    for kind, make in FILES.items():
        name, content_type, content = make()
        photo = upload(gql, content, filename=name, content_type=content_type)
        assert (photo.get("processingStatus"), photo.get("medium")) == ("PENDING", None), photo
        photos[kind] = photo
    assert photos["jpeg"]["exif"]["camera"] == "TestCam X100"  # read in the request
    assert queued(redis_broker) == len(FILES)
    with worker():
        ready = {kind: wait_until(gql, photo["id"], "READY") for kind, photo in photos.items()}
    assert {kind: photo["large"]["width"] for kind, photo in ready.items()} == {
        "jpeg": 900,
        "mpo": 900,
        "png": 300,
        "webp": 300,
    }
    assert len(s3.list_keys("thumbnails/")) == 3 * len(FILES)
