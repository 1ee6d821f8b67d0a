from django.db.models import F

from media_graph.models import Photo, Tag
from media_graph.tags import parse_tags


def photo_set_tags(*, photo: Photo) -> None:
    """Make the photo's tags those of its caption; counted (PUBLISHED) photos move tag counters.

    Call inside the transaction that saves the caption.
    """
    wanted = set(parse_tags(photo.caption))
    current = dict(photo.tags.values_list("name", "id"))
    added = wanted - current.keys()
    removed = [current[name] for name in current.keys() - wanted]
    if added:
        # Concurrent captions may create the same tag: let the unique name decide.
        Tag.objects.bulk_create([Tag(name=name) for name in added], ignore_conflicts=True)
        added_ids = list(Tag.objects.filter(name__in=added).values_list("id", flat=True))
        photo.tags.add(*added_ids)
        if photo.is_counted:
            Tag.objects.filter(id__in=added_ids).update(photos_count=F("photos_count") + 1)
    if removed:
        photo.tags.remove(*removed)
        if photo.is_counted:
            Tag.objects.filter(id__in=removed).update(photos_count=F("photos_count") - 1)
