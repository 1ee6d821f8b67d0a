"""Unit tests for media_graph.imaging: pure Pillow, no Django settings needed."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
import textwrap
import time
import warnings
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest
from PIL import Image, ImageFile

from media_graph.imaging import (
    ImageRejected,
    draft_source_generator,
    probe,
)
from tests.support.images import (
    jpeg_claiming,
    make_exif,
    make_gif,
    make_jpeg,
    make_png,
    make_webp,
    picture,
    png_bomb,
    text_as_jpg,
    truncated_jpeg,
)

MAX = 50_000_000
REPO = Path(__file__).resolve().parents[3]


@cache
def big_jpeg(orientation: int | None = None) -> bytes:
    return make_jpeg(4000, 3000, orientation=orientation, gps=(48.8584, 2.2945))


def rejected(data: bytes, max_pixels: int = MAX) -> str:
    with pytest.raises(ImageRejected) as caught:
        probe(io.BytesIO(data), max_pixels=max_pixels)
    assert str(caught.value)  # a human message always comes along
    return caught.value.code


def is_marker(pixel: tuple[int, ...]) -> bool:
    red, green, blue = pixel[:3]
    return red > 200 and green < 60 and blue < 60


def corners(data: bytes) -> dict[str, tuple[int, ...]]:
    img = Image.open(io.BytesIO(data)).convert("RGB")
    w, h = img.size
    at = {"top-left": (2, 2), "top-right": (w - 3, 2)}
    at |= {"bottom-left": (2, h - 3), "bottom-right": (w - 3, h - 3)}
    return {name: img.getpixel(xy) for name, xy in at.items()}


# --- probe: formats and sizes -------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "fmt", "content_type", "extension"),
    [
        (make_jpeg(640, 480), "JPEG", "image/jpeg", "jpg"),
        (make_png(640, 480), "PNG", "image/png", "png"),
        (make_png(640, 480, alpha=True), "PNG", "image/png", "png"),
        (make_webp(640, 480), "WEBP", "image/webp", "webp"),
    ],
)
def test_accepted_formats(data: bytes, fmt: str, content_type: str, extension: str) -> None:
    info = probe(io.BytesIO(data), max_pixels=MAX)
    assert (info.format, info.content_type, info.extension) == (fmt, content_type, extension)
    assert (info.width, info.height) == (640, 480)


def test_multi_picture_jpeg_counts_as_jpeg() -> None:
    out = io.BytesIO()
    second = picture(200, 150)
    picture(400, 300).save(out, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(out.getvalue())).format == "MPO"
    info = probe(io.BytesIO(out.getvalue()), max_pixels=MAX)
    assert (info.format, info.content_type, info.extension) == ("JPEG", "image/jpeg", "jpg")
    assert (info.width, info.height) == (400, 300)


def test_file_name_is_ignored_and_file_is_rewound() -> None:
    with tempfile.NamedTemporaryFile(suffix=".gif") as upload:
        upload.write(make_jpeg(64, 48))
        upload.seek(10)
        info = probe(upload, max_pixels=MAX)
        assert info.format == "JPEG"
        assert upload.tell() == 0
    rejected_upload = io.BytesIO(truncated_jpeg())
    with pytest.raises(ImageRejected):
        probe(rejected_upload, max_pixels=MAX)
    assert rejected_upload.tell() == 0


@pytest.mark.parametrize(
    ("orientation", "size"),
    [
        (None, (640, 480)),
        (1, (640, 480)),
        (3, (640, 480)),
        (5, (480, 640)),
        (6, (480, 640)),
        (8, (480, 640)),
    ],
)
def test_orientation_applies_to_reported_size(orientation: int | None, size: tuple) -> None:
    info = probe(io.BytesIO(make_jpeg(640, 480, orientation=orientation)), max_pixels=MAX)
    assert (info.width, info.height) == size
    assert info.exif.get("orientation") == orientation


# --- probe: EXIF ----------------------------------------------------------------------------


def test_exif_summary() -> None:
    data = make_jpeg(orientation=6, gps=(-33.865, -151.2094), lens="XF23mmF2 R WR")
    info = probe(io.BytesIO(data), max_pixels=MAX)
    gps = info.exif.pop("gps")
    assert info.exif == {
        "camera": "TestCam X100",
        "lens": "XF23mmF2 R WR",
        "exposureTime": "1/125",
        "fNumber": 2.8,
        "iso": 400,
        "focalLength": 23.0,
        "takenAt": "2024-05-01T10:20:30",
        "orientation": 6,
    }
    assert gps == {"latitude": pytest.approx(-33.865), "longitude": pytest.approx(-151.2094)}
    # No offset in EXIF: the wall-clock time is taken as UTC.
    assert info.taken_at == datetime(2024, 5, 1, 10, 20, 30, tzinfo=UTC)


def test_exif_is_json_safe() -> None:
    exif = make_exif(gps=(10.5, 20.25), altitude=-12.5, exposure=(1, 0), f_number=None)
    info = probe(io.BytesIO(make_jpeg(exif=exif)), max_pixels=MAX)
    json.dumps(info.exif, allow_nan=False)  # a 1/0 exposure must not leak NaN or a rational
    assert "exposureTime" not in info.exif
    assert "fNumber" not in info.exif
    assert info.exif["gps"] == {
        "latitude": pytest.approx(10.5),
        "longitude": pytest.approx(20.25),
        "altitude": -12.5,
    }


def test_exif_offset_and_fallback_dates() -> None:
    exif = make_exif(offset="+02:00", exposure=(1, 4), make="Canon", model="Canon EOS R5")
    info = probe(io.BytesIO(make_jpeg(exif=exif)), max_pixels=MAX)
    assert info.exif["takenAt"] == "2024-05-01T10:20:30+02:00"
    assert info.taken_at == datetime(2024, 5, 1, 8, 20, 30, tzinfo=UTC)
    assert info.taken_at.utcoffset() == timedelta(hours=2)
    assert info.exif["exposureTime"] == "1/4"
    assert info.exif["camera"] == "Canon EOS R5"

    exif = make_exif(taken_at="0000:00:00 00:00:00")
    exif[0x0132] = "2023:01:02 03:04:05"  # IFD0 DateTime
    info = probe(io.BytesIO(make_jpeg(exif=exif)), max_pixels=MAX)
    assert info.exif["takenAt"] == "2023-01-02T03:04:05"

    exif = make_exif(taken_at="2024:13:45 99:00:00")
    info = probe(io.BytesIO(make_jpeg(exif=exif)), max_pixels=MAX)
    assert "takenAt" not in info.exif
    assert info.taken_at is None
    assert info.exif["camera"] == "TestCam X100"


@pytest.mark.parametrize(
    "exif",
    [
        b"",  # no EXIF at all
        b"Exif\x00\x00garbage",
        b"Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\xff\xff",
        b"Exif\x00\x00II*\x00\x08\x00\x00\x00\x05\x00" + b"\x01" * 50,
    ],
)
def test_absent_or_malformed_exif_gives_empty_dict(exif: bytes) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        info = probe(io.BytesIO(make_jpeg(64, 48, exif=exif)), max_pixels=MAX)
    assert info.exif == {}
    assert info.taken_at is None
    assert (info.width, info.height) == (64, 48)


def test_png_and_webp_without_exif() -> None:
    assert probe(io.BytesIO(make_png()), max_pixels=MAX).exif == {}
    assert probe(io.BytesIO(make_webp()), max_pixels=MAX).exif == {}


# --- probe: rejections ----------------------------------------------------------------------


def bmp() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "BMP")
    return out.getvalue()


@pytest.mark.parametrize("data", [text_as_jpg(), make_gif(), bmp(), b""])
def test_unsupported_format(data: bytes) -> None:
    assert rejected(data) == "unsupported_format"


def test_truncated_images_are_invalid() -> None:
    assert rejected(truncated_jpeg()) == "invalid_image"
    png, webp = make_png(300, 200), make_webp(300, 200)
    assert rejected(png[: len(png) // 2]) == "invalid_image"
    assert rejected(webp[: len(webp) // 2]) == "invalid_image"


@pytest.mark.parametrize("progressive", [False, True])
def test_a_jpeg_whose_header_claims_more_pixels_than_its_data_holds_is_invalid(progressive):
    lying = jpeg_claiming(7000, 7000, progressive=progressive)
    Image.open(io.BytesIO(lying)).load()  # Pillow decodes it without a word (grey fill)...
    assert rejected(lying) == "invalid_image"  # ...probe does not take it


def test_the_data_bound_accepts_the_most_compressible_real_jpegs():
    # A flat image is the most compressible: its data is near the bound, never under it.
    for progressive in (False, True):
        for mode in ("L", "RGB"):
            out = io.BytesIO()
            Image.new(mode, (4000, 3000), "white" if mode == "RGB" else 255).save(
                out, "JPEG", quality=10, progressive=progressive, optimize=True
            )
            info = probe(io.BytesIO(out.getvalue()), max_pixels=MAX)
            assert (info.width, info.height) == (4000, 3000)


@pytest.mark.parametrize(("width", "height"), [(4000, 100), (100, 4000), (400, 10)])
def test_panoramas_up_to_40_to_1_are_accepted(width, height):
    assert probe(io.BytesIO(make_png(width, height)), max_pixels=MAX).width == width


@pytest.mark.parametrize(("width", "height"), [(4100, 100), (8500, 10), (1, 41)])
def test_strips_beyond_40_to_1_are_invalid(width, height):
    assert rejected(make_png(width, height)) == "invalid_image"


def test_truncation_check_does_not_rely_on_pillow_global(monkeypatch) -> None:
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    Image.open(io.BytesIO(truncated_jpeg())).load()  # Pillow alone now accepts it...
    assert rejected(truncated_jpeg()) == "invalid_image"  # ...probe still does not


def test_bomb_is_too_large_quickly_and_without_warnings() -> None:
    bomb = png_bomb()  # 20000 x 20000, beyond Pillow's own hard limit
    assert len(bomb) < 100_000
    limit = Image.MAX_IMAGE_PIXELS
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert rejected(bomb) == "image_too_large"
        # Between Pillow's warning and error thresholds: our limit decides, silently.
        assert rejected(png_bomb(10_000, 10_000)) == "image_too_large"
    assert time.perf_counter() - started < 1.0
    assert limit == Image.MAX_IMAGE_PIXELS  # not mutated behind our back


def test_max_pixels_is_checked_before_decoding(monkeypatch) -> None:
    data = make_jpeg(640, 480)
    assert probe(io.BytesIO(data), max_pixels=640 * 480).width == 640

    def no_decoding(self):
        raise AssertionError("decoded an image that is too large")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    assert rejected(data, max_pixels=640 * 480 - 1) == "image_too_large"
    assert rejected(make_png(640, 480), max_pixels=640 * 480 - 1) == "image_too_large"


def test_probe_decodes_jpeg_at_reduced_scale(decodes) -> None:
    info = probe(io.BytesIO(big_jpeg()), max_pixels=MAX)
    assert (info.width, info.height) == (4000, 3000)  # reported size is the real one
    assert decodes == [(500, 375)]  # while only 1/8 scale was decoded


# --- draft_source_generator -----------------------------------------------------------------


class StorageFile(io.BytesIO):
    """Stands in for the django File easy-thumbnails hands to source generators."""

    name = "photos/original.jpg"


def generated(data: bytes, **options) -> Image.Image:
    img = draft_source_generator(StorageFile(data), **options)
    assert isinstance(img, Image.Image)
    assert not {"exif", "icc_profile", "xmp"} & set(img.info)
    return img


def test_generator_decodes_big_jpeg_small_but_large_enough() -> None:
    img = generated(big_jpeg(), size=(320, 320), crop=True, quality=85, subsampling=2)
    width, height = img.size
    assert min(width, height) >= 320  # the short edge still covers the crop box
    assert width * height <= 4000 * 3000 / 16  # at least a 4x DCT reduction per side
    img = generated(big_jpeg(), size=(640, 640))
    assert img.size[0] >= 640
    assert img.size[1] >= 480
    assert img.size[0] < 4000
    assert generated(big_jpeg(), size=(320, 0)).size[0] >= 320
    assert generated(big_jpeg(), size=(8000, 8000)).size == (4000, 3000)  # no draft
    assert generated(big_jpeg(), size=(320, 320), autocrop=True).size == (4000, 3000)


def upscale_needed(size: tuple[int, int], box: tuple[int, int], crop: bool) -> float:
    """The factor easy-thumbnails' scale_and_crop would resize `size` by to serve `box`."""
    ratios = [want / have for want, have in zip(box, size, strict=True) if want]
    return max(ratios) if crop or len(ratios) == 1 else min(ratios)


