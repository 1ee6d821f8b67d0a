"""The cluster's GraphQL API over real HTTP, as its clients call it: each request goes to
the next web process in turn (web1, web2, web1 ...), so every flow crosses processes."""

import itertools
import json
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

import requests

from tests.support.images import make_jpeg

PASSWORD = "cluster-horse-battery-staple"

REGISTER = """mutation ($u: String!, $e: String!, $p: String!) {
  register(input: {username: $u, email: $e, password: $p}) {
    __typename ... on OperationInfo { messages { code } } } }"""
TOKEN_AUTH = """mutation ($u: String!, $p: String!) {
  tokenAuth(username: $u, password: $p) { token } }"""
UPLOAD = """mutation ($file: Upload!, $caption: String) {
  uploadPhoto(input: {file: $file, caption: $caption}) {
    __typename ... on Photo { id processingStatus }
    ... on OperationInfo { messages { code field } } } }"""
PUBLISH = """mutation ($id: ID!) { publishPhoto(input: {id: $id}) {
  __typename ... on Photo { status } } }"""
LIKE = """mutation ($id: ID!) { likePhoto(input: {photoId: $id}) {
  __typename ... on Photo { likesCount viewerHasLiked }
  ... on OperationInfo { messages { code } } } }"""
COMMENT = """mutation ($id: ID!, $text: String!) { addComment(input: {photoId: $id, text: $text}) {
  __typename ... on Comment { text } ... on OperationInfo { messages { code } } } }"""
PHOTO = """query ($id: ID!) { photo(id: $id) { id status processingStatus likesCount
  commentsCount thumbnail(size: SMALL) { url width height } } }"""
FEED = "{ feed(first: 10) { edges { node { id caption likesCount } } } }"


@dataclass
class Answer:
    status: int
    body: dict[str, Any]
    web: str

    @property
    def data(self) -> dict[str, Any]:
        assert self.status == 200 and not self.body.get("errors"), (self.web, self.body)
        return self.body["data"]

    @property
    def codes(self) -> list[str]:
        return [e.get("extensions", {}).get("code") for e in self.body.get("errors") or []]


class Api:
    def __init__(self, urls: list[str]) -> None:
        self.urls = urls
        self._turns = itertools.cycle(range(len(urls)))
        self._lock = threading.Lock()
        self.session = requests.Session()

    def next_url(self) -> str:
        with self._lock:
            return self.urls[next(self._turns)]

    def post(
        self,
        query: str,
        variables: dict | None = None,
        *,
        token: str | None = None,
        file: bytes | None = None,
        web: str | None = None,
        timeout: float = 30,
    ) -> Answer:
        web = web or self.next_url()
        headers = {"Authorization": f"JWT {token}"} if token else {}
        if file is None:
            response = self.session.post(
                f"{web}/graphql/",
                json={"query": query, "variables": variables or {}},
                headers=headers,
                timeout=timeout,
            )
        else:  # the GraphQL multipart request spec, as curl -F sends it
            operations = {"query": query, "variables": {**(variables or {}), "file": None}}
            response = self.session.post(
                f"{web}/graphql/",
                data={"operations": json.dumps(operations), "map": '{"0": ["variables.file"]}'},
                files={"0": ("photo.jpg", file, "image/jpeg")},
                headers=headers,
                timeout=timeout,
            )
        try:
            body = response.json()
        except ValueError:
            body = {"_raw": response.text[:500]}
        return Answer(response.status_code, body, web)

    # -- flows -------------------------------------------------------------------------
    def sign_up(self, prefix: str = "u") -> tuple[str, str]:
        """A new account (unique name), signed in: (username, access token)."""
        name = f"{prefix}{uuid.uuid4().hex[:10]}"
        assert (
            self.post(REGISTER, {"u": name, "e": f"{name}@example.com", "p": PASSWORD}).data[
                "register"
            ]["__typename"]
            == "User"
        )
        token = self.post(TOKEN_AUTH, {"u": name, "p": PASSWORD}).data["tokenAuth"]["token"]
        return name, token

    def upload(self, token: str, *, caption: str = "cluster", web: str | None = None, **image):
        image.setdefault("noise", True)  # distinct bytes each time: no duplicate refusals
        jpeg = make_jpeg(**image)
        return self.post(UPLOAD, {"caption": caption}, token=token, file=jpeg, web=web)

    def photo(self, photo_id: str, token: str | None = None) -> dict | None:
        return self.post(PHOTO, {"id": photo_id}, token=token).data["photo"]

    def wait_processed(
        self, photo_id: str, token: str, *, timeout: float = 60, done=("READY", "FAILED")
    ) -> str:
        deadline = time.monotonic() + timeout
        status = None
        while time.monotonic() < deadline:
            status = self.photo(photo_id, token)["processingStatus"]
            if status in done:
                return status
            time.sleep(0.3)
        raise AssertionError(f"photo {photo_id} still {status} after {timeout} s")
