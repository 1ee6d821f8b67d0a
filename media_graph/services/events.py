"""Events: create, edit, delete (the photos stay). An event stores its span, never its
photos (models/events.py)."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from media_graph.models import MAX_EVENT_SPAN, Album, Event, Photo
from media_graph.querysets import event_photos
from project.codes import PayloadCode
from project.services import model_update
from users.locks import hold_users
from users.models import User


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=PayloadCode.INVALID)})


def _check_span(start: datetime, end: datetime) -> None:
    if end < start:
        raise _invalid("end", "The end is before the start.")
    if end - start > MAX_EVENT_SPAN:
        raise _invalid("end", f"An event spans at most {MAX_EVENT_SPAN.days} days.")


def _check_owner(event: Event, actor: User) -> None:
    if event.owner_id != actor.pk:
        raise PermissionDenied("Only the event's owner may change it.")


def event_create(
    *,
    owner: User,
    title: str,
    start: datetime,
    end: datetime,
    description: str = "",
    visibility: str = Album.Visibility.PRIVATE,
) -> Event:
    _check_span(start, end)
    event = Event(
        owner=owner,
        title=title.strip(),
        description=description,
        visibility=visibility,
        start=start,
        end=end,
    )
    event.full_clean(exclude=["owner", "cover"])
    with transaction.atomic():
        hold_users(owner.pk)  # an account being deleted gets no new event
        event.save()
    return event


def event_update(
    *,
    event: Event,
    actor: User,
    title: str | None = None,
    description: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    visibility: str | None = None,
    cover: Photo | None = None,
) -> Event:
    """A partial update; the span is checked as it will be. The cover must be one of the
    event's photos (the owner's, in the span, after this update)."""
    _check_owner(event, actor)
    with transaction.atomic():
        hold_users(actor.pk)
        locked = Event.objects.select_for_update().get(pk=event.pk)  # deleted: not_found
        event.start, event.end = locked.start, locked.end
        _check_span(start or event.start, end or event.end)
        if cover is not None:
            span = Event(owner_id=event.owner_id, start=start or event.start, end=end or event.end)
            if not event_photos(actor, span).filter(pk=cover.pk, owner=actor).exists():
                raise _invalid("cover", "The cover must be one of the event's photos.")
        model_update(
            event,
            data={
                "title": None if title is None else title.strip(),
                "description": description,
                "start": start,
                "end": end,
                "visibility": visibility,
                "cover": cover,
            },
        )
    return event


def event_delete(*, event: Event, actor: User) -> int:
    _check_owner(event, actor)
    pk = event.pk
    event.delete()  # the photos are not the event's: they stay
    return pk
