"""Who may see what: the only place that knows."""

import functools
import operator

from django.db import models
from django.db.models.functions import Coalesce, Now, RowNumber

from users.querysets import muted_by, unblocked, unmuted, viewer_pk


def is_published() -> models.Q:
    """PUBLISHED, or SCHEDULED for a moment the database's clock has reached."""
    return models.Q(status="PUBLISHED") | models.Q(status="SCHEDULED", published_at__lte=Now())


def owner_shares_with(viewer, owner: str = "owner") -> models.Q:
    """Condition on rows owned by the user at `owner` ("" for users themselves): the owner
    is public, or is the viewer, or the viewer follows them (approved), or they share an
    album with the viewer. A private account's photos, albums, followers and following
    are for those people only (docs/trust.md)."""
    prefix = f"{owner}__" if owner else ""
    public = models.Q(**{f"{prefix}is_private": False})
    pk = viewer_pk(viewer)
    if pk is None:
        return public
    from media_graph.models import AlbumMember
    from users.models import Follow

    followed = Follow.objects.filter(follower_id=pk).values("followee_id")
    sharing = AlbumMember.objects.filter(user_id=pk).values("album__owner_id")
    return (
        public
        | models.Q(**{f"{prefix}pk": pk})
        | models.Q(**{f"{prefix}pk__in": followed})
        | models.Q(**{f"{prefix}pk__in": sharing})
    )


def viewer_sees_shared(viewer) -> models.Expression:
    """Annotation on users: owner_shares_with holds for this user."""
    return models.Case(
        models.When(owner_shares_with(viewer, ""), then=True),
        default=False,
        output_field=models.BooleanField(),
    )


class PhotoQuerySet(models.QuerySet):
    def visible_to(self, viewer) -> "PhotoQuerySet":
        """Published photos of active owners the viewer may see (no block between them, and
        a private owner shares with the viewer), and the viewer's own drafts and
        scheduled ones. A photo a moderator hid is its owner's alone (they see it, marked).
        """
        published = (
            is_published()
            & models.Q(owner__is_active=True, hidden_at__isnull=True)
            & unblocked(viewer, "owner_id")
            & owner_shares_with(viewer)
        )
        if viewer is not None and viewer.is_authenticated:
            return self.filter(published | models.Q(owner=viewer))
        return self.filter(published)

    def own_of(self, viewer) -> "PhotoQuerySet":
        """The viewer's own photos, every one (drafts, scheduled, hidden): what visible_to
        grants an owner, read as the owner's library (timeline, memories, near) reads
        it, on the owner's indexes. Nothing for anonymous viewers."""
        pk = viewer_pk(viewer)
        if pk is None:
            return self.none()
        return self.filter(owner_id=pk)

    def near(self, viewer, *, latitude: float, longitude: float, radius_km: float):
        """The viewer's own photos within `radius_km` of the point (great-circle): a
        location is its owner's alone, so nobody else's is ever compared."""
        from media_graph.library.places import within

        return self.own_of(viewer).filter(within(latitude, longitude, radius_km))

    def served_to_anyone(self) -> "PhotoQuerySet":
        """Photos whose signed (non-owner) URLs still render: published, by an active
        owner. A private account's photos too: their URLs were handed only to those who
        may see them (visible_to), and a URL is the capability, as for anyone's."""
        return self.filter(is_published(), owner__is_active=True)

    def stored_names(self, *, lock: bool = False) -> list[str]:
        """Every object these photos keep in storage (models.photos.stored_names), in two
        queries however many photos. `lock`: their rows FOR UPDATE first, so no render
        adds a variant row meanwhile (its foreign key waits for the lock)."""
        # The models import this module.
        from media_graph.models.photos import stored_names
        from media_graph.models.variants import variant_names_by_photo

        rows = (self.select_for_update() if lock else self).order_by("pk")
        rows = list(rows.values_list("pk", "original", "thumbnails"))
        rendered = variant_names_by_photo(self)
        return [
            name
            for pk, original, thumbnails in rows
            for name in stored_names(original, thumbnails, rendered.get(pk, ()))
        ]

    def published(self) -> "PhotoQuerySet":
        return self.filter(is_published())

    def with_status(self, status: str) -> "PhotoQuerySet":
        """The photos whose status clients see as `status` (a due SCHEDULED one is PUBLISHED)."""
        if status == self.model.Status.PUBLISHED:
            return self.published()
        if status == self.model.Status.SCHEDULED:
            return self.filter(status=status, published_at__gt=Now())
        return self.filter(status=status)

    def due(self) -> "PhotoQuerySet":
        """SCHEDULED photos whose time has come, not yet counted as published."""
        return self.filter(status=self.model.Status.SCHEDULED, published_at__lte=Now())

    def feed_for(self, viewer) -> "PhotoQuerySet":
        """Published photos of the people `viewer` follows and has not muted, and the
        viewer's own, newest first. (Blocks end follows; visible_to hides the rest.)"""
        from users.models import Follow

        followed = (
            Follow.objects.filter(follower=viewer)
            .exclude(followee_id__in=muted_by(viewer.pk))
            .values("followee_id")
        )
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
        # A scheduled photo whose time has come counts from the next periodic run on; its
        # tags are visible from the moment it is.
        due = self.model.photos.through.objects.filter(
            tag_id=models.OuterRef("pk"), photo__status="SCHEDULED", photo__published_at__lte=Now()
        )
        used = models.Q(photos_count__gt=0) | models.Q(models.Exists(due))
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
        """Comments on photos the viewer may see, by active authors with no block between
        them and the viewer; one a moderator hid, to its author only."""
        shown = models.Q(hidden_at__isnull=True)
        if viewer is not None and viewer.is_authenticated:
            shown |= models.Q(author=viewer)
        return self.filter(
            shown, photo_is_visible(viewer), unblocked(viewer, "author_id"), author__is_active=True
        )

    def oldest_first(self) -> "CommentQuerySet":
        return self.order_by("created_at", "id")


