"""The number of SQL queries a list costs does not grow with its page size.

Each test runs one document with `first: 5` and with `first: 50` and counts the queries
of the HTTP request. Equal counts prove there is no query per node; the ceiling (the
count as designed, each query named in a comment) catches a regression that adds a
query per request. Counts must be identical on SQLite and PostgreSQL.

The rows are written in bulk (valid fields, thumbnails already recorded) so that the
data sets can be large enough to show a per-node query without uploading images.
"""

import base64
import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from media_graph.models import Photo, Tag
from tests.support.query_counts import counts, recorded_thumbnails, unjoined
from users.models import User

pytestmark = [
    pytest.mark.django_db,
    # Thumbnail URLs come from the storage; the local one needs no network.
    pytest.mark.parametrize("media", ["filesystem"], indirect=True),
]

OWNERS = ("ann", "ben", "cat")
PHOTOS = 60  # 20 per owner
DAY_TAGS = 30  # day0..day29, each on 2 photos; by<owner> on each of its owner's 20

NODE = """
  id caption
  owner { username displayName }
  tags { name }
  thumbnail { url width height }
  small: thumbnail(size: SMALL) { url }
  image(width: 40, format: AVIF) { url width height format }
  srcSet blurhash dominantColor
"""

CONNECTION = f"""
  totalCount
  edges {{ cursor node {{ {NODE} }} }}
  pageInfo {{ hasNextPage endCursor }}
"""


_batches = itertools.count()


def bulk_photos(owners: list[User], count: int) -> list[Photo]:
    """`count` published photos, newest first by index, owners taking turns."""
    batch, start = next(_batches), timezone.now()
    Photo.objects.bulk_create(
        Photo(
            owner=owners[i % len(owners)],
            status=Photo.Status.PUBLISHED,
            caption=f"photo {i}",
            original=f"originals/{batch}-{i}.jpg",
            content_type="image/jpeg",
            size_bytes=1000 + i,
            sha256=f"{i:064x}",
            width=64,
            height=48,
            thumbnails=recorded_thumbnails(f"{batch}-{i}"),
            processing_status=Photo.ProcessingStatus.READY,
            blurhash="LEHV6nWB2yk8pyo0adR*.7kCMdnj",
            dominant_color="#336699",
            published_at=start - timedelta(minutes=i),
        )
        for i in range(count)
    )
    return list(Photo.objects.order_by("-published_at", "-id"))


