"""Helpers shared by the album tests."""

from media_graph.models import Photo
from tests.support.factories import gid


def photo_gids(*photos: Photo) -> list[str]:
    """The photos' global IDs, in the order given."""
    return [gid("Photo", p.pk) for p in photos]


def album_photo_ids(album: dict) -> list[str]:
    """The IDs of the photos an album answer lists, in its order."""
    return [edge["node"]["id"] for edge in album["photos"]["edges"]]
