"""Recount every denormalised counter from the rows it summarises, and report drift."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from media_graph.models import Comment, Like, Photo, Tag
from users.models import Follow, User


@dataclass(frozen=True)
class Drift:
    model: str
    pk: int
    field: str
    stored: int
    actual: int


def _count(queryset, key: str):
    counted = queryset.order_by().values(key).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1], output_field=IntegerField()), Value(0))


# (model, counter column, expression that recomputes it for OuterRef("pk"))
COUNTERS = [
    (
        User,
        "followers_count",
        lambda: _count(Follow.objects.filter(followee=OuterRef("pk")), "followee"),
    ),
    (
        User,
        "following_count",
        lambda: _count(Follow.objects.filter(follower=OuterRef("pk")), "follower"),
    ),
    (
        User,
        "photos_count",
        lambda: _count(
            Photo.objects.filter(owner=OuterRef("pk"), status=Photo.Status.PUBLISHED), "owner"
        ),
    ),
    (Photo, "likes_count", lambda: _count(Like.objects.filter(photo=OuterRef("pk")), "photo")),
    (
        Photo,
        "comments_count",
        # What others can read: a comment a moderator hid is not counted.
        lambda: _count(
            Comment.objects.filter(photo=OuterRef("pk"), hidden_at__isnull=True), "photo"
        ),
    ),
    (
        Tag,
        "photos_count",
        lambda: _count(
            Photo.tags.through.objects.filter(
                tag=OuterRef("pk"), photo__status=Photo.Status.PUBLISHED
            ),
            "tag",
        ),
    ),
]


def recount(*, fix: bool = True) -> list[Drift]:
    """Every counter that disagrees with its rows; with `fix`, set right in one transaction."""
    drifts: list[Drift] = []
    with transaction.atomic():
        for model, field, expression in COUNTERS:
            wrong = (
                model.objects.annotate(actual=expression())
                .filter(~Q(**{field: F("actual")}))
                .values_list("pk", field, "actual")
            )
            for pk, stored, actual in wrong:
                drifts.append(Drift(model.__name__, pk, field, stored, actual))
                if fix:
                    model.objects.filter(pk=pk).update(**{field: actual})
    return drifts