@pytest.mark.parametrize("orientation", [None, 6])
@pytest.mark.parametrize(
    ("box", "crop"),
    [
        ((320, 320), True),
        ((1000, 100), True),
        ((1000, 400), True),
        ((100, 1000), True),
        ((640, 640), False),
        ((1000, 100), False),
        ((2000, 1000), False),
        ((0, 500), False),
    ],
)
def test_generator_never_decodes_below_what_the_box_needs(
    orientation: int | None, box: tuple[int, int], crop: bool
) -> None:
    img = generated(big_jpeg(orientation), size=box, crop=crop)
    assert upscale_needed(img.size, box, crop) <= 1  # no quality lost to upscaling
    assert img.size[0] * img.size[1] <= 4000 * 3000 / 4  # but still decoded smaller


def test_generator_applies_orientation() -> None:
    img = generated(big_jpeg(orientation=6), size=(320, 320), crop=True)
    width, height = img.size
    assert height > width
    assert min(width, height) >= 320
    assert width < 1000
    assert is_marker(img.getpixel((width - 3, 2)))
    raw = generated(big_jpeg(orientation=6), size=(320, 320), crop=True, exif_orientation=False)
    assert raw.size == (height, width)


def test_generator_handles_png_and_missing_source() -> None:
    assert generated(make_png(64, 48, alpha=True), size=(32, 32)).mode == "RGBA"
    assert draft_source_generator(None, size=(32, 32)) is None


