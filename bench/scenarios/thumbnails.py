"""6. The thumbnail set (SMALL, MEDIUM, LARGE) of a 12 MP JPEG against naive Pillow.

- naive: for each size, open and fully decode the JPEG, one LANCZOS resize to the
  size (SMALL: cover, then a centred 320x320 crop; the others fit 640/1280), JPEG at
  quality 80. What easy-thumbnails does out of the box.
- ours: the app's real path, media_graph.thumbnails.render (easy-thumbnails aliases,
  the draft() source generator), into a throwaway in-memory storage.
- floor: one full decode of the JPEG (Image.open().load()): no set can cost less
  than decoding the file's entropy-coded data once.
Targets: ours <= 0.15 of naive's CPU time, and <= 1.3 full decodes (floor) of the same
file, both in the same run; PSNR >= 40 dB against naive's pixels per size (both
compared before JPEG encoding); peak memory of the set <= 100 MB, as peak RSS (VmHWM)
of a fresh interpreter running only that variant minus that of one that imported the
same modules and read the same file (tracemalloc misses Pillow's C buffers).
"""

import contextlib
import io
import math
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.measure import Line, at_most, interleave, median, ms, verdict

NAME = "thumbnails"
SIZE = (4000, 3000)
SIZES = {"small": ((320, 320), True), "medium": ((640, 640), False), "large": ((1280, 1280), False)}
LIMIT = 0.15
MAX_DECODES = 1.3
MIN_PSNR = 40.0
MAX_MB = 100.0
VARIANTS = ("idle", "naive", "ours", "floor")


def make_source() -> bytes:
    from tests.support.images import make_jpeg

    return make_jpeg(*SIZE, noise=True)  # quality 90, about 2.6 MB


# --- the three variants ---------------------------------------------------------------


