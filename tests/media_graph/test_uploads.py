"""The upload handler: files stream to disk, and an oversized one is dropped as it arrives."""

import io

from django.core.files.uploadedfile import TemporaryUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory

from media_graph.upload_handler import OversizedUpload, SizeLimitedUploadHandler


def parse(body_file: bytes, settings, limit: int):
    settings.MAX_UPLOAD_BYTES = limit
    request = RequestFactory().post(
        "/", {"0": io.BytesIO(body_file), "map": "{}"}, format="multipart"
    )
    handler = SizeLimitedUploadHandler(request)
    parser = MultiPartParser(
        request.META, io.BytesIO(request.body), [handler], request.encoding or "utf-8"
    )
    _, files = parser.parse()
    return files["0"]


def test_a_small_file_streams_to_a_temporary_file(settings):
    uploaded = parse(b"x" * 1000, settings, limit=10_000)
    assert isinstance(uploaded, TemporaryUploadedFile)
    assert uploaded.size == 1000
    assert uploaded.read() == b"x" * 1000


def test_an_oversized_file_is_dropped_and_its_temp_file_removed(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    uploaded = parse(b"y" * 300_000, settings, limit=100_000)
    assert isinstance(uploaded, OversizedUpload)
    assert uploaded.size > settings.MAX_UPLOAD_BYTES
    assert uploaded.size == 300_000
    assert list(tmp_path.iterdir()) == []  # nothing of it is left on disk


def test_a_clip_streams_up_to_the_video_limit(settings, tmp_path):
    from tests.support.videos import clip

    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.MAX_VIDEO_BYTES = 400_000
    content = clip() + b"\0" * 300_000  # a clip's first bytes, larger than an image may be
    uploaded = parse(content, settings, limit=100_000)
    assert isinstance(uploaded, TemporaryUploadedFile) and uploaded.size == len(content)
    settings.MAX_VIDEO_BYTES = 200_000
    uploaded = parse(content, settings, limit=100_000)
    assert isinstance(uploaded, OversizedUpload) and uploaded.video_format == "mp4"
    assert list(tmp_path.iterdir()) == []
