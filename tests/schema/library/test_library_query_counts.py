"""The library's lists cost the same number of SQL statements at any size.

Rows are written in bulk with the columns the services would set (search document,
location, day of takenAt), as in tests/schema/media/test_query_counts.py.
"""

from datetime import UTC, datetime, timedelta

import pytest

from media_graph.library.search import document
from media_graph.models import Photo
from media_graph.models.photos import taken_day_columns
from tests.support.query_counts import counts, execute_counted, recorded_thumbnails, unjoined

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.parametrize("media", ["filesystem"], indirect=True),
]

NODE = "id caption owner { username } tags { name } thumbnail { url } location { latitude }"
CONNECTION = f"edges {{ cursor node {{ {NODE} }} }} pageInfo {{ hasNextPage endCursor }}"


def bulk(owner, count: int, *, taken_at=lambda i: None, prefix="photo") -> None:
    start = datetime.now(UTC)
    rows = []
    for i in range(count):
        taken = taken_at(i)
        month, day = taken_day_columns(taken)
        caption = f"{prefix} {' '.join(['kite'] * (i % 3 + 1))}"
        rows.append(
            Photo(
                owner=owner,
                status=Photo.Status.PUBLISHED,
                caption=caption,
                search_document=document(caption, "", []),
                original=f"originals/{prefix}-{i}.jpg",
                content_type="image/jpeg",
                size_bytes=1000 + i,
                sha256=f"{prefix}{i:060x}"[-64:],
                width=64,
                height=48,
                thumbnails=recorded_thumbnails(f"{prefix}-{i}"),
                processing_status=Photo.ProcessingStatus.READY,
                published_at=start - timedelta(minutes=i),
                latitude=48.85 + i * 0.0001,
                longitude=2.35,
                taken_at=taken,
                taken_month=month,
                taken_day=day,
            )
        )
    Photo.objects.bulk_create(rows)


@pytest.fixture
def ann(make_user, login, gql, media):
    owner = make_user("ann")
    login(owner)
    return owner


def test_search(gql, ann):
    bulk(ann, 60)

    def check(data, size):
        edges = data["search"]["edges"]
        assert len(edges) == size
        assert all(edge["node"]["caption"].count("kite") == 3 for edge in edges[:5])

    document_ = f'{{ search(query: "kite", first: $N) {{ {CONNECTION} }} }}'
    count_5, count_50 = counts(gql, document_, check)
    # 1. the viewer's token
    # 2. the page of matching photos, ranked, owners joined
    # 3. their tags
    assert count_5 == count_50 == 3 + unjoined(1)


def test_near(gql, ann):
    bulk(ann, 60)

    def check(data, size):
        edges = data["photos"]["edges"]
        assert len(edges) == size
        assert all(edge["node"]["location"] is not None for edge in edges)

    near = "{latitude: 48.85, longitude: 2.35, radiusKm: 5}"
    document_ = f"{{ photos(first: $N, filters: {{near: {near}}}) {{ {CONNECTION} }} }}"
    count_5, count_50 = counts(gql, document_, check)
    # 1. the viewer's token  2. the page, owners joined  3. their tags
    assert count_5 == count_50 == 3 + unjoined(1)


def test_timeline(gql, ann):
    def counted(months: int) -> int:
        Photo.objects.all().delete()
        bulk(ann, months, taken_at=lambda i: datetime(2000, 1, 15, tzinfo=UTC) + i * timedelta(31))
        data, count = execute_counted(gql, "{ timeline { month count } }")
        assert len(data["timeline"]) == months
        return count

    # 1. the viewer's token  2. the months, grouped and counted in one statement
    assert counted(5) == counted(50) == 2


def test_memories(gql, ann):
    def counted(years: int, per_year: int) -> int:
        Photo.objects.all().delete()
        bulk(
            ann,
            years * per_year,
            taken_at=lambda i: datetime(1999 - i // per_year, 3, 4, 10, i % per_year, tzinfo=UTC),
        )
        data, count = execute_counted(
            gql, f'{{ memories(date: "03-04") {{ yearsAgo photos {{ {NODE} }} }} }}'
        )
        assert [len(memory["photos"]) for memory in data["memories"]] == [per_year] * years
        return count

    # 1. the viewer's token
    # 2. which photos: the years and the first 20 of each (one windowed statement)
    # 3. those photos, owners joined, for every memory at once
    # 4. their tags
    assert counted(2, 2) == counted(20, 20) == 4 + unjoined(1)
