"""Subscriptions over graphql-transport-ws against a live uvicorn (project.asgi), with the
in-memory channel layer: the writes are mutations sent to the same process over HTTP.
"""

import base64
import os
import socket
import time

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.support.images import make_jpeg
from tests.support.live import graphql_data, sign_up
from tests.support.realtime import WsClient, upload_photo

NOTIFICATIONS = (
    "subscription ($after: String) { notificationAdded(after: $after) "
    "{ cursor node { kind comment { text } } } }"
)
COMMENTS = "subscription ($id: ID!) { commentAdded(photoId: $id) { text } }"
PHOTO = "subscription ($id: ID!) { photoUpdated(id: $id) { status commentsCount caption } }"
COMMENT = (
    "mutation ($id: ID!, $text: String!) { addComment(input: {photoId: $id, text: $text}) "
    "{ ... on Comment { id } } }"
)


@pytest.fixture(scope="module")
def world(realtime):
    """alice (a published photo), bob and carol, signed in on the live server."""
    tokens = {
        name: sign_up(realtime.url, name, f"pw-{name}-0123456789", f"{name}@example.com")
        for name in ("alice", "bob", "carol")
    }
    photo = upload_photo(realtime.url, tokens["alice"], make_jpeg(64, 48))
    return tokens, photo


def call(realtime, query: str, variables: dict, token: str) -> dict:
    return graphql_data(f"{realtime.url}/graphql/", query, variables, token=token)


def comment(realtime, token: str, photo: str, text: str) -> None:
    call(realtime, COMMENT, {"id": photo, "text": text}, token)


def nexts(ws: WsClient, count: int) -> list[dict]:
    messages = ws.messages(count)
    assert all(m["type"] == "next" for m in messages), messages
    return [m["payload"]["data"] for m in messages]


def nothing_more(ws: WsClient, wait: float = 0.5) -> None:
    with pytest.raises(TimeoutError):
        ws.receive(timeout=wait)


def test_notifications_arrive_in_order_once_and_replay_what_was_missed(realtime, world):
    tokens, photo = world
    with WsClient(realtime.ws_url, token=tokens["alice"]) as ws:
        assert ws.ack == {"type": "connection_ack"}
        ws.subscribe("n", NOTIFICATIONS)
        time.sleep(0.2)  # the subscription has joined its group
        for i in range(3):
            comment(realtime, tokens["bob"], photo, f"live {i}")
        got = [d["notificationAdded"] for d in nexts(ws, 3)]
        assert [e["node"]["comment"]["text"] for e in got] == ["live 0", "live 1", "live 2"]
        nothing_more(ws)
    last = got[-1]["cursor"]
    for i in range(20):  # while alice is away
        comment(realtime, tokens["bob"], photo, f"missed {i}")
    with WsClient(realtime.ws_url, token=tokens["alice"]) as ws:
        ws.subscribe("n", NOTIFICATIONS, {"after": last})
        replayed = [d["notificationAdded"] for d in nexts(ws, 20)]
        assert [e["node"]["comment"]["text"] for e in replayed] == [
            f"missed {i}" for i in range(20)
        ]
        comment(realtime, tokens["bob"], photo, "after replay")
        assert nexts(ws, 1)[0]["notificationAdded"]["node"]["comment"]["text"] == "after replay"
        nothing_more(ws)
    # The cursor of an event is a cursor of `notifications` too.
    page = call(
        realtime,
        "query ($a: String) { notifications(first: 1, after: $a) { edges { node { id } } } }",
        {"a": replayed[-1]["cursor"]},
        tokens["alice"],
    )
    assert page["notifications"]["edges"]


def test_comments_and_photo_changes(realtime, world):
    tokens, photo = world
    with WsClient(realtime.ws_url, token=tokens["carol"]) as ws:
        ws.subscribe("c", COMMENTS, {"id": photo})
        ws.subscribe("p", PHOTO, {"id": photo})
        time.sleep(0.2)
        comment(realtime, tokens["bob"], photo, "hello")
        messages = ws.messages(2)
        by_id = {m["id"]: m["payload"]["data"] for m in messages}
        assert by_id["c"] == {"commentAdded": {"text": "hello"}}
        assert by_id["p"]["photoUpdated"]["status"] == "PUBLISHED"
        call(
            realtime,
            'mutation ($id: ID!) { updatePhoto(input: {id: $id, caption: "new words"}) '
            "{ __typename } }",
            {"id": photo},
            tokens["alice"],
        )
        assert nexts(ws, 1)[0]["photoUpdated"]["caption"] == "new words"
        nothing_more(ws)


