"""imaging.structure: whole files pass, every cut of them is refused, and damage inside
an intact structure is left to the decoder. Pure Python: no Django, no decoding."""

from __future__ import annotations

import io
import struct
import tempfile
import zlib
from functools import cache

import pytest
from PIL import Image, ImageFile

from media_graph.imaging import ImageRejected, probe, structure
from tests.support.images import (
    damaged_jpeg,
    make_exif,
    make_jpeg,
    make_mpo,
    make_png,
    make_webp,
    picture,
)

MAX = 50_000_000


def encoded(fmt: str, img: Image.Image | None = None, **options) -> bytes:
    out = io.BytesIO()
    (img or picture(64, 48)).save(out, fmt, **options)
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_exif_after_pixels() -> bytes:
    """A PNG whose eXIf chunk follows its IDAT, as some writers put it."""
    data = make_png(64, 48)
    exif = make_exif().tobytes().removeprefix(b"Exif\x00\x00")
    return data[:-12] + png_chunk(b"eXIf", exif) + data[-12:]


def transparent_webp() -> bytes:
    img = picture(64, 48).convert("RGBA")
    img.putpixel((0, 0), (0, 0, 0, 0))
    return encoded("WEBP", img, quality=80)  # VP8X, ALPH, VP8


@cache
def whole_files() -> dict[str, tuple[str, bytes]]:
    """name -> (format, bytes): small, so every cut of each can be tried."""
    return {
        "jpeg-baseline-exif": ("JPEG", make_jpeg(64, 48)),
        "jpeg-progressive-exif": ("JPEG", make_jpeg(64, 48, progressive=True)),
        "jpeg-no-exif": ("JPEG", make_jpeg(64, 48, exif=b"")),
        "jpeg-restart-markers": ("JPEG", encoded("JPEG", restart_marker_blocks=1)),
        "jpeg-greyscale-progressive": (
            "JPEG",
            encoded("JPEG", picture(64, 48).convert("L"), progressive=True),
        ),
        "mpo": ("JPEG", make_mpo(64, 48)),
        "png": ("PNG", make_png(64, 48)),
        "png-alpha": ("PNG", make_png(64, 48, alpha=True)),
        "png-exif-after-pixels": ("PNG", png_exif_after_pixels()),
        "webp-lossy": ("WEBP", make_webp(64, 48)),
        "webp-lossless": ("WEBP", encoded("WEBP", lossless=True)),
        "webp-vp8x-alpha": ("WEBP", transparent_webp()),
        "webp-vp8x-exif": ("WEBP", encoded("WEBP", quality=80, exif=make_exif())),
        "webp-animated": (
            "WEBP",
            encoded(
                "WEBP", save_all=True, append_images=[picture(64, 48).rotate(90)], duration=100
            ),
        ),
    }


def broken(data: bytes, fmt: str) -> str:
    with pytest.raises(structure.Broken) as caught:
        structure.check(data, fmt)
    return str(caught.value)


@pytest.mark.parametrize("name", list(whole_files()))
def test_whole_files_pass(name):
    fmt, data = whole_files()[name]
    assert Image.open(io.BytesIO(data)).format in (fmt, "MPO")
    structure.check(data, fmt)


@pytest.mark.parametrize("name", list(whole_files()))
def test_every_cut_is_refused(name):
    fmt, data = whole_files()[name]
    accepted = []
    for size in range(len(data)):
        try:
            structure.check(data[:size], fmt)
        except structure.Broken:
            continue
        accepted.append(size)
    assert accepted == [], f"{name}: cuts at {accepted[:5]} of {len(data)} bytes passed"


def test_the_mp_index_finds_a_cut_after_the_first_picture():
    data = make_mpo(64, 48)
    first_end = data.index(b"\xff\xd8", 2)  # the second picture's SOI
    assert "picture 2 of the MP index" in broken(data[:first_end], "JPEG")
    assert "picture 2" in broken(data[: first_end + (len(data) - first_end) // 2], "JPEG")


def test_data_after_the_eoi_is_not_the_images():
    # Phones append trailers and videos, with bytes a JPEG would call markers.
    image = make_jpeg(64, 48)
    trailer = b"\x00\x00SEFH" + b"\xff\xd8\xff\xe1junk\xff\xd9" * 10 + b"\xff\xda\x00"
    structure.check(image + trailer, "JPEG")
    # Without an index nothing says what should follow: a cut trailer leaves the image whole.
    structure.check(image + trailer[:7], "JPEG")
    assert "EOI" in broken((image + trailer)[: len(image) - 1], "JPEG")


def test_fill_bytes_and_junk_before_a_marker_pass_as_libjpeg_takes_them():
    data = make_jpeg(64, 48)
    sos = data.index(b"\xff\xda")
    structure.check(data[:sos] + b"\xff\xff\xff" + data[sos:], "JPEG")  # fill before SOS
    structure.check(data[:sos] + b"\x00junk" + data[sos:], "JPEG")
    structure.check(data[:-2] + b"\xff\xff" + data[-2:], "JPEG")  # fill before EOI


def test_damage_inside_an_intact_structure_is_left_to_the_decoder():
    damaged = damaged_jpeg(64, 48)
    structure.check(damaged, "JPEG")
    with pytest.raises(OSError):
        Image.open(io.BytesIO(damaged)).load()
    data = bytearray(make_jpeg(64, 48, noise=True))
    middle = (data.index(b"\xff\xda") + len(data)) // 2
    data[middle : middle + 40] = bytes(range(40))  # garbled blocks, no marker
    structure.check(bytes(data), "JPEG")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d: d[2:], "starts with SOI"),
        (lambda d: d.replace(b"\xff\xc0", b"\xff\xfe", 1), "a scan before the frame header"),
        (lambda d: d[:-2] + b"\xff\xd8" + d[-2:], "marker 0xD8 inside the image"),
        (lambda d: d[:-2] + b"\xff\xc0\x00\x04ab" + d[-2:], "marker 0xC0 inside the image"),
        (lambda d: d[:-2] + b"\xff\x3a\x00\x04ab" + d[-2:], "marker 0x3A inside the image"),
        (lambda d: d[:-2] + b"\xff\xfe\xff\xf0" + d[-2:], "runs past the end"),
        (lambda d: d[:2] + b"\xff\xd9" + d[2:], "marker 0xD9 before the first scan"),
    ],
    ids=["no-soi", "no-frame", "second-soi", "second-frame", "reserved", "long", "early-eoi"],
)
def test_jpeg_markers_libjpeg_refuses_are_refused(change, reason):
    data = change(make_jpeg(64, 48))
    assert reason in broken(data, "JPEG")
    if reason.startswith("marker 0x") and "inside" in reason:
        with pytest.raises(OSError):  # the decoder agrees
            Image.open(io.BytesIO(data)).load()


