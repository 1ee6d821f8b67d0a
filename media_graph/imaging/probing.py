"""Upload validation: identify, size-check and fully decode an image, or reject it."""

from __future__ import annotations

import io
import math
import struct
import warnings
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from PIL import Image

from media_graph.imaging import structure
from media_graph.imaging.decoding import (
    ALLOWED_FORMATS,
    TRANSPOSED,
    draft,
    orientation,
    strip,
    upright,
)
from media_graph.imaging.exif import read_exif
from project.codes import PayloadCode

_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}  # MIME type: image/<format>
# Once a file is identified, Pillow reports damaged data through any of these.
_BROKEN = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, struct.error)
# Wider (or taller) than this is refused: the square thumbnail of a 850:1 strip would be
# a 272,000 px wide intermediate image, and no grid can show one anyway.
MAX_ASPECT_RATIO = 40


class ImageRejected(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ImageInfo:
    format: str
    content_type: str
    extension: str
    width: int
    height: int
    exif: dict[str, Any]
    taken_at: datetime | None
    # (full size as shown, image) decoded for thumbnails: see probe(keep_for=...). The
    # image is upright and without EXIF or XMP; an embedded ICC profile is still in its
    # info, for imaging.sets.SetSource to convert after resizing.
    decoded: tuple[tuple[int, int], Image.Image] | None = field(
        default=None, compare=False, repr=False
    )


class _EofWatch:
    """File proxy noting whether a decoder asked for bytes past the end.

    Pillow rejects truncated data only while the process-wide ImageFile.LOAD_TRUNCATED_IMAGES
    is False, and other code (easy-thumbnails' pil_image) flips it, so we check for ourselves.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self.hit_eof = False

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        if size and not data:
            self.hit_eof = True
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()


def probe(
    fileobj: IO[bytes],
    *,
    max_pixels: int,
    max_aspect_ratio: float = MAX_ASPECT_RATIO,
    keep_for: tuple[int, int] | None = None,
    decode: bool = True,
) -> ImageInfo:
    """Identify, size-check and fully decode an upload; raise ImageRejected if unusable.

    Validation has to decode every byte anyway. With `keep_for` (the largest thumbnail
    box) it decodes at a scale big enough for that box and keeps the result in
    `ImageInfo.decoded`, upright and stripped, so the thumbnails need no second decode.
    Without `decode`, the header is read (format, size, pixel limit, EXIF) and the
    file's structure checked (imaging.structure: a file cut short is refused here), but
    no pixel is decoded: damaged data inside an intact file is found by the worker, and
    the photo ends FAILED.
    """
    assert decode or keep_for is None, "nothing to keep without a decode"
    size = fileobj.seek(0, io.SEEK_END)
    fileobj.seek(0)
    try:
        # Bomb warnings are superseded by our own limit, and Pillow's warnings about hostile
        # input must not turn into crashes when warnings are escalated to errors.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _probe(
                fileobj, _EofWatch(fileobj), size, max_pixels, max_aspect_ratio, keep_for, decode
            )
    finally:
        fileobj.seek(0)


def _too_little_data(fmt: str, width: int, height: int, size: int) -> bool:
    """Whether a JPEG is too short to hold the pixels its header claims.

    libjpeg fills what a scan lacks with grey and says so only in a warning, which Pillow
    drops: a 16x16 JPEG whose header claims 7000x7000 decodes "fine". But Huffman coding
    spends at least one bit on the DC coefficient of every 8x8 luma block (in baseline
    and progressive files alike), so a real one has at least blocks / 8 bytes.
    """
    if fmt != "JPEG":
        return False  # PNG and WebP decoders refuse data that ends early
    return size < math.ceil(width / 8) * math.ceil(height / 8) / 8


def _decode(img, reader: _EofWatch, fmt: str, keep_for, invalid: str) -> None:
    reader.hit_eof = False
    try:
        if keep_for is not None:
            draft(img, keep_for, cover=False, zoom=0, transpose=True)
        elif fmt == "JPEG":
            # DCT scaling still entropy-decodes every block, at 1/64 of the pixel work.
            img.draft("RGB", (1, 1))
        img.load()
    except _BROKEN as exc:
        raise ImageRejected(PayloadCode.INVALID_IMAGE, invalid) from exc
    if reader.hit_eof:
        raise ImageRejected(PayloadCode.INVALID_IMAGE, invalid)


def _check_structure(img, fileobj: IO[bytes], fmt: str, invalid: str) -> None:
    try:
        with structure.view(fileobj) as data:
            exif = structure.check(data, fmt)
    except structure.Broken as exc:
        raise ImageRejected(PayloadCode.INVALID_IMAGE, invalid) from exc
    if fmt == "PNG" and "exif" not in img.info:
        # Else Pillow looks for an eXIf chunk after the pixels by decoding them. None
        # (none there) still lets it read EXIF from a text chunk it met before them.
        img.info["exif"] = exif


def _probe(
    fileobj: IO[bytes],
    reader: _EofWatch,
    size: int,
    max_pixels: int,
    max_aspect_ratio: float,
    keep_for: tuple[int, int] | None,
    decode: bool = True,
) -> ImageInfo:
    too_large = f"The image exceeds the limit of {max_pixels} pixels."
    invalid = "The image data is corrupt or truncated."
    try:
        img = Image.open(reader, formats=ALLOWED_FORMATS)  # type: ignore[arg-type]
    except Image.UnidentifiedImageError as exc:
        raise ImageRejected(
            PayloadCode.UNSUPPORTED_FORMAT, "Only JPEG, PNG and WebP are accepted."
        ) from exc
    except Image.DecompressionBombError as exc:
        raise ImageRejected(PayloadCode.IMAGE_TOO_LARGE, too_large) from exc
    except _BROKEN as exc:
        raise ImageRejected(PayloadCode.INVALID_IMAGE, invalid) from exc
    with img:
        width, height = img.size
        if width * height > max_pixels:
            raise ImageRejected(PayloadCode.IMAGE_TOO_LARGE, too_large)
        if max(width, height) > max_aspect_ratio * min(width, height):
            raise ImageRejected(
                PayloadCode.INVALID_IMAGE,
                f"The image is {width}x{height}: its sides may differ by a factor of at most "
                f"{max_aspect_ratio:g}.",
            )
        # Multi-picture JPEGs (MPO) from some cameras are plain JPEGs to every browser.
        fmt = "JPEG" if img.format == "MPO" else str(img.format)
        if _too_little_data(fmt, width, height, size):
            raise ImageRejected(PayloadCode.INVALID_IMAGE, invalid)
        if decode:
            _decode(img, reader, fmt, keep_for, invalid)
        else:
            _check_structure(img, fileobj, fmt, invalid)
        exif, taken_at = read_exif(img)
        decoded = None
        if keep_for is not None:
            turn = orientation(img)
            full_size = (height, width) if turn in TRANSPOSED else (width, height)
            # The sRGB conversion waits for the first resize (imaging.sets): on fewer pixels.
            shown = upright(strip(img), turn)
            # Closing the opened image below would take a shared pixel buffer with it.
            decoded = (full_size, shown.copy() if shown is img else shown)
    if exif.get("orientation") in TRANSPOSED:
        width, height = height, width
    return ImageInfo(
        fmt, f"image/{fmt.lower()}", _EXTENSIONS[fmt], width, height, exif, taken_at, decoded
    )
