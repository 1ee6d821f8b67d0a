"""upload_direct: createPhotoUpload + finalizePhotoUpload of the ~5 MB JPEG against the
proxied uploadPhoto of the same bytes, both to S3 (the rclone server bench/run.py starts).

The direct side is timed for its two API calls only: the PUT of the bytes goes from the
client (requests, untimed) straight to storage, as a browser's would. Finalize then
reads the object back once (GET), checks it as uploadPhoto checks an upload (the same
probe, SHA-256, duplicate lookup), copies it to originals/ server-side and writes the
row. Two lines: `upload_direct` with the thumbnails made inline on both sides (no broker,
as in the `upload` scenario), and `upload_direct_queued` with a broker (tasks to
BENCH_REDIS_URL, no worker), where the request paths hold only the checks and the
storage calls. The storage's own CPU, another process, is not counted. New bytes every
time (the EXIF marker), so the duplicate check never short-circuits.
Target: CPU ratio <= 0.5. (<= 0.3 is the target where the storage verifies the signed
x-amz-checksum-sha256 so finalize could skip the full read; rclone does not verify it.)
"""

import hashlib
import itertools
import json

from bench.measure import Line, at_most, interleave, median
from bench.scenarios.upload import MARKER, SIZE, _jpeg, _s3_storages, _uploader

NAME = "upload_direct"
LIMIT = 0.5
CREATE = """
mutation Create($input: CreatePhotoUploadInput!) {
  createPhotoUpload(input: $input) {
    ... on UploadTarget { uploadId url method headers }
    ... on OperationInfo { messages { code field message } }
  }
}
"""
# What both mutations answer: the photo as an upload's answer shows it, or the codes.
ANSWER = """
    ... on Photo {
      id status processingStatus
      small: thumbnail(size: SMALL) { width height }
      medium: thumbnail(size: MEDIUM) { width height }
      large: thumbnail(size: LARGE) { width height }
    }
    ... on OperationInfo { messages { code field message } }"""
PROXIED = f"""
mutation Upload($file: Upload!) {{
  uploadPhoto(input: {{file: $file}}) {{{ANSWER}
  }}
}}
"""
FINALIZE = f"""
mutation Finalize($id: ID!) {{
  finalizePhotoUpload(input: {{uploadId: $id}}) {{{ANSWER}
  }}
}}
"""


def run(ctx) -> list[Line | str]:
    from django.conf import settings
    from django.test import override_settings

    from bench.scenarios.upload_queued import REDIS_URL, queued, redis_answers

    storages = {} if settings.USE_S3 else {"STORAGES": _s3_storages(ctx.s3)}
    with override_settings(USE_S3=True, **storages):
        lines = _run(ctx, NAME)
        if not redis_answers():
            return [*lines, f"#   {NAME}_queued: no Redis at {REDIS_URL}: not measured"]
        with queued():
            return [*lines, *_run(ctx, f"{NAME}_queued")]


def cleanup(ctx) -> None:
    from media_graph.models import Photo, StagedUpload

    Photo.objects.filter(owner=_uploader(), status="DRAFT").delete()
    StagedUpload.objects.filter(owner=_uploader()).delete()


def _sides(ctx):
    """direct / proxied: () -> (CPU seconds of the API calls, the photo as answered)."""
    import requests
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bench.scenarios.common import data_of
    from users.jwt_tokens import issue_tokens

    app = ctx.app
    token = issue_tokens(_uploader()).token
    data = _jpeg()
    counter = itertools.count(1)
    session = requests.Session()

    def fresh() -> bytes:
        return data.replace(MARKER, f"BENCHCAM-{next(counter):010d}".encode())

    def direct():
        content = fresh()
        declared = {
            "filename": "photo.jpg",
            "contentType": "image/jpeg",
            "sizeBytes": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
        }
        created = app.call(app.graphql(CREATE, {"input": declared}, token=token))
        target = data_of(created, "createPhotoUpload")["createPhotoUpload"]
        sent = session.put(target["url"], data=content, headers=target["headers"], timeout=30)
        if sent.status_code != 200:
            raise AssertionError(f"the PUT answered {sent.status_code}: {sent.text[:300]}")
        done = app.call(app.graphql(FINALIZE, {"id": target["uploadId"]}, token=token))
        photo = data_of(done, "finalizePhotoUpload")["finalizePhotoUpload"]
        return created.cpu + done.cpu, photo

    def proxied():
        operations = json.dumps({"query": PROXIED, "variables": {"file": None}})
        form = {"operations": operations, "map": json.dumps({"0": ["variables.file"]})}
        upload = SimpleUploadedFile("photo.jpg", fresh(), "image/jpeg")
        reply = app.call(app.environ("POST", "/graphql/", token=token, data={**form, "0": upload}))
        return reply.cpu, data_of(reply, "uploadPhoto")["uploadPhoto"]

    return {"direct": direct, "proxied": proxied, "size": len(data)}


def _run(ctx, name: str) -> list[Line | str]:
    cleanup(ctx)  # a crashed run's
    sides = _sides(ctx)
    try:
        _, direct = sides["direct"]()
        _, proxied = sides["proxied"]()
        shape = ("status", "processingStatus", "small", "medium", "large")
        if [direct.get(k) for k in shape] != [proxied.get(k) for k in shape]:
            raise AssertionError(f"finalize answered {direct}, uploadPhoto {proxied}")
        samples = interleave(
            {
                "direct": lambda: sides["direct"]()[0],
                "proxied": lambda: sides["proxied"]()[0],
            },
            runs=ctx.runs(15, 3),
            warmup=ctx.runs(2, 1),
        )
    finally:
        cleanup(ctx)
    where = "tasks queued (no worker)" if name.endswith("queued") else "thumbnails inline"
    return [
        f"#   {name}: {sides['size'] / 2**20:.1f} MiB JPEG, {SIZE[0]}x{SIZE[1]}, "
        f"to {ctx.s3.endpoint_url}; create + finalize against uploadPhoto; {where}",
        at_most(name, median(samples["direct"]), median(samples["proxied"]), LIMIT),
    ]
