"""The cursor codec: what a list's key survives, and what it refuses."""

from datetime import UTC, datetime

import pytest
from django.db import models

from media_graph.models import Comment, Photo, Tag
from schema.core import cursors
from schema.core.errors import BadUserInput
from schema.engine.keyset import order_of

pytestmark = pytest.mark.django_db


def _order(queryset):
    return order_of(queryset)[1]


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 11, 26, 15, 30, 1, 999_999, tzinfo=UTC),
        datetime(1970, 1, 1, tzinfo=UTC),
        datetime(1901, 2, 3, 4, 5, 6, 7, tzinfo=UTC),  # before the epoch
        datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
    ],
)
def test_a_time_keeps_its_microseconds(moment):
    order = _order(Comment.objects.oldest_first())
    assert cursors.decode(cursors.encode(order, [moment, 7]), order, "after") == [moment, 7]


def test_text_keys_come_back_as_text():
    order = _order(Tag.objects.most_used_first())
    assert [part.descending for part in order.parts] == [True, False, False]  # pk breaks ties
    key = [3, "café", 12]
    assert cursors.decode(cursors.encode(order, key), order, "before") == key


def test_an_expression_key_is_its_own_list():
    newest = _order(Photo.objects.newest_first())
    by_publication = _order(Photo.objects.order_by("-published_at", "-id"))
    cursor = cursors.encode(newest, [datetime(2026, 1, 1, tzinfo=UTC), 1])
    with pytest.raises(BadUserInput, match="'after' is not a cursor of this list"):
        cursors.decode(cursor, by_publication, "after")


def test_a_key_type_without_a_cursor_form_is_a_programming_error():
    order = _order(Photo.objects.order_by("pk"))
    with pytest.raises(TypeError):
        cursors.encode(order, [models.F("pk")])


def test_a_model_ordering_is_kept_when_the_primary_key_is_added(monkeypatch):
    monkeypatch.setattr(Tag._meta, "ordering", ["-photos_count"])
    queryset, order = order_of(Tag.objects.all())
    assert [part.descending for part in order.parts] == [True, True]
    sql = str(queryset.query)
    assert sql.index('"photos_count" DESC') < sql.index('"id" DESC')
