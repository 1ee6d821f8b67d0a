"""Events (named time spans of the owner's photos) and photo groups (related files).

An event stores no photos: its photos are the owner's taken (takenAt, else createdAt)
within [start, end], found by query (querysets.EventQuerySet, span_photos.py), so a
photo uploaded later, or whose takenAt the worker reads later, joins without a write.
"""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models

from media_graph.models.albums import DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH, Album
from media_graph.models.span_photos import SpanPhotos
from media_graph.querysets import EventQuerySet

# The longest span (the contract's bound): a year, a leap day included.
MAX_EVENT_SPAN = timedelta(days=366)


class Event(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="events"
    )
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    description = models.TextField(
        blank=True, validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)]
    )
    # The albums' choices: the contract types it AlbumVisibility, and the rule is theirs.
    visibility = models.CharField(
        max_length=10, choices=Album.Visibility.choices, default=Album.Visibility.PRIVATE
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    cover = models.ForeignKey(
        "media_graph.Photo", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()
    # Its photos, for Prefetch only: found by the span, never stored (models/span_photos.py).
    span_photos = SpanPhotos()

    class Meta:
        base_manager_name = "objects"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="event_span"
            )
        ]
        # User.events: an owner's events, newest (latest start) first.
        indexes = [models.Index(fields=["owner", "-start", "-id"], name="event_owner_newest")]

    def __str__(self) -> str:
        return self.title


class PhotoGroup(models.Model):
    """Files of one moment (RAW + JPEG, a Live Photo's still and clip, an edit and its
    source): its photos point at it (Photo.group). A group of one is dissolved."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="photo_groups"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Photo group {self.pk} of {self.owner_id}"
