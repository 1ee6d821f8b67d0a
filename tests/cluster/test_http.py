"""The API across two web processes: one client's requests alternate between them, its
media work runs on the workers, and each write is seen by the next read wherever it lands."""

import time

import requests

from tests.cluster.api import COMMENT, FEED, LIKE, PUBLISH


def test_every_web_process_is_ready(api):
    # Each gunicorn worker's first check builds its clients (S3, Redis): on a loaded
    # machine that can outlast READYZ_CHECK_SECONDS once, so ready means "answers 200
    # within a few tries", as a balancer's health check would see it.
    for url in api.urls:
        statuses = []
        for _ in range(10):
            statuses.append(requests.get(f"{url}/readyz", timeout=5).status_code)
            if statuses[-1] == 200:
                break
            time.sleep(1)
        assert statuses[-1] == 200, (url, statuses)


def test_upload_publish_feed_like_comment_across_processes(api):
    _, owner_token = api.sign_up("owner")
    _, fan_token = api.sign_up("fan")

    uploaded = api.upload(owner_token, caption="across #cluster", web=api.urls[0]).data
    photo = uploaded["uploadPhoto"]
    assert photo["__typename"] == "Photo", photo
    # The web process queued the set; a worker made it.
    assert api.wait_processed(photo["id"], owner_token) == "READY"
    published = api.post(PUBLISH, {"id": photo["id"]}, token=owner_token, web=api.urls[1]).data
    assert published["publishPhoto"]["status"] == "PUBLISHED"

    feed = api.post(FEED, token=owner_token).data["feed"]["edges"]
    assert photo["id"] in [edge["node"]["id"] for edge in feed]

    liked = api.post(LIKE, {"id": photo["id"]}, token=fan_token).data["likePhoto"]
    assert liked == {"__typename": "Photo", "likesCount": 1, "viewerHasLiked": True}
    commented = api.post(COMMENT, {"id": photo["id"], "text": "lovely"}, token=fan_token)
    assert commented.data["addComment"]["text"] == "lovely"

    for web in api.urls:  # both processes read the same counts
        seen = api.post(
            "query ($id: ID!) { photo(id: $id) { likesCount commentsCount } }",
            {"id": photo["id"]},
            web=web,
        ).data["photo"]
        assert seen == {"likesCount": 1, "commentsCount": 1}, web


def test_thumbnail_urls_serve_the_stored_set(api):
    _, token = api.sign_up()
    photo = api.upload(token).data["uploadPhoto"]
    api.wait_processed(photo["id"], token)
    thumbnail = api.photo(photo["id"], token)["thumbnail"]
    response = requests.get(thumbnail["url"], timeout=10)  # signed, straight from S3
    assert response.status_code == 200
    assert response.content[:3] == b"\xff\xd8\xff" or response.content[:4] == b"RIFF"


def test_a_token_from_one_process_works_on_the_other(api):
    name, token = api.sign_up()
    for web in api.urls:
        me = api.post("{ me { username } }", token=token, web=web).data["me"]
        assert me == {"username": name}
