"""Deleting an account while likes, comments, follows, photo and album writes involving
it are in flight.

Real threads on PostgreSQL, released together (see test_concurrency.py). Every write
either lands before the deletion (which then removes it and counts it) or fails
cleanly: a DoesNotExist, which a mutation answers as `not_found`. No orphan row, no
counter off, no deadlock, and the deletion always succeeds.
"""

import itertools
import threading
import time

import pytest
from django.core.exceptions import ObjectDoesNotExist, ValidationError

from media_graph.counters import recount
from media_graph.models import Album, Comment, Like, Photo
from media_graph.services import account_deletion
from media_graph.services.account_deletion import user_delete
from media_graph.services.albums import album_add_photos, album_create, album_update
from media_graph.services.comments import comment_add, comment_delete
from media_graph.services.follows import user_follow, user_unfollow
from media_graph.services.likes import photo_like, photo_unlike
from media_graph.services.photos import photo_delete, photo_publish, photo_unpublish, photo_update
from project.codes import PayloadCode
from tests.media_graph.test_concurrency import CONCURRENT_WRITERS, make_users, run_together
from tests.support.factories import make_album, make_photo
from users.models import Follow, User

pytestmark = CONCURRENT_WRITERS

FANS = 8
GONE = "gone"


def clean(task, after: threading.Event | None = None):
    """The task's result, or GONE when it failed the way a racing write may; started
    only once `after` is set, when one is given."""

    def run():
        if after is not None:
            assert after.wait(timeout=30)
        try:
            return task()
        except ObjectDoesNotExist:
            return GONE
        except ValidationError as exc:  # e.g. "only your own photos": they went
            fields = exc.error_dict.values() if hasattr(exc, "error_dict") else [exc.error_list]
            errors = [error for field in fields for error in field]
            if {error.code for error in errors} == {PayloadCode.NOT_FOUND}:
                return GONE
            raise

    return run


def assert_nothing_of(pk: int) -> None:
    assert not User.objects.filter(pk=pk).exists()
    assert not Photo.objects.filter(owner_id=pk).exists()
    assert not Like.objects.filter(user_id=pk).exists()
    assert not Comment.objects.filter(author_id=pk).exists()
    assert not Follow.objects.filter(follower_id=pk).exists()
    assert not Follow.objects.filter(followee_id=pk).exists()
    assert not Album.objects.filter(owner_id=pk).exists()
    assert recount(fix=False) == []


@pytest.mark.parametrize(
    ("round_", "held"),
    [(0, False), (1, False), (2, True), (3, True)],
    ids=["free-race", "free-race-again", "held-lock", "held-lock-again"],
)
def test_writes_racing_a_deletion_land_before_it_or_fail_cleanly(monkeypatch, round_, held):
    """`held`: half the writes start only once the deletion holds the account's row (a
    pause added to its parts says when, and keeps it there a moment)."""
    locked = threading.Event()
    if held:

        def pause(user: User) -> None:
            locked.set()
            time.sleep(0.3)

        monkeypatch.setattr(
            account_deletion, "ACCOUNT_PARTS", [pause, *account_deletion.ACCOUNT_PARTS]
        )
    (doomed,) = make_users(f"doomed{round_}_", 1)
    others = make_users(f"other{round_}_", 2)
    fans = make_users(f"fan{round_}_", FANS)
    doomed_photos = [make_photo(doomed, f"#race{round_} mine {i}") for i in range(3)]
    draft = make_photo(doomed, f"#race{round_} draft", publish=False)
    album = make_album(doomed, photos=doomed_photos[:1])
    other_photos = [make_photo(owner, f"#race{round_} theirs") for owner in others]
    # What the account did before: each of these edges moves someone else's counter.
    user_follow(follower=doomed, followee=others[0])
    user_follow(follower=others[1], followee=doomed)
    photo_like(photo=other_photos[0], user=doomed)
    old_comment = comment_add(photo=other_photos[0], author=doomed, text="before")
    comment_add(photo=other_photos[1], author=doomed, text="before")
    for fan in fans[::2]:
        user_follow(follower=fan, followee=doomed)
        photo_like(photo=doomed_photos[0], user=fan)

    tasks = [lambda: user_delete(user=doomed)]
    # The account's own requests, authenticated before it went.
    tasks += [
        lambda: photo_like(photo=other_photos[1], user=doomed),
        lambda: photo_unlike(photo=other_photos[0], user=doomed),
        lambda: comment_add(photo=other_photos[1], author=doomed, text="during"),
        lambda: comment_delete(comment=old_comment, actor=doomed),
        lambda: user_follow(follower=doomed, followee=others[1]),
        lambda: user_unfollow(follower=doomed, followee=others[0]),
        # and its photo writes, which move its own and the tags' counters
        lambda: photo_publish(photo=draft, actor=doomed),
        lambda: photo_unpublish(photo=doomed_photos[1], actor=doomed),
        lambda: photo_update(photo=doomed_photos[2], actor=doomed, caption="#elsewhere"),
        lambda: photo_delete(photo=doomed_photos[2], actor=doomed),
        # and its albums
        lambda: album_create(owner=doomed, title="new", photo_ids=[doomed_photos[0].pk]),
        lambda: album_add_photos(album=album, actor=doomed, photo_ids=[doomed_photos[1].pk]),
        lambda: album_update(album=album, actor=doomed, title="renamed"),
    ]
    # Everyone else's, at the account and its photos.
    for fan, photo in zip(fans, itertools.cycle(doomed_photos[:2]), strict=False):
        tasks += [
            lambda f=fan: user_follow(follower=f, followee=doomed),
            lambda f=fan: user_unfollow(follower=f, followee=doomed),
            lambda f=fan, p=photo: photo_like(photo=p, user=f),
            lambda f=fan, p=photo: comment_add(photo=p, author=f, text="during"),
        ]
    # The photo's owner removes the account's comment on it.
    tasks.append(lambda: comment_delete(comment=old_comment, actor=others[0]))

    # With a held lock, every other write waits for it: those that involve the account
    # itself fail cleanly (a like of its photo may still land, and goes with the photo).
    late = [held and i % 2 == 1 for i in range(len(tasks))]
    results = run_together(
        [clean(task, locked if wait else None) for task, wait in zip(tasks, late, strict=True)]
    )
    if held:
        assert GONE in [result for result, wait in zip(results, late, strict=True) if wait]

    assert results[0] == doomed.pk  # the deletion itself never fails
    assert_nothing_of(doomed.pk)
    for other in others:
        other.refresh_from_db()
        assert other.followers_count == Follow.objects.filter(followee=other).count()
        assert other.following_count == Follow.objects.filter(follower=other).count()
    for photo in other_photos:
        photo.refresh_from_db()
        assert photo.likes_count == Like.objects.filter(photo=photo).count()
        assert photo.comments_count == Comment.objects.filter(photo=photo).count()
    for fan in fans:
        fan.refresh_from_db()
        assert fan.following_count == 0


def test_two_accounts_that_follow_each_other_deleted_together():
    a, b = make_users("pair", 2)
    user_follow(follower=a, followee=b)
    user_follow(follower=b, followee=a)
    (watcher,) = make_users("watcher", 1)
    user_follow(follower=watcher, followee=a)
    user_follow(follower=watcher, followee=b)
    results = run_together([clean(lambda: user_delete(user=a)), clean(lambda: user_delete(user=b))])
    assert results == [a.pk, b.pk]
    assert not User.objects.filter(pk__in=[a.pk, b.pk]).exists()
    watcher.refresh_from_db()
    assert watcher.following_count == 0
    assert recount(fix=False) == []