def test_photo_updated_completes_when_the_photo_is_no_longer_visible(realtime, world):
    tokens, _ = world
    photo = upload_photo(realtime.url, tokens["alice"], make_jpeg(66, 48))
    with WsClient(realtime.ws_url, token=tokens["bob"]) as ws:
        ws.subscribe("p", PHOTO, {"id": photo})
        time.sleep(0.2)
        call(
            realtime,
            "mutation ($id: ID!) { unpublishPhoto(input: {id: $id}) { __typename } }",
            {"id": photo},
            tokens["alice"],
        )
        assert ws.receive() == {"type": "complete", "id": "p"}


def test_refusals(realtime, world):
    tokens, photo = world
    with WsClient(realtime.ws_url) as ws:  # anonymous
        ws.subscribe("n", NOTIFICATIONS)
        answer = ws.receive()
        assert answer["type"] == "error"
        assert answer["payload"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        costly = (
            "subscription ($id: ID!) { photoUpdated(id: $id) { comments(first: 100) { edges "
            "{ node { author { photos(first: 100) { edges { node { id } } } } } } } } }"
        )
        ws.subscribe("x", costly, {"id": photo})
        answer = ws.receive()
        assert answer["type"] == "error", answer
        assert answer["payload"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert answer["payload"][0]["extensions"]["maxCost"] == 5000
    with pytest.raises(InvalidStatus) as refused:
        WsClient(realtime.ws_url, token=tokens["alice"], origin="https://evil.example")
    assert refused.value.response.status_code == 403
    with WsClient(realtime.ws_url, token=tokens["alice"]) as ws:
        for i in range(20):
            ws.subscribe(str(i), COMMENTS, {"id": photo})
        ws.subscribe("21st", COMMENTS, {"id": photo})
        answer = ws.receive()
        assert answer["id"] == "21st" and answer["type"] == "error"
        assert answer["payload"][0]["extensions"]["code"] == "RATE_LIMITED"
        ws.send({"type": "complete", "id": "0"})
        time.sleep(0.2)
        ws.subscribe("again", COMMENTS, {"id": photo})
        nothing_more(ws)  # taken: no error


def test_a_bad_token_is_refused_and_a_signed_out_one_ends_its_subscriptions(realtime):
    with pytest.raises(ConnectionClosed) as closed:
        WsClient(realtime.ws_url, token="not-a-token")  # refused instead of the ack
    assert closed.value.rcvd.code == 4403
    token = sign_up(realtime.url, "dave", "pw-dave-0123456789", "dave@example.com")
    with WsClient(realtime.ws_url, token=token) as ws:
        ws.subscribe("n", NOTIFICATIONS)
        time.sleep(0.2)
        call(
            realtime,
            'mutation { signOutEverywhere(input: {password: "pw-dave-0123456789"}) '
            "{ __typename } }",
            {},
            token,
        )
        with pytest.raises(ConnectionClosed):
            ws.receive(timeout=5)
        assert ws.socket.close_code == 4403


def test_access_tokens_subscribe_with_their_scopes(realtime, world):
    tokens, _ = world
    made = call(
        realtime,
        'mutation ($s: [AccessTokenScope!]!) { createAccessToken(input: {name: "ci", '
        "scopes: $s}) { ... on NewAccessToken { token } } }",
        {"s": ["PUBLISH"]},
        tokens["carol"],
    )
    publish_only = made["createAccessToken"]["token"]
    with WsClient(realtime.ws_url, authorization=f"Bearer {publish_only}") as ws:
        assert ws.ack == {"type": "connection_ack"}
        ws.subscribe("n", NOTIFICATIONS)
        answer = ws.receive()
        assert answer["type"] == "error"  # notifications need READ
        assert answer["payload"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_peer_that_stops_answering_pings_is_closed(realtime):
    """A raw upgrade that then never answers the server's pings (a dead phone)."""
    with socket.create_connection(("127.0.0.1", realtime.port), timeout=10) as peer:
        key = base64.b64encode(os.urandom(16)).decode()
        peer.sendall(
            f"GET /graphql/ HTTP/1.1\r\nHost: 127.0.0.1:{realtime.port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
            f"Sec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n".encode()
        )
        assert peer.recv(4096).startswith(b"HTTP/1.1 101")
        started = time.monotonic()
        while peer.recv(4096):  # pings, then the close frame, then the end
            pass
        # uvicorn's ping timeout (1 s here), well before connection_init's (10 s).
        assert time.monotonic() - started < 6
