"""Local media with signed, expiring URLs: the filesystem twin of a private S3 bucket.

Without signatures, anyone who learned a key could fetch a file for ever; a thumbnail's
name even contains its original's key, and originals keep their EXIF (GPS included).
Here every URL carries a signature of its path and its expiry (storage.signing), and
the app's media view (storage.local_serving) serves nothing without a valid, unexpired
one, like S3's presigned URLs. Direct uploads PUT to the app itself
(storage.local_put), signed the same way S3 signs a PUT.
"""

import logging
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from django.core.files.storage import FileSystemStorage

from media_graph.storage import local_put
from media_graph.storage.base import MediaStorage, Target
from media_graph.storage.signing import signed_query

# Storage failures log under one name, whichever backend met them.
logger = logging.getLogger("media_graph.storage")


class SignedFileSystemStorage(FileSystemStorage, MediaStorage):
    """Signed URLs; a save overwrites whatever is under its name, as the S3 storage does.

    Keys are server-chosen (uuid originals, thumbnail names derived from them), so the
    name a caller asks for is the name it gets: no probing for a free alternative, and
    a file left behind by a failed write is replaced, not worked around.
    """

    def __init__(self, *args, allow_overwrite: bool = True, **kwargs):
        super().__init__(*args, allow_overwrite=allow_overwrite, **kwargs)

    def url(self, name):
        return f"{super().url(name)}?{signed_query(name)}"

    def read_bytes(self, name: str) -> bytes:
        with self.open(name, "rb") as file:
            return file.read()

    def open_stream(self, name: str):
        return open(self.path(name), "rb")

    def open_ranged(self, name: str):
        return self.open(name, "rb")

    def delete_many(self, names: list[str]) -> list[str]:
        left = []
        for name in names:
            try:
                self.delete(name)
            except OSError as exc:
                logger.error("could not delete %s from storage: %s", name, exc)
                left.append(name)
        return left

    def list_objects(self, prefix: str) -> Iterator[tuple[str, datetime]]:
        root = Path(self.location)
        for directory, folders, files in os.walk(root / prefix):
            folders.sort()
            for file in sorted(files):
                path = Path(directory) / file
                modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
                yield path.relative_to(root).as_posix(), modified

    def presign_put(
        self, name: str, *, size: int, content_type: str, sha256: str, expires_in: int
    ) -> Target:
        url = local_put.signed_url(
            name, size=size, content_type=content_type, sha256=sha256, expires_in=expires_in
        )
        return Target(url=url, method="PUT", headers={"Content-Type": content_type})

    def check_writable(self, prefix: str) -> None:
        Path(self.path(prefix)).mkdir(parents=True, exist_ok=True)

    def promote(self, staged: str, name: str) -> None:
        target = Path(self.path(name))
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.path(staged), target)
