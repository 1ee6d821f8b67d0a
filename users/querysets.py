from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Lower


class UserQuerySet(models.QuerySet):
    def named(self, username: str) -> "UserQuerySet":
        """The user with this username, whatever its case.

        LOWER() on both sides, as in the unique index on LOWER(username), which PostgreSQL
        then uses; `username__iexact` compiles to UPPER() and scans the table.
        """
        return self.alias(lower_username=Lower("username")).filter(
            lower_username=Lower(models.Value(username.strip()))
        )

    def visible_to(self, viewer) -> "UserQuerySet":
        """Who may be seen by `viewer`: every active account but those the viewer blocked
        or was blocked by (a block hides both ways). Deactivated ones vanish. A private
        account's profile stays visible; what it shares is narrowed where it is listed
        (media_graph/querysets.py owner_shares_with)."""
        return self.filter(unblocked(viewer), is_active=True)

    def blockable_by(self, viewer) -> "UserQuerySet":
        """Whom `viewer` may block, unblock, mute or unmute: those they see, and those they
        blocked themselves; someone who blocked the viewer does not exist for them."""
        pk = viewer_pk(viewer)
        if pk is None:
            return self.filter(is_active=True)
        return self.filter(is_active=True).exclude(pk__in=blockers_of(pk))


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    def get_by_natural_key(self, username):
        # Usernames are unique without regard to case, so logins are too.
        return self.named(username).get()


def _follow_exists(**edge) -> models.Expression:
    from users.models import Follow

    return models.Exists(Follow.objects.filter(**edge))


def viewer_pk(viewer) -> int | None:
    # Anonymous viewers match no edge (the columns are never NULL). Still a real EXISTS,
    # not a constant: constants are left out of the inner query of windowed (paginated)
    # prefetches, and two equal constants were merged into one column there.
    return viewer.pk if viewer is not None and viewer.is_authenticated else None


def blocked_by(pk: int) -> models.QuerySet:
    """The ids of the accounts `pk` blocked: a subquery, never a list, so a statement that
    uses it is one statement however many blocks there are."""
    from users.models import Block

    return Block.objects.filter(blocker_id=pk).values("blocked_id")


def blockers_of(pk: int) -> models.QuerySet:
    """The ids of the accounts that blocked `pk`: a subquery."""
    from users.models import Block

    return Block.objects.filter(blocked_id=pk).values("blocker_id")


def muted_by(pk: int) -> models.QuerySet:
    """The ids of the accounts `pk` muted: a subquery."""
    from users.models import Mute

    return Mute.objects.filter(muter_id=pk).values("muted_id")


def unblocked(viewer, field: str = "pk") -> models.Q:
    """Condition on rows whose `field` names a user: neither that user nor the viewer
    blocked the other. The one rule of blocks; every visible_to applies it."""
    pk = viewer_pk(viewer)
    if pk is None:
        return models.Q()
    return ~models.Q(**{f"{field}__in": blocked_by(pk)}) & ~models.Q(
        **{f"{field}__in": blockers_of(pk)}
    )


def unmuted(viewer, field: str) -> models.Q:
    """Condition on rows whose `field` names a user: the viewer has not muted them."""
    pk = viewer_pk(viewer)
    if pk is None:
        return models.Q()
    return ~models.Q(**{f"{field}__in": muted_by(pk)})


def hears_from(actor_pk: int) -> models.Q:
    """Condition on users: they may be told of what `actor_pk` did (they have not muted
    them, and there is no block between them)."""
    from users.models import Mute

    muters = Mute.objects.filter(muted_id=actor_pk).values("muter_id")
    return (
        ~models.Q(pk__in=blocked_by(actor_pk))
        & ~models.Q(pk__in=blockers_of(actor_pk))
        & ~models.Q(pk__in=muters)
    )


def _edge_exists(model_name: str, **edge) -> models.Expression:
    from users import models as user_models

    return models.Exists(getattr(user_models, model_name).objects.filter(**edge))


def viewer_has_blocked(viewer) -> models.Expression:
    """Annotation: the viewer blocked this user (False for anonymous viewers)."""
    return _edge_exists("Block", blocker_id=viewer_pk(viewer), blocked=models.OuterRef("pk"))


def viewer_has_muted(viewer) -> models.Expression:
    """Annotation: the viewer muted this user."""
    return _edge_exists("Mute", muter_id=viewer_pk(viewer), muted=models.OuterRef("pk"))


def viewer_follow_requested(viewer) -> models.Expression:
    """Annotation: the viewer asked to follow this user and is not approved yet."""
    return _edge_exists(
        "FollowRequest", requester_id=viewer_pk(viewer), target=models.OuterRef("pk")
    )


def viewer_is_following(viewer) -> models.Expression:
    """Annotation: the viewer follows this user (False for anonymous viewers)."""
    return _follow_exists(follower_id=viewer_pk(viewer), followee=models.OuterRef("pk"))


def follows_viewer(viewer) -> models.Expression:
    """Annotation: this user follows the viewer."""
    return _follow_exists(follower=models.OuterRef("pk"), followee_id=viewer_pk(viewer))


class AccessTokenQuerySet(models.QuerySet):
    def visible_to(self, viewer) -> "AccessTokenQuerySet":
        """A user's own tokens, to that user only."""
        if not viewer.is_authenticated:
            return self.none()
        return self.filter(user=viewer)

    def newest_first(self) -> "AccessTokenQuerySet":
        return self.order_by("-created_at", "-id")
