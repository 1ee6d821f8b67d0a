"""Media URLs stay the same for a window, and stored media say they never change.

Every answer within one window (MEDIA_URL_MAX_AGE, aligned to the epoch) names a file
with the same URL, valid until a window after that window ends; every stored object
carries `Cache-Control: private, max-age=31536000, immutable`, and a conditional GET
with its ETag answers 304. Checked through HTTP on both storages, with a frozen clock.
"""

import calendar
import time
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from media_graph.storage import sigv4, url_windows
from tests.schema.media.photos import upload
from tests.support.storage import fetch

pytestmark = pytest.mark.django_db(transaction=True)

WINDOW = 3600


@pytest.fixture
def clock(monkeypatch, settings):
    """A frozen clock for every signature, at the start of the current window.

    (The S3 server checks expiry against its own clock, so frozen time stays near now.)
    """
    settings.MEDIA_URL_MAX_AGE = WINDOW

    class Clock:
        start = int(time.time()) // WINDOW * WINDOW
        at = start

    monkeypatch.setattr(url_windows, "now", lambda: Clock.at)
    return Clock


def test_a_url_is_the_same_within_a_window_and_new_after_it(media, clock):
    name = default_storage.save("originals/stable-url.txt", ContentFile(b"same bytes"))
    first = default_storage.url(name)
    clock.at = clock.start + WINDOW - 1
    assert default_storage.url(name) == first
    assert fetch(first)[0] == 200
    clock.at = clock.start + WINDOW
    assert default_storage.url(name) != first


def test_stored_media_carry_cache_control_an_etag_and_answer_304(media):
    name = default_storage.save("originals/cached.txt", ContentFile(b"cache me"))
    status, headers, body = fetch(default_storage.url(name))
    assert (status, body) == (200, b"cache me")
    assert headers["cache-control"] == url_windows.CACHE_CONTROL
    etag = headers["etag"]
    status, headers, body = fetch(default_storage.url(name), {"If-None-Match": etag})
    assert (status, body) == (304, b"")
    assert headers["etag"] == etag


def test_thumbnails_and_originals_keep_their_urls_across_queries(media, clock, alice, login, gql):
    login(alice)
    photo = upload(gql)
    query = "query($id: ID!) { photo(id: $id) { original { url } thumbnail { url } } }"
    first = gql.execute(query, {"id": photo["id"]}).data["photo"]
    clock.at = clock.start + WINDOW - 1  # the same window, an hour's worth later
    assert gql.execute(query, {"id": photo["id"]}).data["photo"] == first
    for image in first.values():
        status, headers, _ = fetch(image["url"])
        assert status == 200 and headers["cache-control"] == url_windows.CACHE_CONTROL
    clock.at = clock.start + WINDOW  # the next window: new signatures
    later = gql.execute(query, {"id": photo["id"]}).data["photo"]
    assert later["thumbnail"]["url"] != first["thumbnail"]["url"]
    assert fetch(first["thumbnail"]["url"])[0] == 200  # the old URL still works a while


def test_our_presigned_url_is_the_one_boto3_makes_at_that_second(s3_server):
    theirs = s3_server.client().generate_presigned_url(
        "get_object", Params={"Bucket": s3_server.bucket, "Key": "a b/ü+x.jpg"}, ExpiresIn=7200
    )
    parts = urlsplit(theirs)
    query = dict(parse_qsl(parts.query))
    signed_at = calendar.timegm(time.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ"))
    ours = sigv4.presign_get(
        endpoint_url=s3_server.endpoint_url,
        bucket=s3_server.bucket,
        key="a b/ü+x.jpg",
        region="us-east-1",
        credentials=sigv4.Credentials(s3_server.access_key, s3_server.secret_key),
        signed_at=signed_at,
        expires_in=7200,
    )
    mine = urlsplit(ours)
    assert (mine.netloc, mine.path) == (parts.netloc, parts.path)
    assert dict(parse_qsl(mine.query)) == query


def test_a_url_past_its_expiry_or_tampered_is_refused(media, clock):
    name = default_storage.save("originals/expiring.txt", ContentFile(b"soon gone"))
    clock.at = clock.start - WINDOW  # signed a window ago: valid until the end of this one
    url = default_storage.url(name)
    clock.at = int(time.time())
    assert fetch(url)[0] == 200
    tampered = url.replace("expiring", "expirinG")
    assert fetch(tampered)[0] in (400, 403, 404)
    clock.at = clock.start - 2 * WINDOW  # signed two windows ago: expired now
    url = default_storage.url(name)
    clock.at = int(time.time())
    assert fetch(url)[0] in (400, 403, 404)
