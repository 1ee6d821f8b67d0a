"""12. Video: probing a clip in the request, and the worker's poster task.

- video_probe: accepting a 60 s 1080p H.264 clip as uploadPhoto checks it (the first
  bytes sniffed, then imaging.video.probe: the header, one frame, the last second's
  packets) against storing the same bytes (FileSystemStorage.save of the file, as
  the upload's original is stored). Target: <= 1.2. The probe must not grow with the
  clip's length: it never reads the file whole.
- video_poster: the poster task's work for that clip (the poster frame 10% in, then
  the thumbnail set from it, into an in-memory storage) against one full decode of a
  12 MP JPEG (the thumbnails scenario's floor): printed, no target.

The clip is encoded once (libx264, ultrafast, 16 Mbit/s as phones record 1080p) into
var/bench-media/ and reused.
"""

import io
import shutil
import tempfile
import time
from pathlib import Path

from bench.measure import Line, at_most, interleave, median, ms

NAME = "video"
SECONDS, SIZE, RATE = 60, (1920, 1080), 30
BITRATE = 16_000_000
LIMIT = 1.2
CLIP = Path(__file__).resolve().parent.parent.parent / "var" / "bench-media" / "video-60s-16M.mp4"


def make_clip() -> Path:
    """A 60 s 1080p H.264 clip at a phone's bitrate (16 Mbit/s: about 115 MiB), once.

    Film grain (a few noise fields, cycled) over a moving ramp and disc makes the
    encoder spend the bits a camera's picture would take.
    """
    if CLIP.exists():
        return CLIP
    import av
    from PIL import Image, ImageDraw

    CLIP.parent.mkdir(parents=True, exist_ok=True)
    partial = CLIP.with_suffix(".partial")
    base = Image.linear_gradient("L").resize(SIZE)
    grain = [Image.effect_noise(SIZE, 40) for _ in range(7)]
    with av.open(str(partial), "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=RATE, options={"preset": "ultrafast"})
        stream.width, stream.height, stream.pix_fmt = *SIZE, "yuv420p"
        stream.bit_rate = BITRATE
        for index in range(SECONDS * RATE):
            shift = (index * 7) % SIZE[0]
            green = base.transform(SIZE, Image.Transform.AFFINE, (1, 0, shift, 0, 1, 0))
            green = Image.blend(green, grain[index % len(grain)], 0.35)
            img = Image.merge("RGB", (grain[(index + 3) % len(grain)], green, base))
            x = (index * 13) % (SIZE[0] - 200)
            ImageDraw.Draw(img).ellipse((x, 400, x + 200, 600), fill=(230, 200, 20))
            container.mux(stream.encode(av.VideoFrame.from_image(img)))
        container.mux(stream.encode())
    partial.rename(CLIP)
    return CLIP


def _probe(path: Path) -> None:
    from django.conf import settings

    from media_graph.imaging import video

    with open(path, "rb") as file:
        fmt = video.sniff(file.read(video.HEAD_BYTES))
        video.probe(
            file,
            fmt=fmt,
            max_pixels=settings.MAX_IMAGE_PIXELS,
            max_seconds=settings.MAX_VIDEO_SECONDS,
            max_aspect_ratio=settings.MAX_IMAGE_ASPECT_RATIO,
        )


def _store(path: Path, storage) -> None:
    from django.core.files import File

    with open(path, "rb") as file:
        name = storage.save("originals/bench-video.mp4", File(file))
    storage.delete(name)


def _poster(path: Path) -> None:
    from media_graph import posters, storage, thumbnails

    with open(path, "rb") as file:
        poster, data = posters.make(file, set_name="originals/bench.mp4", duration=SECONDS)
    made = thumbnails.render(io.BytesIO(data), relative_name="originals/bench.mp4")
    storage.delete([poster["name"], *(entry["name"] for entry in made.values())])


def run(ctx) -> list[Line | str]:
    from django.core.files.storage import FileSystemStorage

    from bench.scenarios.thumbnails import _in_memory_storage, floor, make_source

    path = make_clip()
    lines = [f"#   video: {path.stat().st_size / 2**20:.1f} MiB, {SECONDS} s {SIZE[0]}x{SIZE[1]}"]

    def timed(work) -> float:
        started = time.process_time()
        work()
        return time.process_time() - started

    root = tempfile.mkdtemp(prefix="bench-video-")
    try:
        fs = FileSystemStorage(location=root, allow_overwrite=True)
        probes = interleave(
            {
                "probe": lambda: timed(lambda: _probe(path)),
                "store": lambda: timed(lambda: _store(path, fs)),
            },
            runs=ctx.runs(10, 3),
            warmup=1,
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)
    jpeg = make_source()
    with _in_memory_storage():
        posters_ = interleave(
            {
                "poster": lambda: timed(lambda: _poster(path)),
                "decode": lambda: timed(lambda: floor(jpeg)),
            },
            runs=ctx.runs(5, 2),
            warmup=1,
        )
    probe, store = median(probes["probe"]), median(probes["store"])
    poster, decode = median(posters_["poster"]), median(posters_["decode"])
    lines += [
        at_most("video_probe", probe, store, LIMIT),
        Line(
            "video_poster",
            ms(poster),
            f"one 12 MP JPEG decode {ms(decode)}",
            poster / decode,
            "-",
            "info",
        ),
    ]
    return lines
