"""A thumbnail set from one decode, each size resized from the smallest image that serves it.

easy-thumbnails makes a thumbnail in three steps: a source generator opens the image,
the processors (scale_and_crop among them) resize and crop it, the encoder writes it.
scale_and_crop always resizes with LANCZOS, and to a size it computes from the image it
is given. A `SetSource` is the source generator of one set, asked for its sizes largest
first (media_graph.thumbnails). It:

- decodes once, at the smallest DCT scale that still serves the first size, or starts
  from the image the upload's validation decoded;
- hands each size over already resized to what scale_and_crop would make of the full
  original, so scale_and_crop only crops. Sizes are computed from the full size, so
  they do not drift with the decode scale (a 3001 px wide JPEG decodes 1501 px wide at
  1/2) or along the chain of sizes;
- resizes from the smallest image it has that is big enough, usually the previous size;
- turns (EXIF orientation) and converts to sRGB the first resized image, not the
  decode: 1280x960 pixels instead of 2000x1500 for a 12 MP photo.
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from media_graph.imaging import decoding

# HAMMING (support 1) rather than LANCZOS (support 3): from the 1/2 DCT scale to LARGE,
# LANCZOS alone cost 0.7 of a full decode of the bench's 12 MP JPEG, HAMMING 0.3. PSNR
# against naive full-size LANCZOS went from 48.5 to 47.2 dB (bench/scenarios/thumbnails.py):
# the DCT scaling has already low-passed the image, so a short kernel is enough. BOX
# would save another 0.09 of a decode at 45.1 dB.
RESAMPLE = Image.Resampling.HAMMING
# Whole-number steps (LARGE to MEDIUM is 2) average pixel blocks (Image.reduce) first.
REDUCING_GAP = 1.0
# Modes Pillow resamples as they are; others (palette, 16-bit) go through the
# processors' own conversion first, so they are not pre-scaled here.
_RESIZABLE = ("L", "LA", "RGB", "RGBA", "CMYK")

Size = tuple[int, int]


def scaled_size(full: Size, box: Size, *, cover: bool, upscale: bool) -> Size:
    """The size easy-thumbnails' scale_and_crop resizes a `full`-sized image to for `box`.

    Its rule: scale to cover the box (crop, or a box with a 0 side) or to fit inside it,
    never up unless `upscale`; round each side.
    """
    ratios = [want / have for want, have in zip(box, full, strict=True)]
    scale = max(ratios) if cover else min(ratios)
    if scale < 1 or (scale > 1 and upscale):
        return round(full[0] * scale), round(full[1] * scale)
    return full


class SetSource:
    """easy-thumbnails source generator for one thumbnail set (see the module docstring).

    `decoded` is the (full size as shown, image) that imaging.probe(keep_for=...) kept:
    upright, maybe with its ICC profile still to convert.
    """

    def __init__(self, decoded: tuple[Size, Image.Image] | None = None) -> None:
        self._full: Size | None = None  # the original's size as shown
        self._base: Image.Image | None = None  # the decode, as stored
        self._turn = 1  # EXIF orientation still to apply to the base
        self._made: list[Image.Image] = []  # upright, sRGB, no metadata
        if decoded is not None:
            self._full, self._base = decoded

    def __call__(
        self, source: Any, exif_orientation: bool = True, **options: Any
    ) -> Image.Image | None:
        box, cover, zoom = decoding.geometry(options)
        if not self._serves(box, cover, zoom):
            if not source:
                return None
            self._decode(source, box, cover, zoom, exif_orientation)
        exact = self._exact_size(box, cover, zoom, options)
        start = None if exact is None else self._pick(exact)
        if start is None:
            return self._finished_base()
        if start is self._base:
            return self._from_base(exact)
        if start.size == exact:
            return start
        return self._keep(start.resize(exact, RESAMPLE, reducing_gap=REDUCING_GAP))

    def _exact_size(
        self, box: Size, cover: bool, zoom: float, options: dict[str, Any]
    ) -> Size | None:
        """The size to hand over, or None to hand over the whole decode as it is.

        Zoom, autocrop and boxes without a size make scale_and_crop resize from
        what it is given in ways that pre-scaling would change, and an upscale needs
        every pixel of the original: those get the decode.
        """
        if self._full is None or zoom or options.get("autocrop") or not max(box):
            return None
        size = scaled_size(self._full, box, cover=cover, upscale=bool(options.get("upscale")))
        if size[0] > self._full[0] or size[1] > self._full[1]:
            return None
        return size

    def _shown_size(self, img: Image.Image) -> Size:
        """The size of an image at hand as shown (the decode may still be sideways)."""
        turned = img is self._base and self._turn in decoding.TRANSPOSED
        return img.size[::-1] if turned else img.size

    def _pick(self, size: Size) -> Image.Image | None:
        """The smallest image at hand with at least `size` pixels, the decode included."""
        usable = [
            img
            for img in (*self._made, self._base)
            if img.mode in _RESIZABLE
            and all(have >= want for have, want in zip(self._shown_size(img), size, strict=True))
        ]
        return min(usable, key=lambda img: img.width * img.height, default=None)

    def _serves(self, box: Size, cover: bool, zoom: float) -> bool:
        """Whether the decode at hand has the pixels `box` needs (no upscaling of a draft)."""
        if self._base is None or self._full is None:
            return False
        needed = decoding.draft_target(self._full, box, cover=cover, zoom=zoom) or self._full
        shown = self._shown_size(self._base)
        return all(have >= want for have, want in zip(shown, needed, strict=True))

    def _decode(
        self, source: Any, box: Size, cover: bool, zoom: float, exif_orientation: bool
    ) -> None:
        # Read into memory like easy-thumbnails does: storage files may not seek reliably.
        self._base, self._turn, self._full = decoding.open_drafted(
            io.BytesIO(source.read()), box, cover=cover, zoom=zoom, transpose=exif_orientation
        )

    def _from_base(self, size: Size) -> Image.Image:
        stored = size[::-1] if self._turn in decoding.TRANSPOSED else size
        if self._base.size == stored:
            return self._finished_base()
        resized = self._base.resize(stored, RESAMPLE, reducing_gap=REDUCING_GAP)
        return self._keep(decoding.to_srgb(decoding.upright(resized, self._turn)))

    def _finished_base(self) -> Image.Image:
        """The decode itself, turned and converted (once)."""
        self._base = decoding.to_srgb(decoding.upright(self._base, self._turn))
        self._turn = 1
        return self._base

    def _keep(self, img: Image.Image) -> Image.Image:
        # Processors never change an image in place (each step answers a new one), so
        # the image handed over is also the one the next sizes may start from.
        self._made.append(img)
        return img
