"""Subscriptions over graphql-sse (distinct connections) against a live uvicorn: the same
events as over the WebSocket, and the same refusals as HTTP statuses."""

import json
import time
import urllib.error

import pytest

from tests.support.images import make_jpeg
from tests.support.live import graphql_data, sign_up
from tests.support.realtime import WsClient, sse_events, sse_request, upload_photo

COMMENTS = "subscription ($id: ID!) { commentAdded(photoId: $id) { text author { username } } }"
PHOTO = "subscription ($id: ID!) { photoUpdated(id: $id) { status likesCount } }"


@pytest.fixture(scope="module")
def world(realtime):
    tokens = {
        name: sign_up(realtime.url, name, f"pw-{name}-0123456789", f"{name}@example.com")
        for name in ("sse_alice", "sse_bob")
    }
    return tokens, upload_photo(realtime.url, tokens["sse_alice"], make_jpeg(64, 48))


def call(realtime, query: str, variables: dict, token: str) -> dict:
    return graphql_data(f"{realtime.url}/graphql/", query, variables, token=token)


def test_sse_and_websocket_deliver_the_same_events(realtime, world):
    tokens, photo = world
    endpoint = f"{realtime.url}/graphql/"
    with (
        sse_request(endpoint, COMMENTS, {"id": photo}, token=tokens["sse_bob"]) as stream,
        WsClient(realtime.ws_url, token=tokens["sse_bob"]) as ws,
    ):
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        ws.subscribe("c", COMMENTS, {"id": photo})
        time.sleep(0.2)
        for text in ("one", "two"):
            call(
                realtime,
                "mutation ($id: ID!, $t: String!) { addComment(input: {photoId: $id, text: $t}) "
                "{ __typename } }",
                {"id": photo, "t": text},
                tokens["sse_alice"],
            )
        frames = sse_events(stream)
        over_sse = [next(frames) for _ in range(2)]
        over_ws = [m["payload"] for m in ws.messages(2)]
    assert [event for event, _ in over_sse] == ["next", "next"]
    assert [data for _, data in over_sse] == over_ws
    assert over_ws[0]["data"]["commentAdded"] == {
        "text": "one",
        "author": {"username": "sse_alice"},
    }


def test_sse_stream_completes_when_the_photo_goes(realtime, world):
    tokens, _ = world
    photo = upload_photo(realtime.url, tokens["sse_alice"], make_jpeg(70, 48))
    with sse_request(
        f"{realtime.url}/graphql/", PHOTO, {"id": photo}, token=tokens["sse_bob"]
    ) as s:
        time.sleep(0.2)
        call(
            realtime,
            "mutation ($id: ID!) { likePhoto(input: {photoId: $id}) { __typename } }",
            {"id": photo},
            tokens["sse_bob"],
        )
        frames = sse_events(s)
        assert next(frames) == (
            "next",
            {"data": {"photoUpdated": {"status": "PUBLISHED", "likesCount": 1}}},
        )
        call(
            realtime,
            "mutation ($id: ID!) { deletePhoto(input: {id: $id}) { __typename } }",
            {"id": photo},
            tokens["sse_alice"],
        )
        assert next(frames) == ("complete", None)


def refusal(realtime, query: str, variables=None, **options) -> tuple[int, dict]:
    with pytest.raises(urllib.error.HTTPError) as refused:
        sse_request(f"{realtime.url}/graphql/", query, variables, **options)
    return refused.value.code, json.loads(refused.value.read())


def test_sse_refusals(realtime, world):
    tokens, photo = world
    status, body = refusal(realtime, "subscription { notificationAdded { cursor } }")
    assert status == 401 and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    status, body = refusal(
        realtime, COMMENTS, {"id": photo}, token=tokens["sse_bob"], origin="https://evil.example"
    )
    assert status == 403 and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    status, body = refusal(realtime, COMMENTS, {"id": "UGhvdG86OTk5OTk="}, token=tokens["sse_bob"])
    assert status == 400 and body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    status, body = refusal(realtime, "subscription { nope }", token=tokens["sse_bob"])
    assert status == 400
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_a_browser_app_of_an_allowed_origin_subscribes_and_reads_the_stream(realtime, world):
    tokens, photo = world
    app = "https://app.example"
    preflight = urllib.request.Request(
        f"{realtime.url}/graphql/",
        method="OPTIONS",
        headers={
            "Origin": app,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    with urllib.request.urlopen(preflight, timeout=10) as answer:  # Django's CORS answer
        assert answer.headers["Access-Control-Allow-Origin"] == app
    with sse_request(
        f"{realtime.url}/graphql/", COMMENTS, {"id": photo}, token=tokens["sse_bob"], origin=app
    ) as stream:
        assert stream.headers["Access-Control-Allow-Origin"] == app
    with WsClient(realtime.ws_url, token=tokens["sse_bob"], origin=app) as ws:
        assert ws.ack == {"type": "connection_ack"}
