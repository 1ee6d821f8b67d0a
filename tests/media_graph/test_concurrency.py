"""Likes and follows under real concurrency: the unique constraints settle every race,
and each edge that stands has exactly one notification (written and withdrawn with it).

Real threads, each with its own PostgreSQL connection, released together by a barrier.
SQLite serialises writers on one file, so these races only mean something on PostgreSQL.
"""

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections
from django.db.models import F

from media_graph.counters import recount
from media_graph.models import Favorite, Like, Notification, Photo
from media_graph.services.favorites import photo_favorite, photo_unfavorite
from media_graph.services.follows import user_follow, user_unfollow
from media_graph.services.likes import photo_like, photo_unlike
from media_graph.services.photos import photo_publish
from users.models import Follow, User

# The marks of every module whose threads write at once (the others import them).
CONCURRENT_WRITERS = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent writers need PostgreSQL (DATABASE_URL=postgres://...); "
        "SQLite serialises them",
    ),
    # Threads see only committed rows: no test transaction around the test.
    pytest.mark.django_db(transaction=True),
]
pytestmark = CONCURRENT_WRITERS

THREADS = 20


def run_together(tasks: list[Callable[[], object]]) -> list[object]:
    """Run each task in its own thread, all released at once; answer their results in order.

    Every exception a thread raised fails the test (none may escape silently).
    """
    barrier = threading.Barrier(len(tasks))
    results: list[object] = [None] * len(tasks)
    errors: list[BaseException] = []

    def work(index: int, task: Callable[[], object]) -> None:
        try:
            connection.ensure_connection()  # connect first, so the barrier releases real work
            barrier.wait(timeout=30)
            results[index] = task()
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()
        finally:
            connections.close_all()  # this thread's connections only

    threads = [threading.Thread(target=work, args=(i, task)) for i, task in enumerate(tasks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert errors == [], errors
    return results


def make_users(prefix: str, n: int) -> list[User]:
    return [
        User.objects.create_user(username=f"{prefix}{i}", email=f"{prefix}{i}@example.com")
        for i in range(n)
    ]


@pytest.fixture
def owner() -> User:
    return User.objects.create_user(username="owner", email="owner@example.com")


@pytest.fixture
def photo(owner) -> Photo:
    photo = Photo.objects.create(
        owner=owner,
        original="originals/race.jpg",
        content_type="image/jpeg",
        size_bytes=1234,
        sha256="f" * 64,
        width=64,
        height=48,
    )
    return photo_publish(photo=photo, actor=owner)


def assert_no_drift() -> None:
    assert recount(fix=False) == []
    assert_one_notification_per_edge()


def assert_one_notification_per_edge() -> None:
    """No notification is read here: each like and follow has one, and nothing else does."""
    likes = Like.objects.exclude(user=F("photo__owner")).values_list("user_id", "photo_id")
    liked = Notification.objects.filter(kind="LIKED").values_list("actor_id", "photo_id")
    assert sorted(liked) == sorted(likes)
    follows = Follow.objects.values_list("follower_id", "followee_id")
    followed = Notification.objects.filter(kind="FOLLOWED").values_list("actor_id", "recipient_id")
    assert sorted(followed) == sorted(follows)


def stored(instance, field: str) -> int:
    instance.refresh_from_db(fields=[field])
    return getattr(instance, field)


def test_many_users_like_one_photo_at_once(photo):
    users = make_users("fan", THREADS)
    results = run_together([lambda u=u: photo_like(photo=photo, user=u) for u in users])
    assert results == [True] * THREADS
    assert stored(photo, "likes_count") == THREADS
    assert Like.objects.filter(photo=photo).count() == THREADS
    assert set(Like.objects.values_list("user_id", flat=True)) == {u.pk for u in users}
    assert_no_drift()


def test_one_user_liking_many_times_at_once_likes_once(photo):
    (fan,) = make_users("fan", 1)
    results = run_together([lambda: photo_like(photo=photo, user=fan)] * 10)
    assert sorted(results) == [False] * 9 + [True]
    assert stored(photo, "likes_count") == 1
    assert Like.objects.filter(photo=photo, user=fan).count() == 1
    assert_no_drift()


def test_many_users_follow_one_user_at_once(owner):
    users = make_users("fan", THREADS)
    results = run_together([lambda u=u: user_follow(follower=u, followee=owner) for u in users])
    assert results == [True] * THREADS
    assert stored(owner, "followers_count") == THREADS
    assert Follow.objects.filter(followee=owner).count() == THREADS
    assert [stored(u, "following_count") for u in users] == [1] * THREADS
    assert_no_drift()


def test_one_user_following_many_times_at_once_follows_once(owner):
    (fan,) = make_users("fan", 1)
    results = run_together([lambda: user_follow(follower=fan, followee=owner)] * 10)
    assert sorted(results) == [False] * 9 + [True]
    assert stored(owner, "followers_count") == 1
    assert stored(fan, "following_count") == 1
    assert Follow.objects.filter(follower=fan, followee=owner).count() == 1
    assert_no_drift()


def test_concurrent_like_and_unlike_pairs_keep_the_count_true(photo):
    users = make_users("fan", THREADS // 2)
    for user in users[::2]:  # half start out liking it
        photo_like(photo=photo, user=user)
    for _ in range(3):
        tasks = []
        for user in users:
            tasks.append(lambda u=user: photo_like(photo=photo, user=u))
            tasks.append(lambda u=user: photo_unlike(photo=photo, user=u))
        run_together(tasks)
        likes = Like.objects.filter(photo=photo).count()
        assert stored(photo, "likes_count") == likes
        assert 0 <= likes <= len(users)
        assert_no_drift()


def test_concurrent_follow_and_unfollow_pairs_keep_the_counts_true(owner):
    users = make_users("fan", THREADS // 2)
    for user in users[1::2]:
        user_follow(follower=user, followee=owner)
    for _ in range(3):
        tasks = []
        for user in users:
            tasks.append(lambda u=user: user_follow(follower=u, followee=owner))
            tasks.append(lambda u=user: user_unfollow(follower=u, followee=owner))
        run_together(tasks)
        follows = Follow.objects.filter(followee=owner).count()
        assert stored(owner, "followers_count") == follows
        assert [stored(u, "following_count") for u in users] == [
            int(Follow.objects.filter(follower=u).exists()) for u in users
        ]
        assert_no_drift()


def test_mutual_follows_at_once_do_not_deadlock():
    """a follows b while b follows a: each moves both users' counters, in opposite order."""
    pairs = [make_users(f"p{i}_", 2) for i in range(THREADS // 2)]
    tasks = []
    for a, b in pairs:
        tasks.append(lambda a=a, b=b: user_follow(follower=a, followee=b))
        tasks.append(lambda a=a, b=b: user_follow(follower=b, followee=a))
    assert run_together(tasks) == [True] * THREADS
    for a, b in pairs:
        assert (stored(a, "followers_count"), stored(a, "following_count")) == (1, 1)
        assert (stored(b, "followers_count"), stored(b, "following_count")) == (1, 1)
    assert Follow.objects.count() == THREADS
    assert_no_drift()


def test_mutual_unfollows_at_once_do_not_deadlock():
    pairs = [make_users(f"p{i}_", 2) for i in range(THREADS // 2)]
    for a, b in pairs:
        user_follow(follower=a, followee=b)
        user_follow(follower=b, followee=a)
    tasks = []
    for a, b in pairs:
        tasks.append(lambda a=a, b=b: user_unfollow(follower=a, followee=b))
        tasks.append(lambda a=a, b=b: user_unfollow(follower=b, followee=a))
    assert run_together(tasks) == [True] * THREADS
    for a, b in pairs:
        assert (stored(a, "followers_count"), stored(a, "following_count")) == (0, 0)
        assert (stored(b, "followers_count"), stored(b, "following_count")) == (0, 0)
    assert Follow.objects.count() == 0
    assert_no_drift()


def test_concurrent_favorites_and_unfavorites_leave_at_most_one_row(photo):
    users = make_users("fan", THREADS // 2)
    for _ in range(3):
        tasks = []
        for user in users:
            tasks.append(lambda u=user: photo_favorite(photo=photo, user=u))
            tasks.append(lambda u=user: photo_favorite(photo=photo, user=u))
            tasks.append(lambda u=user: photo_unfavorite(photo=photo, user=u))
        run_together(tasks)
        for user in users:
            assert Favorite.objects.filter(photo=photo, user=user).count() <= 1
