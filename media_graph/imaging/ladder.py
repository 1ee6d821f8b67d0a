"""Variants on the width ladder: one decode (at the smallest DCT scale that serves the
width), resized, turned upright, in sRGB, without metadata, encoded as JPEG, WebP or AVIF.

Pure Pillow (Pillow 13 writes WebP and AVIF itself), no Django: see media_graph.variants
for keys, URLs and rendering once.
"""

from __future__ import annotations

import io
from typing import IO

from media_graph.imaging import decoding
from media_graph.imaging.placeholders import flatten
from media_graph.imaging.sets import REDUCING_GAP, RESAMPLE

LADDER = (160, 320, 480, 640, 960, 1280, 1920, 2560)
# What each format is written with. Bumping any of these changes the bytes a key would
# name, so media_graph.variants.VERSION must go up with it (keys are never reused).
ENCODINGS: dict[str, dict] = {
    "JPEG": {"quality": 80},
    # Measured by bench/scenarios/images.py: at these settings WebP and AVIF hold the
    # SSIM that JPEG at quality 80 holds against the naive rendition, in fewer bytes.
    "WEBP": {"quality": 80, "method": 2},
    "AVIF": {"quality": 60, "speed": 8},
}
CONTENT_TYPES = {"JPEG": "image/jpeg", "WEBP": "image/webp", "AVIF": "image/avif"}
EXTENSIONS = {"JPEG": "jpg", "WEBP": "webp", "AVIF": "avif"}


def rungs(original_width: int) -> list[int]:
    """The ladder widths an original of this width has: never wider than itself, and its
    own width on top whenever it is below the next rung (2000 px: ... 1920, 2000; 300 px:
    160, 300), so the sharpest variant of an original is the original's own width.
    An original wider than the last rung stops there."""
    if original_width > LADDER[-1]:
        return list(LADDER)
    return [w for w in LADDER if w < original_width] + [original_width]


def rung_for(requested: int, original_width: int) -> int:
    """The smallest rung at or above `requested`, else the widest this original has
    (its own width, unless it is wider than the ladder)."""
    available = rungs(original_width)
    return next((w for w in available if w >= requested), available[-1])


def height_for(width: int, full: tuple[int, int]) -> int:
    return max(1, round(full[1] * width / full[0]))


def render(fp: IO[bytes], width: int, fmt: str) -> tuple[bytes, tuple[int, int]]:
    """The encoded variant `width` px wide of the image in `fp`, and its size."""
    img, full = decoding.decode_sized(fp, (width, 0), cover=True)
    size = (min(width, full[0]), height_for(min(width, full[0]), full))
    if img.mode not in ("RGB", "RGBA"):
        img = img.convert("RGBA" if "A" in img.mode or "transparency" in img.info else "RGB")
    if img.size != size:
        img = img.resize(size, RESAMPLE, reducing_gap=REDUCING_GAP)
    if fmt == "JPEG" and img.mode != "RGB":
        img = flatten(img)
    out = io.BytesIO()
    # No exif, xmp or icc_profile is passed, and decoding stripped them from `info`.
    img.save(out, fmt, **ENCODINGS[fmt])
    return out.getvalue(), img.size
