"""The app's media storage in tests: pointed at a real S3 server, or read behind its back."""

from media_graph.url_windows import CACHE_CONTROL


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
            "BACKEND": "media_graph.s3.StableUrlS3Storage",
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
