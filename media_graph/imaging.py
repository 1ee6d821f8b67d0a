"""Upload validation, EXIF extraction and thumbnail decoding for photos.

Pure Pillow on purpose: nothing here imports Django, so it is unit-testable without settings.
"""

from __future__ import annotations

import contextlib
import io
import math
import numbers
import re
import struct
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import IO, Any

from PIL import Image, ImageCms, ImageOps

from project.codes import PayloadCode

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}  # MIME type: image/<format>
# Once a file is identified, Pillow reports damaged data through any of these.
_BROKEN = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, struct.error)
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
_TRANSPOSED = (5, 6, 7, 8)  # orientations that swap width and height
# Wider (or taller) than this is refused: the square thumbnail of a 850:1 strip would be
# a 272,000 px wide intermediate image, and no grid can show one anyway.
MAX_ASPECT_RATIO = 40
# Where a thumbnail source keeps (full size as shown, decoded image) between the sizes of
# one set; media_graph.thumbnails replaces the image with each size it makes.
DECODED = "_decoded_for_thumbnails"


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
    # (full size as shown, image) decoded for thumbnails: see probe(keep_for=...).
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
) -> ImageInfo:
    """Identify, size-check and fully decode an upload; raise ImageRejected if unusable.

    Validation has to decode every byte anyway. With `keep_for` (the largest thumbnail
    box) it decodes at a scale big enough for that box and keeps the result in
    `ImageInfo.decoded`, oriented and stripped, so the thumbnails need no second decode.
    """
    size = fileobj.seek(0, io.SEEK_END)
    fileobj.seek(0)
    try:
        # Bomb warnings are superseded by our own limit, and Pillow's warnings about hostile
        # input must not turn into crashes when warnings are escalated to errors.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _probe(_EofWatch(fileobj), size, max_pixels, max_aspect_ratio, keep_for)
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


