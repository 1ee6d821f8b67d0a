"""Decoding for thumbnails: JPEGs at a reduced DCT scale, upright, sRGB, without metadata."""

from __future__ import annotations

import contextlib
import io
import math
from typing import IO, Any

from PIL import Image, ImageCms, ImageOps

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
TRANSPOSED = (5, 6, 7, 8)  # orientations that swap width and height
# Where a thumbnail source keeps (full size as shown, decoded image) between the sizes of
# one set; media_graph.thumbnails replaces the image with each size it makes.
DECODED = "_decoded_for_thumbnails"


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


def decode_sized(
    fp: IO[bytes], box: tuple[int, int], *, cover: bool, zoom: float = 0, transpose: bool = True
) -> tuple[Image.Image, tuple[int, int]]:
    """The decoded image, and the full size of the original as it will be shown."""
    img = Image.open(fp, formats=ALLOWED_FORMATS)
    full_size = img.size
    if transpose and orientation(img) in TRANSPOSED:
        full_size = full_size[::-1]
    draft(img, box, cover=cover, zoom=zoom, transpose=transpose)
    img.load()
    return finish(img, transpose=transpose), full_size


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


def finish(img: Image.Image, *, transpose: bool) -> Image.Image:
    """A loaded image as thumbnails start from: upright, sRGB, without any metadata."""
    if transpose and orientation(img) != 1:
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
        needed = draft_target(full_size, box, cover=cover, zoom=zoom) or full_size
        if decoded.width >= needed[0] and decoded.height >= needed[1]:
            return decoded.copy()
    # Read into memory like easy-thumbnails does: storage files may not seek reliably.
    decoded, full_size = decode_sized(
        io.BytesIO(source.read()), box, cover=cover, zoom=zoom, transpose=exif_orientation
    )
    with contextlib.suppress(AttributeError):  # sources that take no attributes just decode again
        setattr(source, DECODED, (full_size, decoded))
    return decoded.copy()
