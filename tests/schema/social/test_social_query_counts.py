"""The number of SQL queries the social lists and albums cost does not grow with page size.

Each test runs one document with `first: 5` and with `first: 50` and counts the queries
of the HTTP request. Equal counts prove there is no query per node; the ceiling (the
count as designed, each query named in a comment) catches a regression that adds a
query per request. Counts must be identical on SQLite and PostgreSQL.

Photos and albums are rows written in bulk (valid fields, thumbnails already recorded);
follows, likes and comments too (thousands of service calls would make the data sets
slow to build), after which `recount` sets every counter from the rows.
"""

import base64
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from media_graph.counters import recount
from media_graph.models import Album, AlbumPhoto, Comment, Like, Photo, Tag
from tests.support.factories import gid
from tests.support.query_counts import counts, recorded_thumbnails, unjoined
from users.models import Follow, User

pytestmark = [
    pytest.mark.django_db,
    # Thumbnail URLs come from the storage; the local one needs no network.
    pytest.mark.parametrize("media", ["filesystem"], indirect=True),
]

OWNERS = 10  # owner0..owner9: the people ann follows, 6 published photos each
FANS = 60  # fan00..fan59: star's followers; they like and comment
FEED_PHOTOS = 60
ALBUM_PHOTOS = 60  # star's published photos, all in the album "Best"
ALBUMS = 60  # public albums by the owners, 6 each, besides "Best"


def unsaved_photo(owner: User, key: str, *, published_at=None) -> Photo:
    """A Photo for bulk_create (not saved), thumbnails recorded; a draft without a date."""
    return Photo(
        owner=owner,
        status=Photo.Status.PUBLISHED if published_at else Photo.Status.DRAFT,
        published_at=published_at,
        caption=key,
        original=f"originals/{key}.jpg",
        content_type="image/jpeg",
        size_bytes=1000,
        sha256=base64.b16encode(key.encode()).decode().lower().ljust(64, "0"),
        width=64,
        height=48,
        thumbnails=recorded_thumbnails(key),
    )


def pk_of(global_id: str) -> int:
    return int(base64.b64decode(global_id).decode().split(":")[1])


