"""Signed URLs for the endpoint browsers use, while the app talks to another one."""

import urllib.request

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tests.storage import use_s3


def test_urls_are_signed_for_the_public_endpoint_and_work_there(settings, s3_server):
    use_s3(settings, s3_server)
    public = s3_server.endpoint_url.replace("127.0.0.1", "localhost")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "media_graph.s3.PublicEndpointS3Storage",
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
