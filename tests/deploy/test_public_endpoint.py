"""Signed URLs for the endpoint browsers use, while the app talks to another one."""

import urllib.request

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tests.support.storage import use_s3


def test_urls_are_signed_for_the_public_endpoint_and_work_there(settings, s3_server):
    use_s3(settings, s3_server)
    public = s3_server.endpoint_url.replace("127.0.0.1", "localhost")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "media_graph.storage.s3.PublicEndpointS3Storage",
            "OPTIONS": {**settings.STORAGES["default"]["OPTIONS"], "public_endpoint_url": public},
        },
    }
    name = default_storage.save("originals/public-endpoint-test.txt", ContentFile(b"seen"))
    try:
        url = default_storage.url(name)
        assert url.startswith(f"{public}/{s3_server.bucket}/originals/")
        assert "X-Amz-Signature=" in url
        with urllib.request.urlopen(url, timeout=5) as response:
            assert response.read() == b"seen"
        tampered = url.replace("public-endpoint-test", "public-endpoint-tesT")
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(tampered, timeout=5)
    finally:
        default_storage.delete(name)


@pytest.mark.django_db(transaction=True)
def test_direct_upload_targets_are_signed_for_the_public_endpoint(settings, s3_server, alice):
    import hashlib

    import requests

    from media_graph.services.direct_uploads import photo_upload_create, photo_upload_finalize
    from tests.support.images import make_jpeg

    use_s3(settings, s3_server)
    for key in s3_server.list_keys():
        s3_server.client().delete_object(Bucket=s3_server.bucket, Key=key)
    public = s3_server.endpoint_url.replace("127.0.0.1", "localhost")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "media_graph.storage.s3.PublicEndpointS3Storage",
            "OPTIONS": {**settings.STORAGES["default"]["OPTIONS"], "public_endpoint_url": public},
        },
    }
    content = make_jpeg(300, 200)
    staged = photo_upload_create(
        owner=alice,
        filename="a.jpg",
        content_type="image/jpeg",
        size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    assert staged.target.url.startswith(f"{public}/{s3_server.bucket}/uploads/")
    sent = requests.put(staged.target.url, data=content, headers=staged.target.headers, timeout=5)
    assert sent.status_code == 200, sent.text
    try:
        photo = photo_upload_finalize(owner=alice, upload_id=staged.upload.pk)
        assert s3_server.list_keys("uploads/") == []
        assert photo.original.name in s3_server.list_keys("originals/")
    finally:  # the bucket is shared by the session's tests
        for key in s3_server.list_keys():
            s3_server.client().delete_object(Bucket=s3_server.bucket, Key=key)
