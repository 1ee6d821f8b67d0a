"""Helpers shared by the comment tests."""

from media_graph.models import Photo


def comments_count(photo: Photo) -> int:
    """The photo's comments_count as stored."""
    photo.refresh_from_db(fields=["comments_count"])
    return photo.comments_count
