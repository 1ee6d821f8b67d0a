"""The realtime server (uvicorn on project.asgi) as a process, and clients of both transports.

`RealtimeServer` is `LiveServer` with uvicorn in place of gunicorn: the same settings,
database and lifetime. `WsClient` speaks graphql-transport-ws with the `websockets`
package; `sse_events` reads a graphql-sse stream with the standard library.
"""

import json
import urllib.request
from collections.abc import Iterator

from websockets.sync.client import connect

from tests.support.live import BIN, LiveServer


class RealtimeServer(LiveServer):
    def command(self) -> list[str]:
        return [
            str(BIN / "uvicorn"),
            "project.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
            # Short, so that a test sees a dead peer closed (clients answer pings).
            "--ws-ping-interval",
            "1",
            "--ws-ping-timeout",
            "1",
        ]

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/graphql/"


def connect_raw(url: str, headers: dict | None = None):
    """An open graphql-transport-ws socket, nothing sent yet."""
    return connect(
        url, subprotocols=["graphql-transport-ws"], additional_headers=headers, open_timeout=5
    ).__enter__()  # as `with connect(...)` does


class WsClient:
    """One graphql-transport-ws connection, initialised: `subscribe`, then `receive`.

    `token` a JWT; `authorization` the whole value instead ("Bearer <access token>").
    """

    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        authorization: str | None = None,
        origin: str | None = None,
    ):
        self.socket = connect_raw(url, {"Origin": origin} if origin else None)
        authorization = authorization or (f"JWT {token}" if token else None)
        payload = {"Authorization": authorization} if authorization else {}
        self.send({"type": "connection_init", "payload": payload})
        self.ack = self.receive()

    def send(self, message: dict) -> None:
        self.socket.send(json.dumps(message))

    def receive(self, timeout: float = 10) -> dict:
        return json.loads(self.socket.recv(timeout=timeout))

    def subscribe(self, op_id: str, query: str, variables: dict | None = None) -> None:
        payload = {"query": query, "variables": variables or {}}
        self.send({"type": "subscribe", "id": op_id, "payload": payload})

    def messages(self, count: int, timeout: float = 10) -> list[dict]:
        return [self.receive(timeout) for _ in range(count)]

    def close(self) -> None:
        self.socket.close()

    def __enter__(self) -> "WsClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def sse_request(url: str, query: str, variables=None, *, token=None, origin=None):
    """An open graphql-sse response (distinct connections mode); raises HTTPError on 4xx."""
    headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
    if token:
        headers["Authorization"] = f"JWT {token}"
    if origin:
        headers["Origin"] = origin
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(url, data=body, headers=headers)
    return urllib.request.urlopen(request, timeout=10)


def sse_events(response) -> Iterator[tuple[str, dict | None]]:
    """(event, data) per frame of a graphql-sse stream; comments (pings) skipped."""
    event, data = None, []
    for raw in response:
        line = raw.decode().rstrip("\n")
        if line.startswith(":"):
            continue
        if not line:
            if event is not None:
                text = "\n".join(data)
                yield event, (json.loads(text) if text else None)
            event, data = None, []
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())


def upload_photo(url: str, token: str, content: bytes, *, publish: bool = True) -> str:
    """Upload `content` to the server at `url` (the multipart spec, as curl -F does): its id."""
    boundary = "----live-test-boundary"
    operations = json.dumps(
        {
            "query": "mutation ($input: UploadPhotoInput!) { uploadPhoto(input: $input) "
            "{ ... on Photo { id } ... on OperationInfo { messages { code message } } } }",
            "variables": {"input": {"file": None, "publish": publish}},
        }
    )
    parts = [
        ("operations", None, operations.encode()),
        ("map", None, b'{"0": ["variables.input.file"]}'),
        ("0", "photo.jpg", content),
    ]
    body = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        kind = "Content-Type: image/jpeg\r\n" if filename else ""
        body += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n{kind}\r\n".encode()
        body += data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        f"{url}/graphql/",
        data=body,
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Authorization": f"JWT {token}",
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.loads(response.read())
    payload = answer["data"]["uploadPhoto"]
    assert "id" in payload, answer
    return payload["id"]
