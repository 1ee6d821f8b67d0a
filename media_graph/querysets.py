"""Who may see what: the only place that knows."""

from django.db import models
from django.db.models.functions import Coalesce


class PhotoQuerySet(models.QuerySet):
    def visible_to(self, viewer) -> "PhotoQuerySet":
        """Published photos of active owners, and the viewer's own drafts."""
        published = models.Q(status="PUBLISHED", owner__is_active=True)
        if viewer is not None and viewer.is_authenticated:
            return self.filter(published | models.Q(owner=viewer))
        return self.filter(published)

    def published(self) -> "PhotoQuerySet":
        return self.filter(status="PUBLISHED")

    def newest_first(self) -> "PhotoQuerySet":
        # Drafts have no published_at; they sort by when they were made.
        return self.order_by(Coalesce("published_at", "created_at").desc(), models.F("id").desc())

    def oldest_first(self) -> "PhotoQuerySet":
        return self.order_by(Coalesce("published_at", "created_at").asc(), models.F("id").asc())

    def with_all_tags(self, names: list[str]) -> "PhotoQuerySet":
        queryset = self
        for name in names:
            queryset = queryset.filter(tags__name=name)
        return queryset

    def caption_has_words(self, text: str) -> "PhotoQuerySet":
        queryset = self
        for word in text.split():
            queryset = queryset.filter(caption__icontains=word)
        return queryset


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
