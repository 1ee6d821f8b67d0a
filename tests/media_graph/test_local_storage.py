"""Local media answer only under a signed, fresh URL, like a private bucket."""

import time

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


def test_a_signed_url_serves_the_file(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "media_graph.local_storage.SignedFileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": "/media/"},
        },
    }
    name = default_storage.save("originals/abc.jpg", ContentFile(b"private bytes"))
    url = default_storage.url(name)
    assert url.startswith("/media/originals/abc.jpg?sig=")
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"private bytes"

    assert client.get("/media/originals/abc.jpg").status_code == 404  # no signature
    forged = url.replace("abc.jpg", "abd.jpg")
    default_storage.save("originals/abd.jpg", ContentFile(b"other"))
    assert client.get(forged).status_code == 404  # a signature is for one path only
    assert client.get(url[:-2] + "xx").status_code == 404  # tampered

    settings.MEDIA_URL_MAX_AGE = 1
    time.sleep(2.1)
    assert client.get(url).status_code == 404  # expired
