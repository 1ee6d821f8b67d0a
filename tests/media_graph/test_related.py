"""The related-files services underneath the mutations: names kept for pairing, and
what a pair is."""

from datetime import UTC, datetime, timedelta

import pytest

from media_graph.models import Photo
from media_graph.services.related import photo_pair, source_name_of
from tests.support.factories import photo_row

TAKEN = datetime(2024, 5, 1, 10, 20, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "sent, kept",
    [
        ("IMG_0001.HEIC", "IMG_0001"),
        ("DCIM/100APPLE/IMG_0001.MOV", "IMG_0001"),
        ("C:\\Users\\me\\IMG_0001.JPG", "IMG_0001"),
        ("archive.tar.gz", "archive.tar"),
        ("", ""),
        ("x" * 300 + ".jpg", "x" * 100),
    ],
)
def test_the_name_kept_is_the_file_name_without_folders_or_extension(sent, kept):
    assert source_name_of(sent) == kept


def _half(owner, name: str, taken_at) -> Photo:
    photo = photo_row(owner)
    Photo.objects.filter(pk=photo.pk).update(source_name=name, taken_at=taken_at)
    photo.refresh_from_db()
    return photo


@pytest.mark.django_db
def test_a_pair_is_the_same_owner_name_and_second(alice, bob):
    first = _half(alice, "IMG_1", TAKEN)
    _half(alice, "IMG_1", TAKEN - timedelta(seconds=1, microseconds=1))  # too early
    _half(bob, "IMG_1", TAKEN)  # someone else's
    _half(alice, "IMG_2", TAKEN)  # another name
    second = _half(alice, "IMG_1", TAKEN + timedelta(seconds=1))
    photo_pair(second)
    grouped = Photo.objects.exclude(group=None)
    assert set(grouped.values_list("pk", flat=True)) == {first.pk, second.pk}


@pytest.mark.django_db
def test_no_name_or_no_moment_pairs_nothing(alice):
    _half(alice, "IMG_1", TAKEN)
    photo_pair(_half(alice, "IMG_1", None))
    photo_pair(_half(alice, "", TAKEN))
    assert not Photo.objects.exclude(group=None).exists()
