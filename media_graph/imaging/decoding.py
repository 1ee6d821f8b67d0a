"""Decoding for thumbnails: JPEGs at a reduced DCT scale; then upright, sRGB, no metadata.

The steps are separate so that a thumbnail set can resize first and turn and convert the
(much smaller) result: see media_graph.imaging.sets.
"""

from __future__ import annotations

import hashlib
import io
import math
from typing import IO, Any

from PIL import Image, ImageChops, ImageCms

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
# Transforms to sRGB by (profile digest, mode): see _to_srgb.
_TRANSFORMS: dict[tuple[bytes, str], ImageCms.ImageCmsTransform | None] = {}
_KEPT_TRANSFORMS = 32
_KEPT_PROFILE_BYTES = 256 * 1024
_UNKNOWN = object()  # not in _TRANSFORMS (None there means: nothing to convert)
# Every colour with channels in steps of 17 (0, 17, ..., 255): 4096 pixels, 64x64.
_SWATCH = Image.frombytes(
    "RGB",
    (64, 64),
    bytes(v * 17 for r in range(16) for g in range(16) for b in range(16) for v in (r, g, b)),
)
TRANSPOSED = (5, 6, 7, 8)  # orientations that swap width and height
# EXIF orientation -> the transposition that shows the stored pixels upright.
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# Nothing of the original metadata (GPS!) may reach a thumbnail.
_METADATA = ("exif", "xmp", "XML:com.adobe.xmp")


def orientation(img: Image.Image) -> int:
    try:
        value = img.getexif().get(0x0112)
    except Exception:  # unreadable EXIF: show the pixels as stored
        return 1
    return value if value in range(1, 9) else 1


