"""User.events (photos and cover nested) and Photo.related cost the same number of
queries at any page size: each event's page and cover, and each photo's group, come in
one prefetch for the whole list."""

from datetime import UTC, datetime, timedelta

import pytest

from media_graph.models import Event, Photo, PhotoGroup
from tests.support.factories import photo_row
from tests.support.query_counts import counts, unjoined

pytestmark = pytest.mark.django_db

DAY = datetime(2025, 1, 1, tzinfo=UTC)


def days_with_events(owner, n: int) -> None:
    """n daily PUBLIC events, each holding that day's three photos (and a draft)."""
    for i in range(n):
        start = DAY + timedelta(days=i)
        for hour in (1, 2, 3):
            photo = photo_row(owner, f"day {i} hour {hour}")
            Photo.objects.filter(pk=photo.pk).update(taken_at=start + timedelta(hours=hour))
        draft = photo_row(owner, f"day {i} draft", published=False)
        Photo.objects.filter(pk=draft.pk).update(taken_at=start + timedelta(hours=4))
        Event.objects.create(
            owner=owner,
            title=f"day {i}",
            start=start,
            end=start + timedelta(hours=23),
            visibility="PUBLIC",
        )


def test_events_with_their_photos_and_covers_cost_the_same_at_any_page_size(gql, login, alice, bob):
    days_with_events(alice, 60)
    login(bob)
    document = """{ user(username: "alice") { events(first: $N) { totalCount edges { node {
        title photosCount owner { username } cover { id caption }
        photos(first: 2) { totalCount pageInfo { hasNextPage } edges { cursor node {
            caption owner { username } viewerHasLiked related { id }
        } } }
    } } } } }"""

    def check(data, size):
        nodes = [edge["node"] for edge in data["user"]["events"]["edges"]]
        assert len(nodes) == size
        for node in nodes:
            day = node["title"]
            assert node["photosCount"] == node["photos"]["totalCount"] == 3  # not the draft
            assert node["cover"]["caption"] == f"{day} hour 1"
            captions = [edge["node"]["caption"] for edge in node["photos"]["edges"]]
            assert captions == [f"{day} hour 1", f"{day} hour 2"]
            assert node["photos"]["pageInfo"]["hasNextPage"] is True

    count_5, count_50 = counts(gql, document, check)
    # 1. the token, 2. the user, 3. the events page (photosCount a subquery in it, owners
    # joined), 4. the covers, 5. the photos' pages (owners joined). Their groups cost
    # nothing: none is in one (photos in groups: the next test).
    assert count_5 == count_50 == 5 + unjoined(1)


def test_related_photos_in_a_list_cost_the_same_at_any_page_size(gql, login, alice, bob):
    photos = [photo_row(alice, f"photo {i}") for i in range(120)]
    for first, second in zip(photos[::2], photos[1::2], strict=True):
        group = PhotoGroup.objects.create(owner=alice)
        Photo.objects.filter(pk__in=[first.pk, second.pk]).update(group=group)
    login(bob)
    document = """{ photos(first: $N) { edges { node {
        caption related { caption owner { username } }
    } } } }"""

    def check(data, size):
        nodes = [edge["node"] for edge in data["photos"]["edges"]]
        assert len(nodes) == size
        for node in nodes:
            n = int(node["caption"].split()[1])
            partner = n + 1 if n % 2 == 0 else n - 1
            assert node["related"] == [
                {"caption": f"photo {partner}", "owner": {"username": "alice"}}
            ]

    count_5, count_50 = counts(gql, document, check)
    # 1. the token, 2. the page, 3. the groups, 4. the groups' visible photos
    assert count_5 == count_50 == 4 + unjoined(1)
