"""Helpers shared by the event tests."""

from datetime import datetime

from media_graph.models import Event, Photo
from tests.support.factories import photo_row


def taken(owner, when: datetime, *, published: bool = True, caption: str = "") -> Photo:
    """A photo row taken at `when` (takenAt set)."""
    photo = photo_row(owner, caption, published=published)
    Photo.objects.filter(pk=photo.pk).update(taken_at=when)
    photo.taken_at = when
    return photo


def event_row(owner, start: datetime, end: datetime, *, visibility="PRIVATE", title="Trip"):
    return Event.objects.create(
        owner=owner, title=title, start=start, end=end, visibility=visibility
    )


def node_ids(connection: dict) -> list[str]:
    return [edge["node"]["id"] for edge in connection["edges"]]