class AlbumQuerySet(models.QuerySet):
    def visible_to(self, viewer) -> "AlbumQuerySet":
        """Public albums of active owners who share with the viewer (owner_shares_with),
        all of the viewer's own, and those shared with the viewer (as EDITOR or VIEWER)
        by an active owner; none of an owner with a block between them and the viewer."""
        public = models.Q(
            owner_shares_with(viewer),
            visibility=self.model.Visibility.PUBLIC,
            owner__is_active=True,
        )
        public &= unblocked(viewer, "owner_id")
        if viewer is not None and viewer.is_authenticated:
            from media_graph.models import AlbumMember

            member = AlbumMember.objects.filter(album=models.OuterRef("pk"), user=viewer)
            shared = models.Q(models.Exists(member), unblocked(viewer, "owner_id"))
            shared &= models.Q(owner__is_active=True)
            return self.filter(public | models.Q(owner=viewer) | shared)
        return self.filter(public)

    def newest_first(self) -> "AlbumQuerySet":
        return self.order_by("-created_at", "-id")


class EventQuerySet(models.QuerySet):
    def visible_to(self, viewer) -> "EventQuerySet":
        """PUBLIC events as PUBLIC albums are seen (an active owner who shares with the
        viewer, no block between them), and all of the viewer's own; a PRIVATE event is
        its owner's alone."""
        public = models.Q(
            owner_shares_with(viewer),
            unblocked(viewer, "owner_id"),
            visibility="PUBLIC",
            owner__is_active=True,
        )
        if viewer is not None and viewer.is_authenticated:
            return self.filter(public | models.Q(owner=viewer))
        return self.filter(public)

    def newest_first(self) -> "EventQuerySet":
        return self.order_by("-start", "-id")


def taken_or_made() -> models.Expression:
    """When a photo was taken, else when it was uploaded: the moment events and groups
    go by. The same expression as the index photo_owner_moment, so that it serves."""
    return Coalesce("taken_at", "created_at")


