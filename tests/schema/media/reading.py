"""What the photo and tag reading tests share: the points of view, photos made through
the upload service (fresh bytes each time), and the list queries several of them read."""

import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from media_graph.models import Photo
from media_graph.services.photos import photo_upload
from tests.support.images import make_jpeg

VIEWERS = ("alice", "bob", "anonymous")

# Thumbnails are made on commit; reading does not depend on the storage, the filesystem is
# enough. Each reading module sets `pytestmark = READING` (its `viewers` fixture: conftest).
READING = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.parametrize("media", ["filesystem"], indirect=True),
]

_unique = itertools.count()


def uploaded_photo(owner, caption: str = "", *, publish: bool = True, size=(64, 48)) -> Photo:
    """A photo by `owner` through the upload service; every call gives new bytes."""
    content = make_jpeg(*size, lens=f"lens {next(_unique)}")
    upload = SimpleUploadedFile("p.jpg", content, content_type="image/jpeg")
    return photo_upload(owner=owner, file=upload, caption=caption, publish=publish)


PHOTOS = """
query($filters: PhotoFilter, $order: PhotoOrder,
      $first: Int, $after: String, $last: Int, $before: String) {
  photos(filters: $filters, order: $order,
         first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { id caption status } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


def list_photos(client, **variables) -> dict:
    return client.execute(PHOTOS, variables).data["photos"]


USER_PHOTOS = """
query($username: String!, $first: Int) {
  user(username: $username) {
    username
    photos(first: $first) { totalCount edges { node { id caption status } } }
  }
}
"""

TAG = """
query($name: String!, $first: Int) {
  tag(name: $name) {
    name photosCount
    photos(first: $first) { totalCount edges { node { id caption status } } }
  }
}
"""
