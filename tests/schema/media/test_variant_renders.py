"""Variant renders on first fetch: outside any transaction, bounded per process, and only
for the audience a URL was handed to (issue 22, item 8).

A render is held on a threading.Event in a patched render step (the one fault here that
cannot be caused otherwise): while it is held, a write must go through at once (SQLite
begins write transactions IMMEDIATE, so a render inside one held every writer), and a
fetch past MAX_CONCURRENT_RENDERS must answer 503 with Retry-After.
"""

import threading
import time

import pytest
from django.db import connection

from media_graph import variants
from media_graph.models import ImageVariant
from media_graph.services import follow_requests, follows
from tests.schema.media.photos import mutate_node, upload
from tests.support.storage import fetch

pytestmark = pytest.mark.django_db(transaction=True)

URLS = """
query($id: ID!) {
  photo(id: $id) { wide: image(width: 640) { url } narrow: image(width: 320) { url } }
}"""
LIKE = "mutation($id: ID!) { likePhoto(input: {photoId: $id}) { __typename } }"


def urls(gql, photo_id: str) -> dict[str, str]:
    photo = gql.execute(URLS, {"id": photo_id}).data["photo"]
    return {name: image["url"] for name, image in photo.items()}


class HeldRender:
    """The real render, held at its start until released: `started` says one is held."""

    def __init__(self, monkeypatch):
        self.started, self.release = threading.Event(), threading.Event()
        render = variants.pixels.render

        def held(*args, **kwargs):
            self.started.set()
            assert self.release.wait(20), "the test never released the render"
            return render(*args, **kwargs)

        monkeypatch.setattr(variants.pixels, "render", held)


def fetch_in_thread(url: str) -> tuple[threading.Thread, list]:
    answer: list = []

    def run() -> None:
        try:
            answer.append(fetch(url)[0])
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, answer


@pytest.fixture
def published(media, alice, login, gql) -> dict:
    login(alice)
    return upload(gql, publish=True)


def test_a_write_is_not_held_up_while_a_variant_renders(gql, published, bob, login, monkeypatch):
    gql.token = None
    url = urls(gql, published["id"])["wide"]
    held = HeldRender(monkeypatch)
    thread, answer = fetch_in_thread(url)
    try:
        assert held.started.wait(10)
        login(bob)
        began = time.monotonic()
        liked = gql.execute(LIKE, {"id": published["id"]})
        took = time.monotonic() - began
    finally:
        held.release.set()
        thread.join(30)
    assert liked.data == {"likePhoto": {"__typename": "Photo"}}
    assert took < 2, f"likePhoto waited {took:.1f} s behind a render"
    assert answer == [302]
    assert ImageVariant.objects.count() == 1


def test_past_the_bound_a_first_fetch_answers_503_with_retry_after(
    gql, published, media, settings, monkeypatch
):
    settings.MAX_CONCURRENT_RENDERS = 1
    gql.token = None
    found = urls(gql, published["id"])
    held = HeldRender(monkeypatch)
    thread, answer = fetch_in_thread(found["wide"])
    try:
        assert held.started.wait(10)
        status, headers, _ = fetch(found["narrow"])
        assert (status, headers.get("retry-after")) == (503, "2")
        assert ImageVariant.objects.count() == 0  # refused: no row, no object
        assert media.list_keys("variants/") == []
    finally:
        held.release.set()
        thread.join(30)
    assert answer == [302]
    assert fetch(found["narrow"])[0] == 302  # the slot is free again
    assert ImageVariant.objects.count() == 2


def test_urls_given_while_public_render_nothing_once_it_is_not(gql, published, alice, login, media):
    photo_id = published["id"]
    gql.token = None
    public = urls(gql, photo_id)
    assert fetch(public["narrow"])[0] == 302  # made while public
    login(alice)
    own = urls(gql, photo_id)
    assert "own=1" in own["wide"] and "own=1" not in public["wide"]

    assert mutate_node(gql, "unpublishPhoto", photo_id)["status"] == "DRAFT"
    assert fetch(public["wide"])[0] == 404  # nothing new rendered
    assert fetch(public["narrow"])[0] == 404  # nor the one made before served
    assert ImageVariant.objects.count() == 1 and len(media.list_keys("variants/")) == 1
    assert fetch(own["wide"])[0] == 302  # the owner's keep working
    assert fetch(own["narrow"])[0] == 302
    # The owner's marker is part of what is signed: it cannot be added to another URL.
    assert fetch(public["wide"].replace("?", "?own=1&"))[0] == 403

    assert mutate_node(gql, "publishPhoto", photo_id)["status"] == "PUBLISHED"
    assert fetch(public["wide"])[0] == 302
    assert mutate_node(gql, "deletePhoto", photo_id)["__typename"] == "DeletedNode"
    assert [fetch(url)[0] for url in (*public.values(), *own.values())] == [404] * 4
    assert media.list_keys("variants/") == []


def test_a_deactivated_owners_photo_renders_nothing_for_others(gql, published, alice):
    gql.token = None
    url = urls(gql, published["id"])["wide"]
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert fetch(url)[0] == 404
    assert ImageVariant.objects.count() == 0


def test_an_own_url_is_only_handed_to_the_owner(gql, published, bob, login):
    login(bob)
    assert "own=1" not in urls(gql, published["id"])["wide"]


def test_a_private_accounts_follower_gets_urls_that_render(gql, published, alice, bob, login):
    follows.user_follow(follower=bob, followee=alice)
    follow_requests.user_set_private(user=alice, is_private=True)
    login(bob)
    url = urls(gql, published["id"])["wide"]
    assert "own=1" not in url
    assert fetch(url)[0] == 302