@pytest.fixture
def gallery(make_user, media):
    """60 published photos by ann, ben and cat, newest first in index order.

    Photo i carries #day<i % 30> and #by<owner>: 30 tags on 2 photos each and 3 tags
    on 20 photos each, with their counters set as the services would.
    """
    owners = [make_user(name) for name in OWNERS]
    photos = bulk_photos(owners, PHOTOS)
    tags = {
        name: Tag.objects.create(name=name, photos_count=count)
        for name, count in [
            *((f"day{i}", 2) for i in range(DAY_TAGS)),
            *((f"by{owner}", PHOTOS // len(OWNERS)) for owner in OWNERS),
        ]
    }
    Through = Photo.tags.through
    Through.objects.bulk_create(
        Through(photo_id=photo.pk, tag_id=tags[name].pk)
        for i, photo in enumerate(photos)
        for name in (f"day{i % DAY_TAGS}", f"by{OWNERS[i % len(OWNERS)]}")
    )
    User.objects.filter(username__in=OWNERS).update(photos_count=PHOTOS // len(OWNERS))
    return photos


@pytest.fixture(params=["anonymous", "signed-in"])
def viewer(request, gql, login, gallery):
    """Who asks: nobody, or ann (whose token costs one query to check)."""
    if request.param == "signed-in":
        login(User.objects.get(username="ann"))
        return 1
    return 0


def check_page(page: dict, size: int, *, total: int, owners: set[str]) -> None:
    nodes = [edge["node"] for edge in page["edges"]]
    assert len(nodes) == min(size, total)
    assert page["totalCount"] == total
    assert page["pageInfo"]["hasNextPage"] is (size < total)
    assert {node["owner"]["username"] for node in nodes} == owners
    for node in nodes:
        assert node["owner"]["displayName"] == node["owner"]["username"].title()
        number = int(node["caption"].removeprefix("photo "))
        assert [tag["name"] for tag in node["tags"]] == sorted(
            [f"by{OWNERS[number % 3]}", f"day{number % DAY_TAGS}"]
        )
        assert (node["thumbnail"]["width"], node["thumbnail"]["height"]) == (64, 48)
        assert node["thumbnail"]["url"].split("?")[0].endswith(".medium.jpg")
        assert node["small"]["url"].split("?")[0].endswith(".small.jpg")
        # Variants and placeholders come from the row: no query (nor storage call) each.
        # (64 px wide: narrower than the ladder's first rung, so one variant, at 64)
        assert (node["image"]["width"], node["image"]["height"]) == (64, 48)
        assert node["image"]["url"].split("?")[0].endswith("/v1/64.avif")
        assert node["srcSet"].endswith(" 64w") and ", " not in node["srcSet"]
        assert (node["blurhash"], node["dominantColor"]) == (
            "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
            "#336699",
        )


def test_photos(gql, viewer):
    def check(data, size):
        check_page(data["photos"], size, total=PHOTOS, owners=set(OWNERS))
        captions = [edge["node"]["caption"] for edge in data["photos"]["edges"]]
        assert captions == [f"photo {i}" for i in range(size)]

    count_5, count_50 = counts(gql, f"{{ photos(first: $N) {{ {CONNECTION} }} }}", check)
    # (the viewer's token: 1 when signed in)
    # 1. the page of photos, with the total as a window count, their owners joined
    #    (Photo.owner is `joined()`: a visible photo's owner is visible)
    # 2. their tags (a prefetch through the m2m table)
    assert count_5 == count_50 == viewer + 2 + unjoined(1)


def test_user_photos(gql, viewer):
    def check(data, size):
        check_page(data["user"]["photos"], size, total=20, owners={"ann"})

    document = f'{{ user(username: "ann") {{ photos(first: $N) {{ {CONNECTION} }} }} }}'
    count_5, count_50 = counts(gql, document, check)
    # (the viewer's token: 1 when signed in)
    # 1. the user
    # 2. the page of their photos, with the total as a window count (each photo's
    #    owner is the user already loaded: no query)
    # 3. their tags
    assert count_5 == count_50 == viewer + 3


def test_tag_photos(gql, viewer):
    def check(data, size):
        assert data["tag"] is not None
        check_page(data["tag"]["photos"], size, total=20, owners={"ben"})

    document = f'{{ tag(name: "#ByBen") {{ photos(first: $N) {{ {CONNECTION} }} }} }}'
    count_5, count_50 = counts(gql, document, check)
    # (the viewer's token: 1 when signed in)
    # 1. the tag
    # 2. the page of its published photos, with the total as a window count, their
    #    owners joined (no prefetch of their own: Photo.owner is `joined()`)
    # 3. their tags
    assert count_5 == count_50 == viewer + 3 + unjoined(1)


def test_tags(gql, viewer):
    def check(data, size):
        nodes = [edge["node"] for edge in data["tags"]["edges"]]
        expected = [
            *({"name": f"by{owner}", "photosCount": 20} for owner in OWNERS),
            *sorted(
                ({"name": f"day{i}", "photosCount": 2} for i in range(DAY_TAGS)),
                key=lambda tag: tag["name"],
            ),
        ]
        assert nodes == expected[:size]

    document = "{ tags(first: $N) { edges { node { name photosCount } } } }"
    count_5, count_50 = counts(gql, document, check)
    # (the viewer's token: 1 when signed in)
    # 1. the scheduled photos whose time has come (none here; published first when
    #    there are, so the counts and their order agree: schema/server/scheduled.py)
    # 2. the page of tags (visible_to is a condition of the same query)
    assert count_5 == count_50 == viewer + 2


@pytest.fixture
def crowd(make_user, media):
    """50 published photos by 10 owners taking turns, 5 each: a page of N photos has
    min(N, 10) different owners, so a query per owner shows as a growing count."""
    owners = [make_user(f"user{i}") for i in range(10)]
    photos = bulk_photos(owners, 50)
    tag = Tag.objects.create(name="crowd", photos_count=len(photos))
    Photo.tags.through.objects.bulk_create(
        Photo.tags.through(photo_id=photo.pk, tag_id=tag.pk) for photo in photos
    )
    return photos


@pytest.mark.engine  # one windowed query: the per-parent page cut (GRAPHQL_ENGINE_PAGES)
def test_nested_photos_of_each_owner_are_prefetched_in_one_query(gql, crowd):
    ids = {photo.caption: photo for photo in crowd}

    def check(data, size):
        edges = data["photos"]["edges"]
        assert len(edges) == size
        for index, edge in enumerate(edges):
            owner_photos = [e["node"] for e in edge["node"]["owner"]["photos"]["edges"]]
            # The owner's three newest: photos index, index + 10, index + 20 of the crowd
            # (owner k has photos k, k + 10, ...), whatever the page they are seen from.
            first = index % 10
            expected = [ids[f"photo {first + 10 * k}"] for k in range(3)]
            assert [node["tags"] for node in owner_photos] == [[{"name": "crowd"}]] * 3
            assert len({node["id"] for node in owner_photos}) == 3
            assert [_pk(node["id"]) for node in owner_photos] == [p.pk for p in expected]

    document = """{ photos(first: $N) { edges { node { owner {
        photos(first: 3) { edges { node { id tags { name } } } }
    } } } } }"""
    count_5, count_50 = counts(gql, document, check)
    # 1. the page of photos, their owners joined (Photo.owner is `joined()`)
    # 2. every owner's first 3 photos, in one windowed query
    # 3. those photos' tags
    assert count_5 == count_50 == 3 + unjoined(1)


def _pk(global_id: str) -> int:
    type_name, pk = base64.b64decode(global_id).decode().split(":")
    assert type_name == "Photo"
    return int(pk)
