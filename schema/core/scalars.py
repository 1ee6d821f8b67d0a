"""Scalars whose input parsing is ours: every bad value is a client error with a plain message.

Strawberry's own DateTime passes dateutil's exception text through ("invalid literal
for int() with base 10: b'yest'"), accepts values without an offset (compared with
stored UTC times they are off by the client's zone) and lets dates overflow when they
are moved to UTC. Its Upload takes any JSON value, so a string where a file belongs
reached the upload service.
"""

from datetime import UTC, datetime

from django.core.files.uploadedfile import UploadedFile
from strawberry.file_uploads import Upload
from strawberry.types.scalar import scalar

DATETIME_EXAMPLE = "2026-01-31T09:30:00Z"


def parse_datetime(value: object) -> datetime:
    expected = f"Expected an ISO 8601 date-time with a UTC offset, such as {DATETIME_EXAMPLE}."
    if not isinstance(value, str):
        raise ValueError(expected)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(expected) from None
    if parsed.tzinfo is None:
        raise ValueError(f"The date-time has no UTC offset. {expected}")
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise ValueError("The date-time is out of range.") from None


def parse_upload(value: object) -> UploadedFile:
    if not isinstance(value, UploadedFile):
        raise ValueError(
            "Expected a file: send it as a part of a multipart request "
            "(the GraphQL multipart request spec, as curl -F and apollo-upload-client do)."
        )
    return value


DateTime = scalar(
    name="DateTime",
    description="ISO 8601 date-time with a UTC offset, e.g. 2026-01-31T09:30:00Z.",
    serialize=lambda value: value.isoformat(),
    parse_value=parse_datetime,
)

UploadScalar = scalar(
    name="Upload",
    description="A file, sent by the GraphQL multipart request spec (as curl -F does).",
    serialize=lambda value: value,
    parse_value=parse_upload,
)

SCALAR_OVERRIDES = {datetime: DateTime, Upload: UploadScalar}