def _probe(
    reader: _EofWatch,
    size: int,
    max_pixels: int,
    max_aspect_ratio: float,
    keep_for: tuple[int, int] | None,
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
        reader.hit_eof = False
        try:
            if keep_for is not None:
                _draft(img, keep_for, cover=False, zoom=0, transpose=True)
            elif fmt == "JPEG":
                # DCT scaling still entropy-decodes every block, at 1/64 of the pixel work.
                img.draft("RGB", (1, 1))
            img.load()
        except _BROKEN as exc:
            raise ImageRejected(PayloadCode.INVALID_IMAGE, invalid) from exc
        if reader.hit_eof:
            raise ImageRejected(PayloadCode.INVALID_IMAGE, invalid)
        exif, taken_at = _read_exif(img)
        decoded = None
        if keep_for is not None:
            full_size = (height, width) if _orientation(img) in _TRANSPOSED else (width, height)
            shown = _finish(img, transpose=True)
            # Closing the opened image below would take a shared pixel buffer with it.
            decoded = (full_size, shown.copy() if shown is img else shown)
    if exif.get("orientation") in _TRANSPOSED:
        width, height = height, width
    return ImageInfo(
        fmt, f"image/{fmt.lower()}", _EXTENSIONS[fmt], width, height, exif, taken_at, decoded
    )


def _read_exif(img: Image.Image) -> tuple[dict[str, Any], datetime | None]:
    """JSON-safe summary of the EXIF block; malformed data only costs the affected keys."""
    base = _guard(img.getexif)
    if base is None:
        return {}, None
    sub = _guard(lambda: dict(base.get_ifd(0x8769))) or {}
    gps = _guard(lambda: dict(base.get_ifd(0x8825))) or {}
    fields: dict[str, Callable[[], Any]] = {
        "camera": lambda: _camera(_text(base.get(0x010F)), _text(base.get(0x0110))),
        "lens": lambda: _text(sub.get(0xA434)),
        "exposureTime": lambda: _exposure(_float(sub.get(0x829A))),
        "fNumber": lambda: _positive(sub.get(0x829D)),
        "iso": lambda: int(v) if (v := _positive(sub.get(0x8827))) else None,
        "focalLength": lambda: _positive(sub.get(0x920A)),
        "orientation": lambda: base.get(0x0112) if base.get(0x0112) in range(1, 9) else None,
        "gps": lambda: _gps(gps),
    }
    out = {key: value for key, read in fields.items() if (value := _guard(read)) is not None}
    local = _guard(lambda: _taken_at(base, sub))
    if local is None:
        return out, None
    out["takenAt"] = local.isoformat()
    # EXIF often carries no offset; such wall-clock times are taken as UTC to stay comparable.
    return out, local if local.tzinfo else local.replace(tzinfo=UTC)


def _guard(read: Callable[[], Any]) -> Any:
    try:
        return read()
    except Exception:  # EXIF is attacker-controlled; any surprise just drops the value
        return None


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    value = "".join(ch for ch in value if ch.isprintable()).strip()
    return value[:128] or None


def _float(value: Any) -> float | None:
    if isinstance(value, tuple) and value:  # multi-valued tags (e.g. ISO): the first counts
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    number = float(value)  # IFDRational with a zero denominator becomes NaN here
    return number if math.isfinite(number) else None


def _positive(value: Any) -> float | None:
    number = _float(value)
    return round(number, 2) if number is not None and number > 0 else None


def _camera(make: str | None, model: str | None) -> str | None:
    if make and model and model.lower().startswith(make.lower()):
        return model  # "Canon" + "Canon EOS R5" should not read "Canon Canon EOS R5"
    return " ".join(part for part in (make, model) if part) or None


def _exposure(seconds: float | None) -> str | None:
    if seconds is None or seconds <= 0:
        return None
    if seconds < 1:
        denominator = round(1 / seconds)
        if denominator > 1 and abs(1 / denominator - seconds) <= seconds * 0.02:
            return f"1/{denominator}"
    return f"{round(seconds, 4):g}"


_STAMP = re.compile(r"(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})")


def _taken_at(base: Image.Exif, sub: dict[int, Any]) -> datetime | None:
    # DateTimeOriginal pairs with OffsetTimeOriginal, the IFD0 DateTime with OffsetTime.
    for stamp, offset in ((sub.get(0x9003), sub.get(0x9011)), (base.get(0x0132), sub.get(0x9010))):
        match = _STAMP.match(_text(stamp) or "")
        try:
            local = datetime(*(int(part) for part in match.groups())) if match else None
        except ValueError:  # "0000:00:00 00:00:00" and friends
            local = None
        if local is None:
            continue
        if zone := _OFFSET.fullmatch(_text(offset) or ""):
            delta = timedelta(hours=int(zone[2]), minutes=int(zone[3]))
            if delta < timedelta(hours=24):
                local = local.replace(tzinfo=timezone(-delta if zone[1] == "-" else delta))
        return local
    return None


def _degrees(dms: Any, ref: Any, negative: str, limit: int) -> float | None:
    parts = [_float(part) for part in (dms if isinstance(dms, tuple) else (dms,))][:3]
    if not parts or any(part is None or part < 0 for part in parts):
        return None
    value = sum(part / 60**index for index, part in enumerate(parts))  # type: ignore[operator]
    if value > limit:
        return None
    return round(-value if (_text(ref) or "").upper() == negative else value, 7)


def _gps(gps: dict[int, Any]) -> dict[str, float] | None:
    latitude = _degrees(gps.get(2), gps.get(1), "S", 90)
    longitude = _degrees(gps.get(4), gps.get(3), "W", 180)
    if latitude is None or longitude is None:
        return None
    out = {"latitude": latitude, "longitude": longitude}
    if (altitude := _float(gps.get(6))) is not None:
        below_sea = gps.get(5) in (1, b"\x01")
        out["altitude"] = round(-altitude if below_sea else altitude, 2)
    return out


def _orientation(img: Image.Image) -> int:
    try:
        value = img.getexif().get(0x0112)
    except Exception:  # unreadable EXIF: show the pixels as stored
        return 1
    return value if value in range(1, 9) else 1


def _draft_target(
    size: tuple[int, int], box: tuple[int, int], *, cover: bool, zoom: float = 0
) -> tuple[int, int] | None:
    """Smallest decode size from which a resize can still produce `box` without upscaling.

    Mirrors easy-thumbnails' scale_and_crop: a crop (or one-sided box) scales so that the
    image covers the box, a plain fit so that it fits inside; zoom enlarges before cropping.
    """
    ratios = [want / have for want, have in zip(box, size, strict=True) if want > 0]
    if not ratios:
        return None
    scale = (max(ratios) if cover or len(ratios) == 1 else min(ratios)) * (1 + zoom / 100)
    if scale >= 1:
        return None
    return max(1, math.ceil(size[0] * scale)), max(1, math.ceil(size[1] * scale))


def _decode(
    fp: IO[bytes], box: tuple[int, int], *, cover: bool, zoom: float = 0, transpose: bool = True
) -> Image.Image:
    return _decode_sized(fp, box, cover=cover, zoom=zoom, transpose=transpose)[0]


def _decode_sized(
    fp: IO[bytes], box: tuple[int, int], *, cover: bool, zoom: float = 0, transpose: bool = True
) -> tuple[Image.Image, tuple[int, int]]:
    """The decoded image, and the full size of the original as it will be shown."""
    img = Image.open(fp, formats=ALLOWED_FORMATS)
    full_size = img.size
    if transpose and _orientation(img) in _TRANSPOSED:
        full_size = full_size[::-1]
    _draft(img, box, cover=cover, zoom=zoom, transpose=transpose)
    img.load()
    return _finish(img, transpose=transpose), full_size


def _draft(
    img: Image.Image, box: tuple[int, int], *, cover: bool, zoom: float, transpose: bool
) -> None:
    """Ask a JPEG to decode at the smallest DCT scale that still serves `box`."""
    if img.format not in ("JPEG", "MPO"):
        return
    orientation = _orientation(img) if transpose else None
    # draft() works on the stored pixels, which are sideways for these orientations.
    stored_box = box[::-1] if orientation in _TRANSPOSED else box
    if target := _draft_target(img.size, stored_box, cover=cover, zoom=zoom):
        img.draft("RGB", target)


def _finish(img: Image.Image, *, transpose: bool) -> Image.Image:
    """A loaded image as thumbnails start from: upright, sRGB, without any metadata."""
    if transpose and _orientation(img) != 1:
        img = ImageOps.exif_transpose(img)
    icc = img.info.get("icc_profile")
    if icc and img.mode in ("RGB", "RGBA", "CMYK"):
        # Thumbnails ship without a profile, so bake wide-gamut (e.g. Display P3) colours
        # into sRGB, which is what browsers assume for untagged images.
        try:
            mode = "RGBA" if img.mode == "RGBA" else "RGB"
            img = ImageCms.profileToProfile(img, io.BytesIO(icc), _SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a broken profile is ignored, as browsers do
    for key in ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile"):
        img.info.pop(key, None)  # nothing of the original metadata (GPS!) may reach a thumbnail
    return img


def draft_source_generator(source: Any, exif_orientation: bool = True, **options: Any) -> Any:
    """easy-thumbnails source generator (THUMBNAIL_SOURCE_GENERATORS) that decodes JPEGs small.

    easy_thumbnails.engine.generate_source_image calls it as generator(source, **options):
    `source` is the opened and rewound source File (or None), `options` the thumbnail options
    (size, crop, upscale, zoom, quality, subsampling, ...). Returning None or raising lets the
    next generator try; the returned image then runs through THUMBNAIL_PROCESSORS.
    """
    if not source:
        return None
    try:
        box = (int(options["size"][0] or 0), int(options["size"][1] or 0))
        zoom = float(options.get("zoom") or 0)
    except (KeyError, IndexError, TypeError, ValueError):
        box, zoom = (0, 0), 0.0  # unknown geometry: decode at full size
    if options.get("autocrop"):
        box = (0, 0)  # autocrop trims first, so the remaining area may need every pixel
    cover = bool(options.get("crop")) or 0 in box
    # One decode serves a whole set: sizes are made largest first from one thumbnailer,
    # so the image decoded for the first is big enough for the rest (checked, not assumed).
    cached = getattr(source, DECODED, None)
    if cached is not None:
        full_size, decoded = cached
        needed = _draft_target(full_size, box, cover=cover, zoom=zoom) or full_size
        if decoded.width >= needed[0] and decoded.height >= needed[1]:
            return decoded.copy()
    # Read into memory like easy-thumbnails does: storage files may not seek reliably.
    decoded, full_size = _decode_sized(
        io.BytesIO(source.read()), box, cover=cover, zoom=zoom, transpose=exif_orientation
    )
    with contextlib.suppress(AttributeError):  # sources that take no attributes just decode again
        setattr(source, DECODED, (full_size, decoded))
    return decoded.copy()
