"""A burst of first fetches of one new variant renders it once.

20 threads fetch the same variant URL at once, each with its own database connection,
as 20 gunicorn threads would. Rendering is slowed down (a spy around the real render),
so every request arrives while the first is still rendering: on PostgreSQL they queue
on the variant's advisory lock, then find the row the first one wrote.
"""

import contextlib
import threading
import time

from django.db import connection

from media_graph import variants
from media_graph.models import ImageVariant
from tests.media_graph.test_concurrency import CONCURRENT_WRITERS
from tests.schema.media.photos import upload
from tests.support.storage import fetch

pytestmark = CONCURRENT_WRITERS

BURST = 20


def test_a_burst_of_first_fetches_renders_once(media, alice, login, gql, monkeypatch):
    login(alice)
    photo = upload(gql, publish=True)
    url = gql.execute(
        "query($id: ID!) { photo(id: $id) { image(width: 640) { url } } }", {"id": photo["id"]}
    ).data["photo"]["image"]["url"]

    renders = []
    render = variants.pixels.render

    def slow_render(*args, **kwargs):
        renders.append(threading.get_ident())
        time.sleep(0.3)
        return render(*args, **kwargs)

    monkeypatch.setattr(variants.pixels, "render", slow_render)
    answers = [None] * BURST
    start = threading.Barrier(BURST)

    def fetch_one(i: int) -> None:
        try:
            start.wait()
            status, headers, _ = fetch(url)
            answers[i] = (status, headers.get("location", "").split("?")[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=fetch_one, args=(i,)) for i in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(renders) == 1
    assert len(set(answers)) == 1 and answers[0][0] == 302
    assert ImageVariant.objects.count() == 1
    assert media.list_keys("variants/") == [ImageVariant.objects.get().name]


def test_two_processes_rendering_one_variant_keep_one_row_and_one_object(
    media, alice, login, gql, monkeypatch
):
    """Two processes each render (their in-process single flight knows nothing of the
    other's): both store an object, the insert keeps one row, the loser deletes its own."""
    login(alice)
    photo = upload(gql, publish=True)
    url = gql.execute(
        "query($id: ID!) { photo(id: $id) { image(width: 320) { url } } }", {"id": photo["id"]}
    ).data["photo"]["image"]["url"]

    @contextlib.contextmanager
    def alone(key):  # as in a process of its own
        yield True

    both_rendering = threading.Barrier(2)
    render = variants.pixels.render

    def together(*args, **kwargs):
        both_rendering.wait(10)
        return render(*args, **kwargs)

    monkeypatch.setattr(variants, "single_flight", alone)
    monkeypatch.setattr(variants.pixels, "render", together)
    answers = [None, None]

    def fetch_one(i: int) -> None:
        try:
            status, headers, _ = fetch(url)
            answers[i] = (status, headers.get("location", "").split("?")[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=fetch_one, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    [row] = ImageVariant.objects.all()
    assert answers[0] == answers[1] and answers[0][0] == 302
    assert media.list_keys("variants/") == [row.name]
