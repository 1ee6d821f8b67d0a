"""5. uploadPhoto of a ~5 MB JPEG (multipart spec) to S3 against a plain upload view.

Both requests carry the same bytes as multipart/form-data and go through Django's
upload handling (the app's SizeLimitedUploadHandler, which streams to a temp file).
The plain view (bench.baselines.upload) stores the file with the same storage under a
fresh key and makes the same three thumbnails through the same code path
(media_graph.thumbnails.render). The mutation does, on top of that, what the issue
leaves out of the baseline: header and full-entropy check of the image (probe), EXIF,
SHA-256 and the duplicate lookup, the row, tags. Storage is the rclone S3 server
(bench/run.py starts it); its CPU, being another process, is not counted. Every upload
carries different bytes (a counter in the EXIF camera model, changed outside the
timed part), so the duplicate check never short-circuits.
Target: CPU ratio <= 1.2.
"""

import itertools
from functools import partial

from bench.measure import Line, at_most, interleave, median

NAME = "upload"
SIZE = (4000, 3000)  # 12 MP, noisy, quality 97: about 5 MB
MARKER = b"BENCHCAM-0000000000"
QUERY = """
mutation Upload($file: Upload!) {
  uploadPhoto(input: {file: $file}) {
    ... on Photo {
      id status
      small: thumbnail(size: SMALL) { width height }
      medium: thumbnail(size: MEDIUM) { width height }
      large: thumbnail(size: LARGE) { width height }
    }
    ... on OperationInfo { messages { code field message } }
  }
}
"""
LIMIT = 1.2


def _jpeg() -> bytes:
    from tests.support.images import make_jpeg

    data = make_jpeg(*SIZE, noise=True, quality=97, model=MARKER.decode())
    if data.count(MARKER) != 1:
        raise AssertionError("the EXIF marker is not in the JPEG exactly once")
    return data


def _s3_storages(server):
    from django.conf import settings

    return {
        **settings.STORAGES,
        "default": {
            "BACKEND": "media_graph.storage.s3.StableUrlS3Storage",
            "OPTIONS": {
                **server.django_storage_options(),
                "client_config": settings.AWS_S3_CLIENT_CONFIG,
            },
        },
    }


def run(ctx) -> list[Line | str]:
    from django.conf import settings
    from django.test import override_settings

    if settings.USE_S3:
        return _run(ctx)
    with override_settings(STORAGES=_s3_storages(ctx.s3), USE_S3=True):
        return _run(ctx)


def _uploader():
    from bench import dataset as ds
    from users.models import User

    return User.objects.get(username=ds.UPLOADER)


def cleanup(ctx) -> None:
    """The uploads' rows (drafts of the uploader; their files are in a temporary bucket)."""
    from media_graph.models import Photo

    Photo.objects.filter(owner=_uploader(), status="DRAFT").delete()


def _environs(ctx) -> dict:
    """graphql / plain: () -> a fresh upload request (new bytes each time)."""
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    from users.jwt_tokens import issue_tokens

    app = ctx.app
    token = issue_tokens(_uploader()).token
    data = _jpeg()
    counter = itertools.count(1)

    def fresh() -> SimpleUploadedFile:
        stamp = f"BENCHCAM-{next(counter):010d}".encode()
        return SimpleUploadedFile("photo.jpg", data.replace(MARKER, stamp), "image/jpeg")

    def graphql() -> dict:
        operations = json.dumps({"query": QUERY, "variables": {"file": None}})
        form = {"operations": operations, "map": json.dumps({"0": ["variables.file"]})}
        return app.environ("POST", "/graphql/", token=token, data={**form, "0": fresh()})

    def plain() -> dict:
        return app.environ("POST", "/bench/upload/", token=token, data={"file": fresh()})

    return {"graphql": graphql, "plain": plain, "size": len(data)}


def operations(ctx) -> dict:
    """name -> prepare(): builds one upload request (untimed), answers the call running it.

    Needs the S3 storage configured (bench.profile runs it with --media s3).
    """
    environs = _environs(ctx)
    return {
        f"upload-{side}": (lambda side=side: partial(ctx.app.call, environs[side]()))
        for side in ("graphql", "plain")
    }


def _run(ctx) -> list[Line | str]:
    from bench.scenarios.common import data_of

    app = ctx.app
    cleanup(ctx)  # a crashed run's
    environs = _environs(ctx)
    try:
        made = data_of(app.call(environs["graphql"]()), "uploadPhoto")["uploadPhoto"]
        plain = data_of(app.call(environs["plain"]()), "plain upload")["upload"]
        sizes = {size: made.get(size) for size in ("small", "medium", "large")}
        if made.get("status") != "DRAFT" or sizes != plain:
            raise AssertionError(f"uploadPhoto answered {made}, the plain view {plain}")
        samples = interleave(
            {
                "graphql": lambda: app.call(environs["graphql"]()).cpu,
                "plain": lambda: app.call(environs["plain"]()).cpu,
            },
            runs=ctx.runs(15, 3),
            warmup=ctx.runs(2, 1),
        )
    finally:
        cleanup(ctx)
    return [
        f"#   upload: {environs['size'] / 2**20:.1f} MiB JPEG, {SIZE[0]}x{SIZE[1]}, "
        f"to {ctx.s3.endpoint_url}",
        at_most("upload", median(samples["graphql"]), median(samples["plain"]), LIMIT),
    ]
