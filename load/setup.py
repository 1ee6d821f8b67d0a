"""What the load needs before it starts (accounts signed in, photos to view, like and
comment on, follows so feeds have something), made through the API itself; and how an
answer is judged."""

import io
import json
import random
import threading
import uuid
from dataclasses import dataclass

import requests
from PIL import Image

PASSWORD = "load-horse-battery-staple"
REGISTER = """mutation ($u: String!, $e: String!, $p: String!) {
  register(input: {username: $u, email: $e, password: $p}) { __typename } }"""
TOKEN_AUTH = """mutation ($u: String!, $p: String!) {
  tokenAuth(username: $u, password: $p) { token } }"""
UPLOAD = """mutation ($file: Upload!, $caption: String) {
  uploadPhoto(input: {file: $file, caption: $caption, publish: true}) {
    __typename ... on Photo { id } ... on OperationInfo { messages { code } } } }"""
FOLLOW = """mutation ($u: String!) { followUser(input: {username: $u}) { __typename } }"""


@dataclass
class Account:
    username: str
    token: str


class State:
    def __init__(self) -> None:
        self.accounts: list[Account] = []
        self.photos: list[str] = []
        self._lock = threading.Lock()

    def account(self) -> Account:
        return random.choice(self.accounts)

    def photo(self) -> str:
        return random.choice(self.photos)

    def prepare(self, urls: list[str], count: int) -> None:
        session = requests.Session()
        url = f"{urls[0]}/graphql/"
        run = uuid.uuid4().hex[:6]
        for index in range(count):
            name = f"load{run}x{index}"
            _call(session, url, REGISTER, {"u": name, "e": f"{name}@example.com", "p": PASSWORD})
            token = _call(session, url, TOKEN_AUTH, {"u": name, "p": PASSWORD})["tokenAuth"]
            account = Account(name, token["token"])
            self.accounts.append(account)
            answer = session.post(
                url,
                data=multipart_fields(UPLOAD, {"caption": f"seed {name}"}),
                files={"0": ("seed.jpg", jpeg(), "image/jpeg")},
                headers={"Authorization": f"JWT {account.token}"},
                timeout=60,
            ).json()
            self.photos.append(answer["data"]["uploadPhoto"]["id"])
        for account in self.accounts:  # each follows a few others: feeds with photos
            for other in random.sample(self.accounts, min(5, len(self.accounts))):
                if other is not account:
                    _call(session, url, FOLLOW, {"u": other.username}, token=account.token)
        print(f"load: {len(self.accounts)} accounts, {len(self.photos)} photos", flush=True)


def _call(session, url, query, variables, *, token=None) -> dict:
    headers = {"Authorization": f"JWT {token}"} if token else {}
    body = session.post(
        url, json={"query": query, "variables": variables}, headers=headers, timeout=60
    ).json()
    if body.get("errors"):
        raise RuntimeError(f"setup failed: {body['errors']}")
    return body["data"]


def multipart_fields(query: str, variables: dict | None) -> dict[str, str]:
    operations = {"query": query, "variables": {**(variables or {}), "file": None}}
    return {"operations": json.dumps(operations), "map": '{"0": ["variables.file"]}'}


def jpeg(width: int = 640, height: int = 480) -> bytes:
    """A distinct small photo each call (noise), so no upload is refused as a duplicate."""
    out = io.BytesIO()
    Image.effect_noise((width, height), 40).convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()


def problem_of(response) -> str | None:
    """Why an answer counts as an error (None: it does not): an HTTP error, a top-level
    GraphQL error, or a mutation payload that is an OperationInfo."""
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    try:
        body = response.json()
    except ValueError:
        return "not JSON"
    if body.get("errors"):
        return ",".join(e.get("extensions", {}).get("code", "?") for e in body["errors"])
    for value in (body.get("data") or {}).values():
        if isinstance(value, dict) and value.get("__typename") == "OperationInfo":
            return ",".join(m["code"] for m in value.get("messages", []))
    return None
