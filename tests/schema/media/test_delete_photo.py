"""deletePhoto removes the row, then the original and every thumbnail from storage."""

import logging
import time

import pytest

from media_graph.models import Photo, Tag
from tests.schema.media.photos import mutate_node, upload
from tests.support.client import codes
from tests.support.images import make_jpeg

pytestmark = pytest.mark.django_db(transaction=True)


def test_delete_removes_row_and_every_object(gql, alice, login, media):
    login(alice)
    keep = upload(gql, make_jpeg(300, 200), caption="#sky", publish=True)
    photo = upload(gql, make_jpeg(200, 300), caption="#sky", publish=True)
    assert len(media.list_keys()) == 8

    assert mutate_node(gql, "deletePhoto", photo["id"]) == {
        "__typename": "DeletedNode",
        "id": photo["id"],
    }
    kept = Photo.objects.get()
    assert kept.sha256 == keep["sha256"]
    stem = kept.original.name.removeprefix("originals/")
    remaining = media.list_keys()
    assert len(remaining) == 4 and all(stem in key for key in remaining)
    alice.refresh_from_db()
    assert alice.photos_count == 1
    assert Tag.objects.get(name="sky").photos_count == 1


def test_delete_a_draft_leaves_counters_alone(gql, alice, login, media):
    login(alice)
    draft = upload(gql, caption="#fog")
    assert mutate_node(gql, "deletePhoto", draft["id"])["__typename"] == "DeletedNode"
    alice.refresh_from_db()
    assert alice.photos_count == 0
    assert media.list_keys() == []


def test_deleting_twice_is_not_found(gql, alice, login, media):
    login(alice)
    photo = upload(gql)
    mutate_node(gql, "deletePhoto", photo["id"])
    assert codes(mutate_node(gql, "deletePhoto", photo["id"])) == [("id", "not_found")]


def test_others_cannot_delete(gql, alice, bob, login, media):
    login(alice)
    photo = upload(gql, publish=True)
    login(bob)
    assert codes(mutate_node(gql, "deletePhoto", photo["id"])) == [(None, "permission_denied")]
    assert len(media.list_keys()) == 4


def test_a_hung_storage_answers_delete_within_the_deadline(gql, alice, login, private_s3, caplog):
    login(alice)
    photo = upload(gql, caption="#sky", publish=True)
    keys = private_s3.list_keys()
    assert len(keys) == 4
    with private_s3.frozen():
        started = time.monotonic()
        payload = mutate_node(gql, "deletePhoto", photo["id"])
        elapsed = time.monotonic() - started
    assert payload == {"__typename": "DeletedNode", "id": photo["id"]}
    assert elapsed < 10, f"took {elapsed:.1f}s"
    assert Photo.objects.count() == 0
    alice.refresh_from_db()
    assert alice.photos_count == 0
    # One call for all four objects, so one failure, logged with every key.
    logged = [
        record.getMessage()
        for record in caplog.records
        if record.name == "media_graph.storage" and record.levelno >= logging.ERROR
    ]
    assert len(logged) == 1 and logged[0].startswith("could not delete")
    assert all(key in logged[0] for key in keys)
