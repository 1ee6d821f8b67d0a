"""The app's media storage in tests: pointed at a real S3 server, or read behind its back."""

import urllib.error
import urllib.request

from django.test import Client

from media_graph.storage.url_windows import CACHE_CONTROL


class MediaStore:
    """What is in the media storage, read behind the app's back (S3 API or the folder)."""

    def __init__(self, kind: str, s3_server=None, root=None) -> None:
        self.kind, self.s3_server, self.root = kind, s3_server, root

    def list_keys(self, prefix: str = "") -> list[str]:
        if self.kind == "s3":
            return sorted(self.s3_server.list_keys(prefix))
        return sorted(
            str(path.relative_to(self.root))
            for path in self.root.rglob("*")
            if path.is_file() and str(path.relative_to(self.root)).startswith(prefix)
        )


def use_s3(settings, server) -> None:
    """Point the default storage at `server`, configured as project/settings.py does."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "media_graph.storage.s3.StableUrlS3Storage",
            "OPTIONS": {
                **server.django_storage_options(),
                # As in settings: saves overwrite (no HEAD before a PUT), one PUT per
                # save, and the deadline of every call.
                "file_overwrite": True,
                "client_config": settings.AWS_S3_CLIENT_CONFIG,
                "transfer_config": settings.AWS_S3_TRANSFER_CONFIG,
                "object_parameters": {"CacheControl": CACHE_CONTROL},
            },
        },
    }
    settings.USE_S3 = True


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """GET an absolute (S3) or app (local media) URL: status, lower-case headers, body."""
    url = url.removeprefix("http://testserver")
    if url.startswith("/"):
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()}
        response = Client().get(url, **extra)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return response.status_code, {k.lower(): v for k, v in response.items()}, body
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            found = {k.lower(): v for k, v in response.headers.items()}
            return response.status, found, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, b""