def draft_target(
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


def open_drafted(
    fp: IO[bytes], box: tuple[int, int], *, cover: bool, zoom: float = 0, transpose: bool = True
) -> tuple[Image.Image, int, tuple[int, int]]:
    """Decode at the smallest DCT scale that serves `box`; nothing turned or converted yet.

    Answers the image as stored (EXIF and XMP dropped, an ICC profile still in
    `info`), the orientation still to apply, and the full size as it will be shown.
    """
    img = Image.open(fp, formats=ALLOWED_FORMATS)
    turn = orientation(img) if transpose else 1
    full_size = img.size[::-1] if turn in TRANSPOSED else img.size
    draft(img, box, cover=cover, zoom=zoom, transpose=transpose)
    img.load()
    return strip(img), turn, full_size


def decode_sized(
    fp: IO[bytes], box: tuple[int, int], *, cover: bool, zoom: float = 0, transpose: bool = True
) -> tuple[Image.Image, tuple[int, int]]:
    """The decoded image, finished, and the full size of the original as it will be shown."""
    img, turn, full_size = open_drafted(fp, box, cover=cover, zoom=zoom, transpose=transpose)
    return to_srgb(upright(img, turn)), full_size


def draft(
    img: Image.Image, box: tuple[int, int], *, cover: bool, zoom: float, transpose: bool
) -> None:
    """Ask a JPEG to decode at the smallest DCT scale that still serves `box`."""
    if img.format not in ("JPEG", "MPO"):
        return
    turn = orientation(img) if transpose else None
    # draft() works on the stored pixels, which are sideways for these orientations.
    stored_box = box[::-1] if turn in TRANSPOSED else box
    if target := draft_target(img.size, stored_box, cover=cover, zoom=zoom):
        img.draft("RGB", target)


def upright(img: Image.Image, turn: int) -> Image.Image:
    """`img` turned as EXIF orientation `turn` says (the same image when there is nothing to do)."""
    return img.transpose(_UPRIGHT[turn]) if turn in _UPRIGHT else img


def to_srgb(img: Image.Image) -> Image.Image:
    """`img` with the colours its embedded ICC profile means, in sRGB, and no profile."""
    icc = img.info.get("icc_profile")
    # Thumbnails ship without a profile, so bake wide-gamut (e.g. Display P3) colours
    # into sRGB, which is what browsers assume for untagged images.
    if icc and img.mode in ("RGB", "RGBA", "CMYK") and (transform := _to_srgb(icc, img.mode)):
        img = ImageCms.applyTransform(img, transform)
    img.info.pop("icc_profile", None)
    return strip(img)


def _to_srgb(icc: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    """The conversion from profile `icc` to sRGB, or None when there is nothing to convert.

    Photos from one camera or editor carry the same few profiles, so transforms are
    kept, by digest: building one costs about a twentieth of a full 12 MP decode.
    Profiles are a few KB; a larger one (an upload can carry megabytes) is not kept.
    """
    key = (hashlib.sha256(icc).digest(), mode)
    # One lookup, not `in` then `[]`: another thread may clear the dict in between.
    transform = _TRANSFORMS.get(key, _UNKNOWN)
    if transform is not _UNKNOWN:
        return transform  # type: ignore[return-value]
    transform = _build_to_srgb(icc, mode)
    if len(icc) <= _KEPT_PROFILE_BYTES:
        if len(_TRANSFORMS) >= _KEPT_TRANSFORMS:
            _TRANSFORMS.clear()
        _TRANSFORMS[key] = transform
    return transform


def _build_to_srgb(icc: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    """None for a broken profile (ignored, as browsers do) and for sRGB itself, told by
    what it does rather than by its name: applying it cost a third of a decode for nothing.
    """
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if mode != "CMYK" and _changes_nothing(profile):
            return None
        return ImageCms.buildTransform(profile, _SRGB, mode, "RGBA" if mode == "RGBA" else "RGB")
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None


def _changes_nothing(profile: ImageCms.ImageCmsProfile) -> bool:
    """Whether `profile` to sRGB moves no colour by more than rounding (one level)."""
    if profile.profile.xcolor_space != "RGB ":
        return False
    converted = ImageCms.applyTransform(
        _SWATCH, ImageCms.buildTransform(profile, _SRGB, "RGB", "RGB")
    )
    return max(high for _, high in ImageChops.difference(_SWATCH, converted).getextrema()) <= 1


def strip(img: Image.Image) -> Image.Image:
    for key in _METADATA:
        img.info.pop(key, None)
    return img


def geometry(options: dict[str, Any]) -> tuple[tuple[int, int], bool, float]:
    """(box, cover, zoom) of easy-thumbnails options: the area a decode has to serve.

    `cover` as scale_and_crop decides it: a crop or a one-sided box scales the image to
    cover the box, a plain box to fit inside it.
    """
    try:
        box = (int(options["size"][0] or 0), int(options["size"][1] or 0))
        zoom = float(options.get("zoom") or 0)
    except (KeyError, IndexError, TypeError, ValueError):
        box, zoom = (0, 0), 0.0  # unknown geometry: decode at full size
    if options.get("autocrop"):
        box = (0, 0)  # autocrop trims first, so the remaining area may need every pixel
    return box, bool(options.get("crop")) or 0 in box, zoom


def draft_source_generator(source: Any, exif_orientation: bool = True, **options: Any) -> Any:
    """easy-thumbnails source generator (THUMBNAIL_SOURCE_GENERATORS) that decodes JPEGs small.

    easy_thumbnails.engine.generate_source_image calls it as generator(source, **options):
    `source` is the opened and rewound source File (or None), `options` the thumbnail options
    (size, crop, upscale, zoom, quality, subsampling, ...). Returning None or raising lets the
    next generator try; the returned image then runs through THUMBNAIL_PROCESSORS.
    Each call decodes: media_graph.thumbnails makes a whole set from one decode with a
    SetSource (media_graph.imaging.sets) instead.
    """
    if not source:
        return None
    box, cover, zoom = geometry(options)
    # Read into memory like easy-thumbnails does: storage files may not seek reliably.
    decoded, _ = decode_sized(
        io.BytesIO(source.read()), box, cover=cover, zoom=zoom, transpose=exif_orientation
    )
    return decoded