def test_png_chunks_must_be_chunks_up_to_iend():
    data = make_png(64, 48)
    ihdr_end = 8 + 12 + 13
    idat = data.index(b"IDAT") - 4
    assert "IEND" in broken(data[:-12] + b"\x00\x00", "PNG")
    assert "no chunk" in broken(
        data[:idat] + b"\x00\x00\x00\x00\x01\x02\x03\x04" + data[idat:], "PNG"
    )
    assert "IHDR" in broken(data[:8] + data[ihdr_end:], "PNG")
    assert "IDAT" in broken(data[:idat] + data[-12:], "PNG")
    assert "runs past" in broken(data[:idat] + b"\x7f" + data[idat + 1 :], "PNG")
    structure.check(data + b"trailing", "PNG")  # after IEND: not the image's


def test_webp_riff_length_is_the_files_and_chunks_lie_within_it():
    data = make_webp(64, 48)
    assert "RIFF header counts" in broken(data + b"\x00\x00", "WEBP")
    assert "RIFF header counts" in broken(data[:-2], "WEBP")
    grown = bytearray(data)
    struct.pack_into("<I", grown, 16, len(data))  # the VP8 chunk claims more than there is
    assert "runs past" in broken(bytes(grown), "WEBP")
    frame = bytearray(data)
    frame[20:23] = (0x7FFFF << 5 | 0x10).to_bytes(3, "little")  # a 512 KiB first partition
    assert "first partition" in broken(bytes(frame), "WEBP")
    frame[20:23] = data[20:23]
    frame[20] |= 1  # an interframe: a still WebP holds a key frame
    assert "key frame" in broken(bytes(frame), "WEBP")
    lossless = bytearray(encoded("WEBP", lossless=True))
    lossless[20] = 0
    assert "VP8L" in broken(bytes(lossless), "WEBP")


def test_view_maps_a_file_borrows_a_buffer_and_reads_a_stream():
    data = make_jpeg(64, 48)
    with tempfile.TemporaryFile() as disk:
        disk.write(data)  # buffered: view flushes before it maps
        with structure.view(disk) as mapped:
            assert mapped[:] == data
    memory = io.BytesIO(data)
    with structure.view(memory) as borrowed:
        assert bytes(borrowed) == data
    memory.write(b"more")  # the buffer is given back

    class Stream:
        def __init__(self) -> None:
            self._raw = io.BytesIO(data)
            self.read, self.seek = self._raw.read, self._raw.seek

    with structure.view(Stream()) as read:
        assert read == data


# --- probe(decode=False): the header and the structure, not a pixel ---------------------


def no_decoding(monkeypatch):
    def load(self):
        raise AssertionError("decoded pixels")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)


@pytest.mark.parametrize("name", list(whole_files()))
def test_probe_without_decode_reads_no_pixel_and_refuses_cut_files(name, monkeypatch):
    fmt, data = whole_files()[name]
    no_decoding(monkeypatch)
    info = probe(io.BytesIO(data), max_pixels=MAX, decode=False)
    assert (info.format, info.width, info.height) == (fmt, 64, 48)
    for size in (len(data) * 3 // 4, len(data) - 1):
        with pytest.raises(ImageRejected) as caught:
            probe(io.BytesIO(data[:size]), max_pixels=MAX, decode=False)
        assert caught.value.code == "invalid_image"


def test_probe_without_decode_finds_a_pngs_exif_after_its_pixels(monkeypatch):
    no_decoding(monkeypatch)
    info = probe(io.BytesIO(png_exif_after_pixels()), max_pixels=MAX, decode=False)
    assert info.exif["camera"] == "TestCam X100"


def test_probe_without_decode_takes_damaged_data_the_decode_refuses():
    damaged = damaged_jpeg(400, 300)
    assert probe(io.BytesIO(damaged), max_pixels=MAX, decode=False).width == 400
    with pytest.raises(ImageRejected) as caught:
        probe(io.BytesIO(damaged), max_pixels=MAX)
    assert caught.value.code == "invalid_image"
