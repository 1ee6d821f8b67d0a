"""Photo.related: the other files of the photo's moment that the viewer may see, for a
list of photos in two queries (their groups, then the groups' visible photos)."""

from django.db.models import Prefetch

from media_graph.models import Photo
from schema.engine.optimizer import optimized

GROUP_ROWS = "visible_group_rows"


def related_prefetch(info) -> Prefetch:
    rows = Photo.objects.visible_to(info.context.viewer).order_by("pk")
    return Prefetch("group__photos", queryset=optimized(rows, info), to_attr=GROUP_ROWS)


def related_photos(photo: Photo, info) -> list[Photo]:
    if photo.group_id is None:
        return []
    rows = getattr(photo.group, GROUP_ROWS, None) if _group_loaded(photo) else None
    if rows is None:  # a photo a resolver loaded itself
        rows = optimized(
            Photo.objects.visible_to(info.context.viewer)
            .filter(group_id=photo.group_id)
            .order_by("pk"),
            info,
        )
    return [row for row in rows if row.pk != photo.pk]


def _group_loaded(photo: Photo) -> bool:
    return Photo.group.is_cached(photo)
