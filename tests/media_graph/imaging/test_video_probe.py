"""imaging.video without Django: what the probe reads, and which frame the poster is."""

import io

import pytest

from media_graph.imaging import video
from tests.support.videos import COLOUR, clip


class CountingFile(io.BytesIO):
    """A clip in memory that counts the bytes its reader asks for."""

    read_bytes = 0

    def read(self, size=-1):
        data = super().read(size)
        self.read_bytes += len(data)
        return data


def probe(file, **limits):
    return video.probe(
        file,
        fmt=video.sniff(file.getvalue()[: video.HEAD_BYTES]),
        max_pixels=limits.get("max_pixels", 50_000_000),
        max_seconds=limits.get("max_seconds", 180),
        max_aspect_ratio=40,
    )


def test_the_probe_reads_the_header_and_a_few_frames_not_the_clip():
    # 20 s with a keyframe every second, as phones record.
    content = clip(seconds=20, rate=10, width=320, height=240, grain=True, keyframe_every=10)
    file = CountingFile(content)
    info = probe(file)
    assert info.duration_seconds == pytest.approx(20.0, abs=0.1)
    assert file.read_bytes < len(content) / 4, (file.read_bytes, len(content))


def test_the_poster_is_the_frame_about_a_tenth_in():
    first, tenth, later = (250, 250, 250), COLOUR, (20, 200, 20)
    # 30 frames at 10 fps: 10% in is 0.3 s, frame 3.
    content = clip(seconds=3, colour_at=lambda i: first if i < 3 else tenth if i < 6 else later)
    image = video.poster(io.BytesIO(content), duration=3.0, max_pixels=10**6)
    assert all(abs(a - b) <= 12 for a, b in zip(image.getpixel((50, 40)), tenth, strict=True))


def test_sniff_tells_clips_from_still_images_in_the_same_boxes():
    assert video.sniff(b"\0\0\0\x1cftypisom" + bytes(52)) == "mp4"
    assert video.sniff(b"\0\0\0\x14ftypqt  " + bytes(52)) == "mov"
    assert video.sniff(b"\0\0\0\x1cftypavif" + bytes(52)) is None  # an AVIF image
    assert video.sniff(b"\0\0\0\x1cftypheic" + bytes(52)) is None  # a HEIC photo
    assert video.sniff(b"\xff\xd8\xff\xe0" + bytes(60)) is None  # a JPEG