def event_photos(viewer, event) -> models.QuerySet:
    """An event's photos as the viewer may see them, oldest first."""
    from media_graph.models import Photo

    return (
        Photo.objects.visible_to(viewer)
        .alias(moment=taken_or_made())
        .filter(owner_id=event.owner_id, moment__gte=event.start, moment__lte=event.end)
        .order_by(taken_or_made().asc(), models.F("id").asc())
    )


def _in_outer_event(photos: models.QuerySet) -> models.QuerySet:
    """`photos` of the outer query's event: its owner's, taken (else made) in its span."""
    return photos.alias(moment=taken_or_made()).filter(
        owner_id=models.OuterRef("owner_id"),
        moment__gte=models.OuterRef("start"),
        moment__lte=models.OuterRef("end"),
    )


def event_photos_count(viewer) -> models.Expression:
    """Annotation on events: how many of its photos the viewer may see."""
    from media_graph.models import Photo

    counted = (
        _in_outer_event(Photo.objects.visible_to(viewer))
        .order_by()
        .values("owner_id")
        .annotate(n=models.Count("pk"))
        .values("n")
    )
    return Coalesce(models.Subquery(counted[:1]), 0)


def event_cover_pk(viewer) -> models.Expression:
    """Annotation on events: the explicit cover when the viewer may see it and it is
    still in the span, else the first of its photos the viewer may see (NULL: none)."""
    from media_graph.models import Photo

    first = (
        _in_outer_event(Photo.objects.visible_to(viewer))
        .order_by(taken_or_made().asc(), models.F("id").asc())
        .values("pk")
    )
    explicit = first.filter(pk=models.OuterRef("cover_id"))
    return Coalesce(models.Subquery(explicit[:1]), models.Subquery(first[:1]))


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, viewer) -> "NotificationQuerySet":
        """A user's own notifications, to that user only; none by deactivated actors, by
        anyone with a block between them, or by anyone the viewer muted."""
        if viewer is None or not viewer.is_authenticated:
            return self.none()
        return self.filter(notified_by(viewer), recipient=viewer)

    def newest_first(self) -> "NotificationQuerySet":
        return self.order_by("-created_at", "-id")


def notified_by(viewer) -> models.Q:
    """Condition on notifications: their actor may still reach the viewer."""
    return models.Q(
        unblocked(viewer, "actor_id"), unmuted(viewer, "actor_id"), actor__is_active=True
    )


def visible_members(viewer) -> models.QuerySet:
    """Album members the viewer may see: active, with no block between them."""
    from media_graph.models import AlbumMember

    return AlbumMember.objects.filter(unblocked(viewer, "user_id"), user__is_active=True)


def unread_notifications_count(viewer) -> models.Expression:
    """Annotation on users: the viewer's unread notifications (0 on every other row)."""
    from media_graph.models import Notification

    unread = (
        Notification.objects.filter(
            notified_by(viewer),
            recipient_id=viewer_pk(viewer),
            recipient=models.OuterRef("pk"),
            read=False,
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


def viewer_has_favorited(viewer) -> models.Expression:
    """Annotation on photos: the viewer has favorited it (False for anonymous viewers)."""
    from media_graph.models import Favorite

    favorites = Favorite.objects.filter(photo=models.OuterRef("pk"), user_id=viewer_pk(viewer))
    return models.Exists(favorites)


def album_photos_count(viewer) -> models.Expression:
    """Annotation on albums: how many of its photos the viewer may see."""
    from media_graph.models import AlbumPhoto

    entries = AlbumPhoto.objects.filter(photo_is_visible(viewer), album=models.OuterRef("pk"))
    counted = entries.order_by().values("album").annotate(n=models.Count("pk")).values("n")
    return Coalesce(models.Subquery(counted[:1]), 0)


def viewer_album_role(viewer) -> models.Expression:
    """Annotation on albums: OWNER, EDITOR or VIEWER for the viewer, else NULL."""
    from media_graph.models import AlbumMember

    pk = viewer_pk(viewer)
    member = AlbumMember.objects.filter(album=models.OuterRef("pk"), user_id=pk)
    return models.Case(
        models.When(owner_id=pk, then=models.Value("OWNER")),
        default=models.Subquery(member.values("role")[:1]),
        output_field=models.CharField(),
    )


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
