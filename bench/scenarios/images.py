"""7. Images clients can cache and choose (issue 14): formats, variants, placeholders, URLs.

- webp_bytes, avif_bytes: the MEDIUM rendition (640 px) of the 12 MP JPEG, naive
  (full decode, one LANCZOS resize), encoded at the lowest quality whose SSIM against
  those pixels is >= 0.98 (8x8 blocks on luma, computed here), in WEBP and AVIF against
  JPEG: bytes ratio <= 0.75 and <= 0.6. Info: the SSIM of the app's own encodings.
- variant_first_fetch: GET of a new 960-wide WEBP variant's URL of that JPEG (download
  the original, render, store, redirect) against one full decode of the JPEG, <= 1.5;
  variant_cached_fetch: the second GET (a lookup and a redirect), <= 0.05 of the first.
- placeholder: BlurHash + dominant colour from the set's MEDIUM (the smallest
  rendition of the whole frame; SMALL is a crop) against the thumbnail set, <= 0.05.
- feed_urls_stable: two feed(first: 20) queries 2 s apart, image + thumbnail + srcSet
  URLs identical (ratio of identical URLs: 1.00). feed20_images: that feed with
  image(width: 640) and blurhash on every photo against the plain view doing the same
  (bench.baselines.feed_images), within feed20's target (1.5).
"""

import hashlib
import io
import itertools
import time

from bench.measure import Line, at_most, interleave, median, ms, verdict
from bench.scenarios.common import same_answer

