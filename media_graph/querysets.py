"""Who may see what: the only place that knows."""

import functools
import operator

from django.db import models
from django.db.models.functions import Coalesce, RowNumber

from users.querysets import viewer_pk


class PhotoQuerySet(models.QuerySet):
    def visible_to(self, viewer) -> "PhotoQuerySet":
        """Published photos of active owners, and the viewer's own drafts."""
        published = models.Q(status=self.model.Status.PUBLISHED, owner__is_active=True)
        if viewer is not None and viewer.is_authenticated:
            return self.filter(published | models.Q(owner=viewer))
        return self.filter(published)

    def published(self) -> "PhotoQuerySet":
        return self.filter(status=self.model.Status.PUBLISHED)

    def feed_for(self, viewer) -> "PhotoQuerySet":
        """Published photos of the people `viewer` follows and the viewer's own, newest first."""
        from users.models import Follow

        followed = Follow.objects.filter(follower=viewer).values("followee_id")
        return (
            self.published()
            .filter(models.Q(owner=viewer) | models.Q(owner_id__in=followed))
            .order_by("-published_at", "-id")
        )

    def newest_first(self) -> "PhotoQuerySet":
        # Drafts have no published_at; they sort by when they were made.
        return self.order_by(Coalesce("published_at", "created_at").desc(), models.F("id").desc())

    def oldest_first(self) -> "PhotoQuerySet":
        return self.order_by(Coalesce("published_at", "created_at").asc(), models.F("id").asc())

    def with_all_tags(self, names: list[str]) -> "PhotoQuerySet":
        """Photos carrying every one of these tags: one grouped subquery, not a join each.

        A join per tag made PostgreSQL plan 100 tags for minutes in gigabytes, and SQLite
        refuses more than 64 tables in a join.
        """
        wanted = set(names)
        if not wanted:
            return self
        carrying_all = (
            self.model.tags.through.objects.filter(tag__name__in=wanted)
            .values("photo_id")
            .annotate(matched=models.Count("tag_id"))
            .filter(matched=len(wanted))
            .values("photo_id")
        )
        return self.filter(pk__in=carrying_all)

    def caption_has_words(self, text: str) -> "PhotoQuerySet":
        """Photos whose caption contains every word, in any case: one condition."""
        words = {word.casefold(): word for word in text.split()}.values()
        if not words:
            return self
        return self.filter(
            functools.reduce(operator.and_, (models.Q(caption__icontains=w) for w in words))
        )


class TagQuerySet(models.QuerySet):
    def visible_to(self, viewer) -> "TagQuerySet":
        """Tags on published photos, and on the viewer's own drafts (a draft's tags are private)."""
        used = models.Q(photos_count__gt=0)
        if viewer is not None and viewer.is_authenticated:
            on_own_photo = self.model.photos.through.objects.filter(
                tag_id=models.OuterRef("pk"), photo__owner=viewer
            )
            used |= models.Q(models.Exists(on_own_photo))
        return self.filter(used)

    def most_used_first(self) -> "TagQuerySet":
        return self.order_by("-photos_count", "name")


class CommentQuerySet(models.QuerySet):
    def visible_to(self, viewer) -> "CommentQuerySet":
        """Comments on photos the viewer may see, by active authors."""
        return self.filter(photo_is_visible(viewer), author__is_active=True)

    def oldest_first(self) -> "CommentQuerySet":
        return self.order_by("created_at", "id")


class AlbumQuerySet(models.QuerySet):
    def visible_to(self, viewer) -> "AlbumQuerySet":
        """Public albums of active owners, and all of the viewer's own."""
        public = models.Q(visibility=self.model.Visibility.PUBLIC, owner__is_active=True)
        if viewer is not None and viewer.is_authenticated:
            return self.filter(public | models.Q(owner=viewer))
        return self.filter(public)

    def newest_first(self) -> "AlbumQuerySet":
        return self.order_by("-created_at", "-id")


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, viewer) -> "NotificationQuerySet":
        """A user's own notifications, to that user only; none by deactivated actors."""
        if viewer is None or not viewer.is_authenticated:
            return self.none()
        return self.filter(recipient=viewer, actor__is_active=True)

    def newest_first(self) -> "NotificationQuerySet":
        return self.order_by("-created_at", "-id")


def unread_notifications_count(viewer) -> models.Expression:
    """Annotation on users: the viewer's unread notifications (0 on every other row)."""
    from media_graph.models import Notification

    unread = (
        Notification.objects.filter(
            recipient_id=viewer_pk(viewer),
            recipient=models.OuterRef("pk"),
            read=False,
            actor__is_active=True,
        )
        .order_by()
        .values("recipient")
        .annotate(n=models.Count("pk"))
        .values("n")
    )
    return Coalesce(models.Subquery(unread[:1]), 0)


def photo_is_visible(viewer, photo_field: str = "photo_id") -> models.Expression:
    """Condition on rows that point at a photo: the viewer may see that photo.

    An EXISTS per row rather than `photo__in` the visible photos: SQLite builds that
    whole list first (35 ms at 20,000 photos, for one page of comments). PostgreSQL
    plans both as the same semi-join.
    """
    from media_graph.models import Photo

    return models.Exists(Photo.objects.visible_to(viewer).filter(pk=models.OuterRef(photo_field)))


def viewer_has_liked(viewer) -> models.Expression:
    """Annotation on photos: the viewer likes it (False for anonymous viewers)."""
    from media_graph.models import Like

    likes = Like.objects.filter(photo=models.OuterRef("pk"), user_id=viewer_pk(viewer))
    return models.Exists(likes)


def album_photos_count(viewer) -> models.Expression:
    """Annotation on albums: how many of its photos the viewer may see."""
    from media_graph.models import AlbumPhoto

    entries = AlbumPhoto.objects.filter(photo_is_visible(viewer), album=models.OuterRef("pk"))
    counted = entries.order_by().values("album").annotate(n=models.Count("pk")).values("n")
    return Coalesce(models.Subquery(counted[:1]), 0)


def album_cover_visible(viewer) -> models.Expression:
    """Annotation on albums: its explicit cover is a photo the viewer may see."""
    return photo_is_visible(viewer, "cover_id")


def first_visible_entries(viewer) -> models.QuerySet:
    """Each album's first entry (album order) whose photo the viewer may see."""
    from media_graph.models import AlbumPhoto

    ranked = AlbumPhoto.objects.filter(photo_is_visible(viewer)).annotate(
        rank=models.Window(
            RowNumber(),
            partition_by=models.F("album_id"),
            order_by=models.F("position").asc(),
        )
    )
    return ranked.filter(rank=1).select_related("photo")