class World:
    """Everything the lists show, with the expected answers worked out in Python.

    - ann (the signed-in viewer) follows owner0..owner9 and fan00, fan02, ..., fan18;
      fan00, fan03, ... fan57 follow ann.
    - feed: 60 published photos, `feed i` by owner(i % 10), newest first by i; each with
      tags #n<i % 30> and #by<owner>; liked by 4 fans and, when i % 3 == 0, then by
      ann; 3 comments each.
    - star: followed by all 60 fans in order; the photo `hit` is liked by all 60 fans
      (in order) and has 60 comments.
    - star's public album "Best": 60 published photos and 6 drafts, interleaved, with a
      draft as explicit cover; ann likes every 4th of its published photos.
    - 60 public albums "album k" by owner(k % 10), two photos each; the cover is explicit
      (a published photo) when k % 3 == 0, a draft when k % 3 == 1, none otherwise.
      ann also has one private album.

    Edges are written in bulk in the order listed (ids and created_at grow with it, so
    "newest first" is the reverse), then the counters are recounted from the rows.
    """

    def __init__(self, make_user):
        now = timezone.now()
        self.ann = make_user("ann")
        self.star = make_user("star")
        self.owners = [make_user(f"owner{i}") for i in range(OWNERS)]
        self.fans = [make_user(f"fan{i:02d}") for i in range(FANS)]
        follows = [(self.ann, owner) for owner in self.owners]
        for i, fan in enumerate(self.fans):
            follows.append((fan, self.star))
            if i % 2 == 0 and i < 20:
                follows.append((self.ann, fan))
            if i % 3 == 0:
                follows.append((fan, self.ann))
        Follow.objects.bulk_create(Follow(follower=a, followee=b) for a, b in follows)

        # The feed's photos: newest first by index.
        Photo.objects.bulk_create(
            unsaved_photo(
                self.owners[i % OWNERS], f"feed {i}", published_at=now - timedelta(minutes=i)
            )
            for i in range(FEED_PHOTOS)
        )
        self.feed = list(Photo.objects.filter(caption__startswith="feed ").newest_first())
        tags = {f"n{i}": Tag.objects.create(name=f"n{i}") for i in range(30)}
        for owner in self.owners:
            tags[f"by{owner.username}"] = Tag.objects.create(name=f"by{owner.username}")
        Photo.tags.through.objects.bulk_create(
            Photo.tags.through(photo_id=photo.pk, tag_id=tags[name].pk)
            for i, photo in enumerate(self.feed)
            for name in (f"n{i % 30}", f"by{photo.owner.username}")
        )
        likes, comments = [], []
        for i, photo in enumerate(self.feed):
            likes += [Like(photo=photo, user=self.fans[(i + k) % FANS]) for k in range(4)]
            if i % 3 == 0:
                likes.append(Like(photo=photo, user=self.ann))
            comments += [
                Comment(photo=photo, author=self.fans[(i + k) % FANS], text=f"c{k} on {i}")
                for k in range(3)
            ]

        # star's hit: old, so that it is on no first page of `photos`.
        self.hit = unsaved_photo(self.star, "hit", published_at=now - timedelta(days=30))
        self.hit.save()
        likes += [Like(photo=self.hit, user=fan) for fan in self.fans]
        comments += [
            Comment(photo=self.hit, author=fan, text=f"from {fan.username}") for fan in self.fans
        ]

        # star's album: published photos older than the feed, drafts in between.
        Photo.objects.bulk_create(
            unsaved_photo(self.star, f"best {i}", published_at=now - timedelta(days=1, minutes=i))
            for i in range(ALBUM_PHOTOS)
        )
        Photo.objects.bulk_create(unsaved_photo(self.star, f"best draft {i}") for i in range(6))
        best = Photo.objects.filter(caption__startswith="best ").order_by("pk")
        published = list(best.exclude(caption__startswith="best draft"))
        drafts = list(best.filter(caption__startswith="best draft"))
        self.best_order = []  # album order: a draft before every 10th published photo
        for i, photo in enumerate(published):
            if i % 10 == 0:
                self.best_order.append(drafts[i // 10])
            self.best_order.append(photo)
        self.best = Album.objects.create(
            owner=self.star, title="Best", visibility="PUBLIC", cover=drafts[0]
        )
        AlbumPhoto.objects.bulk_create(
            AlbumPhoto(album=self.best, photo=photo, position=i)
            for i, photo in enumerate(self.best_order, 1)
        )
        self.best_liked = {photo.pk for photo in published[::4]}
        likes += [Like(photo=photo, user=self.ann) for photo in published[::4]]
        Like.objects.bulk_create(likes)
        Comment.objects.bulk_create(comments)

        # The owners' albums: made in order, so "album 59" is the newest.
        owner_photos = {
            owner.pk: [p for p in self.feed if p.owner_id == owner.pk] for owner in self.owners
        }
        Photo.objects.bulk_create(
            unsaved_photo(owner, f"{owner.username} draft") for owner in self.owners
        )
        owner_drafts = {p.owner_id: p for p in Photo.objects.filter(caption__endswith=" draft")}
        self.albums = []
        for k in range(ALBUMS):
            owner = self.owners[k % OWNERS]
            first, second = owner_photos[owner.pk][(k // 10) % 5], owner_photos[owner.pk][5]
            cover = {0: second, 1: owner_drafts[owner.pk], 2: None}[k % 3]
            album = Album.objects.create(
                owner=owner, title=f"album {k}", visibility="PUBLIC", cover=cover
            )
            album.cover_expected = cover if k % 3 == 0 else first
            AlbumPhoto.objects.bulk_create(
                AlbumPhoto(album=album, photo=photo, position=i)
                for i, photo in enumerate([first, second], 1)
            )
            self.albums.append(album)
        Album.objects.create(owner=self.ann, title="ann's own", visibility="PRIVATE")
        recount(fix=True)


@pytest.fixture
def world(make_user, media) -> World:
    return World(make_user)


@pytest.fixture(params=["anonymous", "signed-in"])
def viewer(request, gql, login, world):
    """Who asks: nobody, or ann (whose token costs one query to check)."""
    if request.param == "signed-in":
        login(world.ann)
        return 1
    return 0


USER_FIELDS = "username viewerIsFollowing followsViewer followersCount"


def expected_user(world: World, user: User, signed_in: bool) -> dict:
    index = int(user.username.removeprefix("fan"))
    ann_follows = index % 2 == 0 and index < 20
    return {
        "username": user.username,
        "viewerIsFollowing": signed_in and ann_follows,
        "followsViewer": signed_in and index % 3 == 0,
        "followersCount": 1 if ann_follows else 0,
    }


def test_feed(gql, login, world):
    """The feed is for signed-in viewers only (anonymous: test_feed_anonymous)."""
    login(world.ann)

    def check(data, size):
        page = data["feed"]
        assert page["totalCount"] == FEED_PHOTOS
        nodes = [edge["node"] for edge in page["edges"]]
        assert [pk_of(node["id"]) for node in nodes] == [p.pk for p in world.feed[:size]]
        for i, node in enumerate(nodes):
            owner = world.owners[i % OWNERS].username
            assert node["owner"] == {"username": owner}
            assert (
                node["thumbnail"]["url"]
                .split("?")[0]
                .endswith(f"thumbnails/feed {i}.medium.jpg".replace(" ", "%20"))
            )
            assert (node["thumbnail"]["width"], node["thumbnail"]["height"]) == (64, 48)
            assert [tag["name"] for tag in node["tags"]] == sorted([f"by{owner}", f"n{i % 30}"])
            assert node["likesCount"] == (5 if i % 3 == 0 else 4)
            assert node["commentsCount"] == 3
            assert node["viewerHasLiked"] is (i % 3 == 0)

    document = """{ feed(first: $N) { totalCount edges { node {
        id owner { username } thumbnail { url width height } tags { name }
        likesCount commentsCount viewerHasLiked
    } } } }"""
    count_5, count_50 = counts(gql, document, check)
    # 1. the viewer's token
    # 2. the page of the feed (first + 1 rows; viewerHasLiked is an EXISTS in it, and
    #    the sort key (publishedAt, id) too: every edge's cursor is made from it), their
    #    owners joined (Photo.owner is `joined()`: a visible photo's owner is visible),
    #    and totalCount as a window over the whole feed (a first page has no cursor)
    # 3. their tags
    assert count_5 == count_50 == 3 + unjoined(1)


def test_feed_anonymous(gql, world):
    found = []
    for size in (5, 50):
        with CaptureQueriesContext(connection) as queries:
            response = gql.execute(f"{{ feed(first: {size}) {{ totalCount }} }}")
        assert response.error_codes == ["UNAUTHENTICATED"]
        found.append(len(queries.captured_queries))
    # No query: the viewer is known to be anonymous before anything is read.
    assert found == [0, 0]


def test_user_followers(gql, world, viewer):
    signed_in = bool(viewer)

    def check(data, size):
        page = data["user"]["followers"]
        assert page["totalCount"] == FANS
        expected = [expected_user(world, fan, signed_in) for fan in reversed(world.fans)]
        assert [edge["node"] for edge in page["edges"]] == expected[:size]

    document = f"""{{ user(username: "star") {{ followers(first: $N) {{
        totalCount edges {{ node {{ {USER_FIELDS} }} }}
    }} }} }}"""
    count_5, count_50 = counts(gql, document, check)
    # (the viewer's token: 1 when signed in)
    # 1. the user
    # 2. the page of followers, with the total as a window count; viewerIsFollowing and
    #    followsViewer are EXISTS in it
    assert count_5 == count_50 == viewer + 2


def test_photo_likes(gql, world, viewer):
    signed_in = bool(viewer)

    def check(data, size):
        page = data["photo"]["likes"]
        assert page["totalCount"] == FANS
        expected = [expected_user(world, fan, signed_in) for fan in reversed(world.fans)]
        assert [edge["node"] for edge in page["edges"]] == expected[:size]

    document = f"""{{ photo(id: "{gid("Photo", world.hit.pk)}") {{ likes(first: $N) {{
        totalCount edges {{ node {{ {USER_FIELDS} }} }}
    }} }} }}"""
    count_5, count_50 = counts(gql, document, check)
    # (the viewer's token: 1 when signed in)
    # 1. the photo
    # 2. the page of the users who liked it, newest like first, with the total
    assert count_5 == count_50 == viewer + 2


def test_photo_comments(gql, world, viewer):
    def check(data, size):
        page = data["photo"]["comments"]
        assert page["totalCount"] == FANS
        expected = [
            {"text": f"from {fan.username}", "author": {"username": fan.username}}
            for fan in world.fans
        ]
        assert [edge["node"] for edge in page["edges"]] == expected[:size]

    document = f"""{{ photo(id: "{gid("Photo", world.hit.pk)}") {{ comments(first: $N) {{
        totalCount edges {{ node {{ text author {{ username }} }} }}
    }} }} }}"""
    count_5, count_50 = counts(gql, document, check)
    # (the viewer's token: 1 when signed in)
    # 1. the photo
    # 2. the page of its comments, oldest first, with the total, their authors joined
    #    (Comment.author is `joined()`: a visible comment's author is active)
    assert count_5 == count_50 == viewer + 2 + unjoined(1)


def test_album_photos(gql, world, viewer):
    signed_in = bool(viewer)
    published = [p for p in world.best_order if p.status == Photo.Status.PUBLISHED]
    liked = world.best_liked

    def check(data, size):
        album = data["album"]
        # Neither viewer is star: they see the published photos only, and the first of
        # them as cover (the explicit cover is a draft).
        assert album["photosCount"] == ALBUM_PHOTOS
        assert album["cover"] == {"id": gid("Photo", published[0].pk)}
        assert album["photos"]["totalCount"] == ALBUM_PHOTOS
        nodes = [edge["node"] for edge in album["photos"]["edges"]]
        assert [pk_of(node["id"]) for node in nodes] == [p.pk for p in published[:size]]
        for node, photo in zip(nodes, published, strict=False):
            assert node["owner"] == {"username": "star"}
            assert node["viewerHasLiked"] is (signed_in and photo.pk in liked)
            expected = f"thumbnails/{photo.caption}.medium.jpg".replace(" ", "%20")
            assert node["thumbnail"]["url"].split("?")[0].endswith(expected)

    document = f"""{{ album(id: "{gid("Album", world.best.pk)}") {{
        photosCount cover {{ id }}
        photos(first: $N) {{ totalCount edges {{ node {{
            id owner {{ username }} viewerHasLiked thumbnail {{ url }}
        }} }} }}
    }} }}"""
    count_5, count_50 = counts(gql, document, check)
    # (the viewer's token: 1 when signed in)
    # 1. the album, with photosCount (a count subquery), its explicit cover (a join) and
    #    whether the viewer may see it (an EXISTS)
    # 2. the first photo the viewer may see (the cover's fallback, a window query)
    # 3. the page of its photos in album order, with the total; viewerHasLiked in it,
    #    their owners joined (Photo.owner is `joined()`)
    assert count_5 == count_50 == viewer + 3 + unjoined(1)


def test_albums(gql, world, viewer):
    newest_first = [*reversed(world.albums)]

    def check(data, size):
        page = data["albums"]
        # Every album is public but ann's own; "Best" is the oldest.
        assert page["totalCount"] == ALBUMS + 1 + viewer
        nodes = [edge["node"] for edge in page["edges"]]
        expected_albums = ([] if not viewer else ["ann's own"]) + [a.title for a in newest_first]
        assert [node["title"] for node in nodes] == expected_albums[:size]
        by_title = {album.title: album for album in world.albums}
        for node in nodes:
            if node["title"] == "ann's own":
                assert (node["photosCount"], node["cover"]) == (0, None)
                continue
            album = by_title[node["title"]]
            assert node["photosCount"] == 2
            cover = album.cover_expected
            assert node["cover"]["id"] == gid("Photo", cover.pk)
            expected = f"thumbnails/{cover.caption}.medium.jpg".replace(" ", "%20")
            assert node["cover"]["thumbnail"]["url"].split("?")[0].endswith(expected)

    document = """{ albums(first: $N) { totalCount edges { node {
        title photosCount cover { id thumbnail { url } }
    } } } }"""
    count_5, count_50 = counts(gql, document, check)
    # (the viewer's token: 1 when signed in)
    # 1. the page of albums, with the total as a window count, photosCount (a subquery),
    #    the explicit cover (a join) and whether the viewer may see it (an EXISTS)
    # 2. each album's first photo the viewer may see (one window query for the page)
    assert count_5 == count_50 == viewer + 2


@pytest.mark.engine  # nested pages in windowed queries: the per-parent cut (GRAPHQL_ENGINE_PAGES)
def test_photos_with_nested_likes_and_comments(gql, world, viewer):
    def check(data, size):
        nodes = [edge["node"] for edge in data["photos"]["edges"]]
        assert len(nodes) == size
        for i, node in enumerate(nodes):
            likers = [world.fans[(i + k) % FANS].username for k in range(4)]
            if i % 3 == 0:
                likers.append("ann")
            assert [e["node"]["username"] for e in node["likes"]["edges"]] == likers[::-1][:3]
            assert [e["node"]["text"] for e in node["comments"]["edges"]] == [
                f"c0 on {i}",
                f"c1 on {i}",
            ]

    document = """{ photos(first: $N) { edges { node {
        likes(first: 3) { edges { node { username } } }
        comments(first: 2) { edges { node { text } } }
    } } } }"""
    count_5, count_50 = counts(gql, document, check)
    # (the viewer's token: 1 when signed in)
    # 1. the page of photos
    # 2. every photo's 3 newest likers, in one windowed query
    # 3. every photo's 2 oldest comments, in one windowed query
    assert count_5 == count_50 == viewer + 3
    assert Comment.objects.count() == FEED_PHOTOS * 3 + FANS