NAME = "images"
MIN_SSIM = 0.98
WEBP_LIMIT, AVIF_LIMIT = 0.75, 0.6
FIRST_LIMIT, CACHED_LIMIT, PLACEHOLDER_LIMIT, FEED_LIMIT = 1.5, 0.05, 0.05, 1.5
FEED = """
query Feed($first: Int!) {
  feed(first: $first) {
    edges {
      cursor
      node {
        id caption publishedAt
        owner { id username displayName }
        thumbnail(size: MEDIUM) { url width height }
        tags { name }
        likesCount commentsCount viewerHasLiked
        image(width: 640) { url width height format }
        blurhash
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""
URLS = (
    "{ feed(first: 20) { edges { node { image(width: 640) { url } thumbnail { url } srcSet } } } }"
)


def ssim(a, b) -> float:
    """Mean SSIM over 8x8 blocks of the luma of two images of one size (Wang et al. 2004)."""
    x, y = list(a.convert("L").get_flattened_data()), list(b.convert("L").get_flattened_data())
    width, height = a.size
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    total, blocks = 0.0, 0
    for top in range(0, height - 7, 8):
        for left in range(0, width - 7, 8):
            xs, ys = [], []
            for row in range(top, top + 8):
                start = row * width + left
                xs += x[start : start + 8]
                ys += y[start : start + 8]
            mx, my = sum(xs) / 64, sum(ys) / 64
            vx = sum((v - mx) ** 2 for v in xs) / 63
            vy = sum((v - my) ** 2 for v in ys) / 63
            cov = sum((p - mx) * (q - my) for p, q in zip(xs, ys, strict=True)) / 63
            total += ((2 * mx * my + c1) * (2 * cov + c2)) / (
                (mx * mx + my * my + c1) * (vx + vy + c2)
            )
            blocks += 1
    return total / blocks


def _encode(img, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **options)
    return out.getvalue()


def _lowest_quality(img, fmt: str, extra: dict) -> tuple[int, int, float]:
    """(quality, bytes, ssim) of the lowest quality reaching MIN_SSIM (binary search)."""
    from PIL import Image

    low, high, best = 1, 100, None
    while low <= high:
        quality = (low + high) // 2
        data = _encode(img, fmt, quality=quality, **extra)
        score = ssim(Image.open(io.BytesIO(data)), img)
        if score >= MIN_SSIM:
            best, high = (quality, len(data), score), quality - 1
        else:
            low = quality + 1
    if best is None:
        raise AssertionError(f"{fmt} never reaches SSIM {MIN_SSIM}")
    return best


def _formats(data: bytes) -> list[Line]:
    from PIL import Image

    from media_graph.imaging.ladder import ENCODINGS

    naive = Image.open(io.BytesIO(data))
    naive.load()
    medium = naive.resize((640, 480), Image.Resampling.LANCZOS)
    found = {
        fmt: _lowest_quality(medium, fmt, extra)
        for fmt, extra in (("JPEG", {}), ("WEBP", {"method": 2}), ("AVIF", {"speed": 8}))
    }
    ours = {
        fmt: ssim(Image.open(io.BytesIO(_encode(medium, fmt, **ENCODINGS[fmt]))), medium)
        for fmt in ENCODINGS
    }
    shipped = ", ".join(f"{fmt} {score:.3f}" for fmt, score in ours.items())
    jpeg_q, jpeg_bytes, _ = found["JPEG"]
    lines = []
    for fmt, limit in (("WEBP", WEBP_LIMIT), ("AVIF", AVIF_LIMIT)):
        quality, size, score = found[fmt]
        ratio = size / jpeg_bytes
        lines.append(
            Line(
                f"{fmt.lower()}_bytes",
                f"{size / 1024:.1f} KiB at q{quality} (SSIM {score:.3f})",
                f"JPEG {jpeg_bytes / 1024:.1f} KiB at q{jpeg_q}; app's encodings' SSIM {shipped}",
                ratio,
                f"<= {limit:g}",
                verdict(ratio <= limit),
            )
        )
    return lines


def _bench_photo(ctx, data: bytes):
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from media_graph import storage
    from media_graph.models import Photo, original_key

    name = storage.save(original_key("jpg"), ContentFile(data))
    return Photo.objects.create(
        owner=ctx.viewer,
        status=Photo.Status.PUBLISHED,
        published_at=timezone.now() - timezone.timedelta(days=3650),  # off the feed's page
        original=name,
        content_type="image/jpeg",
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        width=4000,
        height=3000,
        processing_status=Photo.ProcessingStatus.READY,
    )


def _variants(ctx, data: bytes) -> list[Line]:
    from PIL import Image

    from media_graph import storage, variants
    from media_graph.models import ImageVariant

    app, photo = ctx.app, _bench_photo(ctx, data)
    environ = lambda: app.environ("GET", variants.url(photo.pk, 960, "WEBP"))  # noqa: E731

    def forget() -> None:
        names = list(ImageVariant.objects.filter(photo=photo).values_list("name", flat=True))
        ImageVariant.objects.filter(photo=photo).delete()
        storage.delete(names)

    def first() -> float:
        forget()
        request = environ()
        reply = app.call(request)
        assert reply.status == 302, reply.status
        return reply.cpu

    def cached() -> float:
        request = environ()
        reply = app.call(request)
        assert reply.status == 302, reply.status
        return reply.cpu

    def decode() -> float:
        started = time.process_time()
        Image.open(io.BytesIO(data)).load()
        return time.process_time() - started

    try:
        samples = interleave(
            {"first": first, "cached": cached, "decode": decode},
            runs=ctx.runs(10, 3),
            warmup=1,
        )
    finally:
        forget()
        name = photo.original.name
        photo.delete()
        storage.delete([name])
    first_cpu, cached_cpu = median(samples["first"]), median(samples["cached"])
    return [
        Line(
            "variant_first_fetch",
            ms(first_cpu),
            f"one full decode {ms(median(samples['decode']))}",
            first_cpu / median(samples["decode"]),
            f"<= {FIRST_LIMIT:g}",
            verdict(first_cpu / median(samples["decode"]) <= FIRST_LIMIT),
        ),
        at_most("variant_cached_fetch", cached_cpu, first_cpu, CACHED_LIMIT),
    ]


def _placeholder(ctx, data: bytes) -> list[Line]:
    from django.core.files.base import File

    from bench.scenarios.thumbnails import _in_memory_storage
    from media_graph import storage, thumbnails
    from media_graph.imaging import placeholders

    names = (f"originals/bench-placeholder-{i}.jpg" for i in itertools.count())

    def render_set(images=None) -> float:
        started = time.process_time()
        made = thumbnails.render(
            File(io.BytesIO(data), name="u.jpg"), relative_name=next(names), images=images
        )
        cpu = time.process_time() - started
        storage.delete(entry["name"] for entry in made.values())
        return cpu

    with _in_memory_storage():
        images: dict = {}
        render_set(images)

        def describe() -> float:
            started = time.process_time()
            placeholders.describe(images["medium"])
            return time.process_time() - started

        samples = interleave(
            {"set": render_set, "placeholder": describe}, runs=ctx.runs(10, 3), warmup=1
        )
    return [
        at_most(
            "placeholder", median(samples["placeholder"]), median(samples["set"]), PLACEHOLDER_LIMIT
        )
    ]


def _feed(ctx) -> list[Line]:
    from bench.scenarios.common import data_of

    app = ctx.app

    def urls() -> list[str]:
        data = data_of(app.call(app.graphql(URLS, token=ctx.token)), "feed URLs")
        found = []
        for edge in data["feed"]["edges"]:
            node = edge["node"]
            found += [node["image"]["url"], node["thumbnail"]["url"], node["srcSet"]]
        return found

    before = urls()
    time.sleep(2)
    after = urls()
    same = sum(a == b for a, b in zip(before, after, strict=True)) / len(before)
    lines = [
        Line(
            "feed_urls_stable",
            f"{sum(a == b for a, b in zip(before, after, strict=True))} of {len(before)} URLs",
            "two feed(first: 20) queries 2 s apart",
            same,
            "== 1",
            verdict(same == 1),
        )
    ]
    graphql = lambda: app.call(app.graphql(FEED, {"first": 20}, token=ctx.token))  # noqa: E731
    plain = lambda: app.call(app.environ("GET", "/bench/feed-images/?first=20", token=ctx.token))  # noqa: E731
    same_answer(graphql(), plain(), "feed(first: 20) with images")
    samples = interleave(
        {"graphql": lambda: graphql().cpu, "plain": lambda: plain().cpu},
        runs=ctx.runs(200, 30),
        warmup=ctx.runs(20, 5),
    )
    lines.append(
        at_most("feed20_images", median(samples["graphql"]), median(samples["plain"]), FEED_LIMIT)
    )
    return lines


def run(ctx) -> list:
    from bench.scenarios.thumbnails import make_source

    data = make_source()
    lines: list = [f"#   images: {len(data) / 2**20:.1f} MiB JPEG, 4000x3000"]
    lines += _formats(data)
    lines += _variants(ctx, data)
    lines += _placeholder(ctx, data)
    lines += _feed(ctx)
    return lines
