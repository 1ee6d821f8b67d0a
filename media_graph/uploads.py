"""An upload handler that enforces MAX_UPLOAD_BYTES while the request body streams."""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler


class OversizedUpload(UploadedFile):
    """Stands in for a file that went over the limit; its bytes were thrown away.

    Its `size` is how many bytes arrived, more than MAX_UPLOAD_BYTES: what the upload
    service checks, as for any other file.
    """

    def __init__(self, name: str, content_type: str, size: int) -> None:
        super().__init__(file=None, name=name, content_type=content_type, size=size)

    def close(self) -> None:
        pass


class SizeLimitedUploadHandler(TemporaryFileUploadHandler):
    """Every file streams to a temporary file (never memory), up to the limit.

    Past the limit the partial file is deleted and the rest of that file's bytes are
    dropped as they arrive, so an oversized upload costs no disk and no memory; the
    mutation then answers `file_too_large` instead of the request failing outright.
    """

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.oversized = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.oversized:
            return None
        if self.received > settings.MAX_UPLOAD_BYTES:
            self.oversized = True
            self.file.close()  # a NamedTemporaryFile: closing deletes it
            return None
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size: int):
        if self.oversized:
            return OversizedUpload(self.file_name, self.content_type, self.received)
        return super().file_complete(file_size)