def _naive_one(data: bytes, box: tuple[int, int], crop: bool):
    from PIL import Image

    img = Image.open(io.BytesIO(data))
    img.load()  # every pixel, full size
    width, height = img.size
    scale = (max if crop else min)(box[0] / width, box[1] / height)
    img = img.resize((round(width * scale), round(height * scale)), Image.Resampling.LANCZOS)
    if crop:  # centred, as easy-thumbnails crops
        left = max(0, min(img.width - box[0], img.width // 2 - box[0] // 2))
        top = max(0, min(img.height - box[1], img.height // 2 - box[1] // 2))
        img = img.crop((left, top, left + box[0], top + box[1]))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80, optimize=True)
    return img


def naive(data: bytes) -> dict:
    return {size: _naive_one(data, box, crop) for size, (box, crop) in SIZES.items()}


def ours(data: bytes, name: str) -> dict:
    """The app's thumbnail set; answers what render() recorded (it stored the files)."""
    from django.core.files.base import File

    from media_graph import storage, thumbnails

    made = thumbnails.render(File(io.BytesIO(data), name="upload.jpg"), relative_name=name)
    storage.delete(entry["name"] for entry in made.values())
    return made


def ours_images(data: bytes) -> dict:
    """The pixels render() encoded for each size, caught on their way to the encoder.

    easy-thumbnails' generate_thumbnail keeps the image it encoded on the thumbnail
    (`.image`); a spy around it records them during one real render() call, so these
    are exactly the app's pixels, whatever order or reuse render() uses.
    """
    from easy_thumbnails.files import Thumbnailer

    boxes = {box: size for size, (box, _) in SIZES.items()}
    caught = {}
    generate = Thumbnailer.generate_thumbnail

    def spy(self, thumbnail_options, *args, **kwargs):
        thumbnail = generate(self, thumbnail_options, *args, **kwargs)
        caught[boxes[tuple(thumbnail_options["size"])]] = thumbnail.image.copy()
        return thumbnail

    Thumbnailer.generate_thumbnail = spy
    try:
        ours(data, "originals/bench-psnr.jpg")
    finally:
        Thumbnailer.generate_thumbnail = generate
    return caught


def floor(data: bytes) -> None:
    from PIL import Image

    Image.open(io.BytesIO(data)).load()


def psnr(a, b) -> float:
    """Peak signal-to-noise ratio of two RGB images of one size, in dB (pure Pillow)."""
    from PIL import ImageChops

    if a.size != b.size:
        raise AssertionError(f"sizes differ: {a.size} and {b.size}")
    histogram = ImageChops.difference(a.convert("RGB"), b.convert("RGB")).histogram()
    squared = sum(count * (level % 256) ** 2 for level, count in enumerate(histogram))
    mse = squared / (a.width * a.height * 3)
    return math.inf if mse == 0 else 10 * math.log10(255**2 / mse)


@contextlib.contextmanager
def _in_memory_storage():
    """The app's local storage (the media protocol) in a folder of /dev/shm: no disk."""

    from django.conf import settings
    from django.test import override_settings

    shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
    with tempfile.TemporaryDirectory(dir=shm, prefix="bench-media-") as folder:
        default = {
            "BACKEND": "media_graph.storage.local.SignedFileSystemStorage",
            "OPTIONS": {"location": folder, "base_url": "/media/"},
        }
        with override_settings(STORAGES={**settings.STORAGES, "default": default}):
            yield


# --- the scenario -----------------------------------------------------------------------


def run(ctx) -> list[Line | str]:
    import itertools
    import time

    data = make_source()
    lines = [f"#   thumbnails: {len(data) / 2**20:.1f} MiB JPEG, {SIZE[0]}x{SIZE[1]}"]
    names = (f"originals/bench-thumbs-{i}.jpg" for i in itertools.count())

    def timed(work) -> float:
        started = time.process_time()
        work()
        return time.process_time() - started

    with _in_memory_storage():
        made = ours(data, next(names))
        reference, mine = naive(data), ours_images(data)
        for size, entry in made.items():
            if (entry["width"], entry["height"]) != reference[size].size:
                raise AssertionError(f"{size}: ours {entry}, naive {reference[size].size}")
        scores = {size: psnr(mine[size], reference[size]) for size in SIZES}
        samples = interleave(
            {
                "naive": lambda: timed(lambda: naive(data)),
                "ours": lambda: timed(lambda: ours(data, next(names))),
                "floor": lambda: timed(lambda: floor(data)),
            },
            runs=ctx.runs(10, 3),
            warmup=1,
        )
    peak = _peak_memory(data)

    mine_cpu, naive_cpu, floor_cpu = (median(samples[k]) for k in ("ours", "naive", "floor"))
    worst = min(scores.values())
    per_size = ", ".join(f"{size} {score:.1f}" for size, score in scores.items())
    lines += [
        at_most("thumbs", mine_cpu, naive_cpu, LIMIT),
        Line(
            "thumbs_decodes",
            ms(mine_cpu),
            f"one full decode {ms(floor_cpu)}",
            mine_cpu / floor_cpu,
            f"<= {MAX_DECODES:g}",
            verdict(mine_cpu / floor_cpu <= MAX_DECODES),
        ),
        Line(
            "thumbs_psnr",
            f"{worst:.1f} dB",
            f"vs naive: {per_size} dB",
            None,
            f">= {MIN_PSNR:g} dB",
            verdict(worst >= MIN_PSNR),
        ),
        Line(
            "thumbs_memory",
            f"{peak['ours']:.1f} MB",
            f"naive {peak['naive']:.1f} MB; one full decode {peak['floor']:.1f} MB",
            peak["ours"] / peak["naive"],
            f"<= {MAX_MB:g} MB",
            verdict(peak["ours"] <= MAX_MB),
        ),
    ]
    return lines


def _peak_memory(data: bytes) -> dict[str, float]:
    """Peak RSS in MB above an idle interpreter, each variant in a fresh process."""
    with tempfile.NamedTemporaryFile(suffix=".jpg", delete=False) as file:
        file.write(data)
    try:
        rss = {}
        for variant in VARIANTS:
            result = subprocess.run(
                [sys.executable, "-m", "bench.scenarios.thumbnails", variant, file.name],
                capture_output=True,
                text=True,
                check=True,
                cwd=Path(__file__).resolve().parents[2],
                env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"},
            )
            rss[variant] = int(result.stdout.split()[-1])
    finally:
        os.unlink(file.name)
    return {v: (rss[v] - rss["idle"]) / 1024 for v in VARIANTS if v != "idle"}


def _child(variant: str, path: str) -> None:
    """Run one variant once in this fresh process; print the peak RSS in KiB."""
    import django

    django.setup()
    import easy_thumbnails.engine
    import easy_thumbnails.files
    import easy_thumbnails.processors  # noqa: F401
    from PIL import Image, JpegImagePlugin  # noqa: F401

    import media_graph.imaging
    import media_graph.thumbnails  # noqa: F401

    data = Path(path).read_bytes()
    with _in_memory_storage():
        if variant == "naive":
            naive(data)
        elif variant == "ours":
            ours(data, "originals/bench-memory.jpg")
        elif variant == "floor":
            floor(data)
    print(_peak_rss_kib())


def _peak_rss_kib() -> int:
    """This process's peak RSS. VmHWM belongs to this process's own address space;
    ru_maxrss would also carry the parent's peak across fork and exec on Linux."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


if __name__ == "__main__":
    _child(*sys.argv[1:3])
