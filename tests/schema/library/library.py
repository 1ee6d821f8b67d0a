"""What the library tests share: photos uploaded through the service with chosen EXIF."""

import itertools

from django.core.files.uploadedfile import SimpleUploadedFile

from media_graph.models import Photo
from media_graph.services.photos import photo_upload
from tests.support.images import make_exif, make_jpeg

_unique = itertools.count()


def photo_with(
    owner,
    caption: str = "",
    *,
    gps: tuple[float, float] | None = None,
    taken_at: str | None = None,
    offset: str | None = None,
    publish: bool = True,
    alt_text: str = "",
) -> Photo:
    """A JPEG by `owner` through the upload service, with this GPS and EXIF time."""
    exif = make_exif(gps=gps, taken_at=taken_at, offset=offset, lens=f"lens {next(_unique)}")
    upload = SimpleUploadedFile("p.jpg", make_jpeg(64, 48, exif=exif), content_type="image/jpeg")
    return photo_upload(
        owner=owner, file=upload, caption=caption, alt_text=alt_text, publish=publish
    )
