"""Local media answer only under a signed, fresh URL, like a private bucket."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from media_graph.storage import url_windows


def test_a_signed_url_serves_the_file(client, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "media_graph.storage.local.SignedFileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": "/media/"},
        },
    }
    name = default_storage.save("originals/abc.jpg", ContentFile(b"private bytes"))
    url = default_storage.url(name)
    assert url.startswith("/media/originals/abc.jpg?exp=")
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"private bytes"

    assert client.get("/media/originals/abc.jpg").status_code == 404  # no signature
    forged = url.replace("abc.jpg", "abd.jpg")
    default_storage.save("originals/abd.jpg", ContentFile(b"other"))
    assert client.get(forged).status_code == 404  # a signature is for one path only
    assert client.get(url[:-2] + "xx").status_code == 404  # tampered

    # Valid until one window after the end of the window it was signed in.
    ends = url_windows.expires_at()
    monkeypatch.setattr(url_windows, "now", lambda: ends - 1)
    assert client.get(url).status_code == 200
    monkeypatch.setattr(url_windows, "now", lambda: ends)
    assert client.get(url).status_code == 404  # expired
