"""timeline and memories: the viewer's own photos by month and "on this day", in UTC."""

from datetime import UTC, datetime, timedelta

import pytest

from media_graph.models import Photo
from tests.schema.library.library import photo_with
from tests.schema.media.reading import READING

pytestmark = READING

TIMELINE = "{ timeline { month count } }"
MEMORIES = """
query($date: String) { memories(date: $date) { yearsAgo photos { caption takenAt } } }
"""


def timeline(client) -> list[tuple[str, int]]:
    return [(b["month"], b["count"]) for b in client.execute(TIMELINE).data["timeline"]]


def memories(client, date=None) -> list[tuple[int, list[str]]]:
    found = client.execute(MEMORIES, {"date": date}).data["memories"]
    return [(m["yearsAgo"], [p["caption"] for p in m["photos"]]) for m in found]


def test_timeline_counts_the_owners_photos_per_utc_month_newest_first(viewers, alice, bob):
    # 1 January 01:00 in Tokyo is still 31 December in UTC: December, the year before.
    photo_with(alice, "tokyo new year", taken_at="2023:01:01 01:00:00", offset="+09:00")
    photo_with(alice, "new york eve", taken_at="2022:12:31 20:00:00", offset="-05:00")
    photo_with(alice, "december", taken_at="2022:12:15 12:00:00")
    photo_with(alice, "draft in march", taken_at="2021:03:02 12:00:00", publish=False)
    photo_with(alice, "undated")  # createdAt: now
    photo_with(bob, "bob's", taken_at="2022:12:15 12:00:00")
    now = datetime.now(UTC)
    assert timeline(viewers["alice"]) == [
        (f"{now.year:04d}-{now.month:02d}", 1),
        ("2023-01", 1),  # New York's evening of the 31st is 01:00 UTC on 1 January
        ("2022-12", 2),
        ("2021-03", 1),
    ]
    assert timeline(viewers["bob"]) == [("2022-12", 1)]


def test_timeline_is_unauthenticated_for_anonymous_viewers(viewers):
    assert viewers["anonymous"].execute(TIMELINE).error_codes == ["UNAUTHENTICATED"]


def test_memories_group_earlier_years_most_recent_first_photos_oldest_first(viewers, alice, bob):
    this_year = datetime.now(UTC).year
    photo_with(alice, "a late", taken_at=f"{this_year - 1}:06:14 18:00:00")
    photo_with(alice, "a early", taken_at=f"{this_year - 1}:06:14 07:00:00")
    photo_with(alice, "draft", taken_at=f"{this_year - 3}:06:14 12:00:00", publish=False)
    photo_with(alice, "next day", taken_at=f"{this_year - 2}:06:15 12:00:00")
    # 14 June 23:30 in Los Angeles is the 15th in UTC.
    photo_with(alice, "la evening", taken_at=f"{this_year - 2}:06:14 23:30:00", offset="-07:00")
    photo_with(alice, "this year", taken_at=f"{this_year}:06:14 12:00:00")
    photo_with(bob, "bob's", taken_at=f"{this_year - 1}:06:14 12:00:00")
    assert memories(viewers["alice"], "06-14") == [(1, ["a early", "a late"]), (3, ["draft"])]
    assert memories(viewers["alice"], "06-15") == [(2, ["la evening", "next day"])]
    assert memories(viewers["bob"], "06-14") == [(1, ["bob's"])]
    assert memories(viewers["anonymous"], "06-14") == []


def test_a_photo_uploaded_now_taken_three_years_ago_today_is_a_memory_at_once(viewers, alice):
    today = datetime.now(UTC)
    assert memories(viewers["alice"]) == []
    when = today.replace(year=today.year - 3) if (today.month, today.day) != (2, 29) else None
    if when is None:
        pytest.skip("29 February three years ago does not exist")
    photo_with(alice, "three years", taken_at=when.strftime("%Y:%m:%d %H:%M:%S"), offset="+00:00")
    assert memories(viewers["alice"]) == [(3, ["three years"])]


def test_memories_hold_at_most_20_photos_each(viewers, alice):
    photo = photo_with(alice, "first", taken_at="2001:02:03 00:00:00")
    start = photo.taken_at
    for i in range(1, 25):  # the same row's fields, taken later the same day
        photo.pk, photo.sha256 = None, f"{i:064x}"
        photo.caption, photo.taken_at = f"n{i}", start + timedelta(minutes=i)
        photo.save()
    assert Photo.objects.filter(taken_month=2, taken_day=3).count() == 25
    [(years_ago, captions)] = memories(viewers["alice"], "02-03")
    assert years_ago == datetime.now(UTC).year - 2001
    assert captions == ["first", *(f"n{i}" for i in range(1, 20))]


@pytest.mark.parametrize("date", ["", "6-14", "06/14", "13-01", "02-30", "00-10", "06-14x", "x"])
def test_malformed_dates_are_codes(viewers, date):
    assert viewers["alice"].execute(MEMORIES, {"date": date}).error_codes == ["BAD_USER_INPUT"]


def test_february_29_is_a_day(viewers, alice):
    photo_with(alice, "leap", taken_at="2020:02:29 12:00:00")
    assert memories(viewers["alice"], "02-29") == [(datetime.now(UTC).year - 2020, ["leap"])]