ENGINE_SCRIPT = """
import io, json
from django.conf import settings
settings.configure(THUMBNAIL_SOURCE_GENERATORS=["media_graph.imaging.draft_source_generator"])
from django.core.files.base import ContentFile
from easy_thumbnails import engine
from PIL import Image
from tests.support.images import make_jpeg

source = ContentFile(make_jpeg(4000, 3000, orientation=6, gps=(1.5, 2.5)), name="a.jpg")
options = {"size": (240, 320), "crop": True}
image = engine.generate_source_image(source, options, fail_silently=False)
thumb = engine.process_image(image, options)
data = engine.save_pil_image(thumb, filename="a.jpg", quality=85).read()
out = Image.open(io.BytesIO(data)).convert("RGB")
corner = out.getpixel((237, 2))
print(json.dumps([image.size, out.size, dict(out.getexif()), b"Exif" in data, corner]))
"""


def test_easy_thumbnails_engine_uses_generator() -> None:
    pytest.importorskip("easy_thumbnails")
    # A child process: configuring Django settings here would leak into other tests.
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(ENGINE_SCRIPT)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    source_size, out_size, exif, has_exif, corner = json.loads(result.stdout)
    assert source_size[1] > source_size[0] >= 240  # oriented, drafted, still big enough
    assert source_size[1] <= 1000
    assert out_size == [240, 320]
    assert exif == {}
    assert has_exif is False
    assert is_marker(corner)
