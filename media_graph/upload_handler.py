"""An upload handler that enforces the upload size limits while the request body streams.

Images may be up to MAX_UPLOAD_BYTES, video clips (told apart by their first bytes, as
imaging.video.sniff reads them) up to MAX_VIDEO_BYTES. Every file streams to a temporary
file on disk, so a large clip never sits in memory; the request as a whole may carry at
most one clip's worth (MAX_VIDEO_BYTES), so aliased uploads cannot multiply the disk a
request takes.
"""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler

from media_graph.imaging import video


class OversizedUpload(UploadedFile):
    """Stands in for a file that went over its limit; its bytes were thrown away.

    Its `size` is how many bytes arrived, more than the limit: what the upload service
    checks, as for any other file. `video_format` is what its first bytes announced.
    """

    def __init__(self, name: str, content_type: str, size: int, video_format: str | None) -> None:
        super().__init__(file=None, name=name, content_type=content_type, size=size)
        self.video_format = video_format

    def close(self) -> None:
        pass


def limit_for(video_format: str | None) -> int:
    return settings.MAX_VIDEO_BYTES if video_format else settings.MAX_UPLOAD_BYTES


class SizeLimitedUploadHandler(TemporaryFileUploadHandler):
    """Every file streams to a temporary file (never memory), up to its limit.

    Past the limit the partial file is deleted and the rest of that file's bytes are
    dropped as they arrive, so an oversized upload costs no disk and no memory; the
    mutation then answers `file_too_large` instead of the request failing outright.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kept = 0  # bytes of this request's files kept on disk so far

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.oversized = False
        self.head = b""
        self.video_format = None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if len(self.head) < video.HEAD_BYTES:
            # Chunks are 64 KiB but for the last: the head is nearly always the first.
            self.head += raw_data[: video.HEAD_BYTES - len(self.head)]
            self.video_format = video.sniff(self.head)
        self.received += len(raw_data)
        if self.oversized:
            return None
        self.kept += len(raw_data)
        too_many = self.kept > max(settings.MAX_VIDEO_BYTES, settings.MAX_UPLOAD_BYTES)
        if self.received > limit_for(self.video_format) or too_many:
            self.oversized = True
            self.kept -= self.received  # this file's bytes leave the disk
            self.file.close()  # a NamedTemporaryFile: closing deletes it
            return None
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size: int):
        if self.oversized:
            return OversizedUpload(
                self.file_name, self.content_type, self.received, self.video_format
            )
        return super().file_complete(file_size)
