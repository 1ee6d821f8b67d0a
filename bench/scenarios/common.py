"""Helpers the scenarios share: equal-answer checks."""

import json

from bench.measure import Reply


def _compact(data) -> str:
    return json.dumps(data, sort_keys=True)[:1500]


def data_of(reply: Reply, what: str) -> dict:
    """The `data` of a reply that must have succeeded (no errors, status 200)."""
    body = reply.json()
    if reply.status != 200 or body.get("errors"):
        raise AssertionError(f"{what} answered {reply.status}: {_compact(body)}")
    return body["data"]


CURSORS = {"cursor", "startCursor", "endCursor"}


def _unsigned(data):
    """The data with every `url` cut before its query string (S3 signatures carry the
    second they were made in, so two requests a moment apart sign differently) and every
    cursor reduced to whether there is one: both sides sign a key (the baseline with a
    key of its own), so the bytes differ, the work does not."""
    if isinstance(data, dict):
        return {
            key: value.split("?", 1)[0]
            if key == "url" and isinstance(value, str)
            else bool(value)
            if key in CURSORS
            else _unsigned(value)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [_unsigned(item) for item in data]
    return data


def same_answer(graphql: Reply, plain: Reply, what: str) -> dict:
    """Both sides answer the same data: the baseline does the same work, not less."""
    ours, theirs = data_of(graphql, f"{what} (GraphQL)"), data_of(plain, f"{what} (plain)")
    if _unsigned(ours) != _unsigned(theirs):
        raise AssertionError(
            f"{what}: the baseline's answer differs\nGraphQL: {_compact(ours)}\n"
            f"plain:   {_compact(theirs)}"
        )
    return ours
