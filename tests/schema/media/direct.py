"""Shared helpers for the direct-upload tests: the two mutations and the PUT in between."""

import hashlib

import requests

from tests.schema.media.photos import PHOTO_FIELDS
from tests.support.images import make_jpeg

CREATE = """
mutation Create($input: CreatePhotoUploadInput!) {
  createPhotoUpload(input: $input) {
    __typename
    ... on UploadTarget { uploadId url method headers fields expiresAt }
    ... on OperationInfo { messages { kind code field message } }
  }
}
"""

FINALIZE = f"""
mutation Finalize($input: FinalizePhotoUploadInput!) {{
  finalizePhotoUpload(input: $input) {{
    __typename
    ... on Photo {{ {PHOTO_FIELDS} }}
    ... on OperationInfo {{ messages {{ kind code field message }} }}
  }}
}}
"""


def declare(content: bytes, **overrides) -> dict:
    """createPhotoUpload's input for `content`, with any field overridden."""
    return {
        "filename": "photo.jpg",
        "contentType": "image/jpeg",
        "sizeBytes": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        **overrides,
    }


def create(gql, content: bytes | None = None, headers: dict | None = None, **overrides) -> dict:
    content = make_jpeg(800, 600) if content is None else content
    response = gql.execute(CREATE, {"input": declare(content, **overrides)}, headers=headers)
    return response.data["createPhotoUpload"]


def finalize(gql, upload_id: str, headers: dict | None = None, **fields) -> dict:
    response = gql.execute(FINALIZE, {"input": {"uploadId": upload_id, **fields}}, headers=headers)
    return response.data["finalizePhotoUpload"]


def send(gql, target: dict, body: bytes, headers: dict | None = None) -> int:
    """Send the bytes as a browser would: the target's method, URL and headers, as they are.

    The app's own target (local storage) is reached through Django's test client; S3's
    through a real HTTP request (requests) to the rclone server.
    """
    assert target["method"] == "PUT" and target["fields"] == {}
    headers = dict(target["headers"] if headers is None else headers)
    if target["url"].startswith("http://testserver/"):
        content_type = headers.pop("Content-Type", "")
        response = gql.http.put(
            target["url"].removeprefix("http://testserver"),
            data=body,
            content_type=content_type,
            headers=headers,
        )
        return response.status_code
    return requests.put(target["url"], data=body, headers=headers, timeout=10).status_code


def upload_directly(gql, content: bytes | None = None, **fields) -> dict:
    """The whole flow for `content`; answers finalize's payload."""
    content = make_jpeg(800, 600) if content is None else content
    target = create(gql, content)
    assert target["__typename"] == "UploadTarget", target
    assert send(gql, target, content) == 200
    return finalize(gql, target["uploadId"], **fields)
