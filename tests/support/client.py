"""GraphQL over HTTP through Django's test client, the way apps and scripts call it."""

import json
from dataclasses import dataclass
from typing import Any

from django.test import Client

ENDPOINT = "/graphql/"


def without_cost(body: Any) -> Any:
    """An answer without its `extensions.cost`, which every answer carries (the viewer's
    budget, schema/server/budget.py; tests/schema/server/test_budget.py checks it), so
    tests can compare whole answers."""
    if isinstance(body, dict) and isinstance(body.get("extensions"), dict):
        extensions = {k: v for k, v in body["extensions"].items() if k != "cost"}
        body = {k: v for k, v in body.items() if k != "extensions"}
        if extensions:
            body["extensions"] = extensions
    return body


@dataclass
class Response:
    status: int
    body: dict[str, Any]  # without extensions.cost: that is `cost`
    cost: dict[str, Any] | None = None
    headers: Any = None  # the response's, case-insensitive (Django's ResponseHeaders)

    @classmethod
    def of(cls, response) -> "Response":
        body = response.json()
        cost = (body.get("extensions") or {}).get("cost") if isinstance(body, dict) else None
        return cls(response.status_code, without_cost(body), cost, response.headers)

    @property
    def data(self) -> dict[str, Any]:
        assert not self.body.get("errors"), self.body["errors"]
        return self.body["data"]

    @property
    def errors(self) -> list[dict[str, Any]]:
        assert self.body.get("errors"), f"expected errors, got {self.body}"
        return self.body["errors"]

    @property
    def error_codes(self) -> list[str]:
        return [error.get("extensions", {}).get("code") for error in self.errors]


def codes(payload: dict) -> list[tuple[str | None, str]]:
    """A mutation payload's OperationInfo messages as (field, code) pairs."""
    assert payload["__typename"] == "OperationInfo", payload
    return [(m["field"], m["code"]) for m in payload["messages"]]


def captions(connection: dict) -> list[str]:
    """The captions of a photo connection's nodes, in order."""
    return [edge["node"]["caption"] for edge in connection["edges"]]


class GraphQLClient:
    def __init__(self) -> None:
        self.http = Client()
        self.token: str | None = None

    def headers(self, token: str | None = None, prefix: str = "JWT") -> dict[str, str]:
        token = token or self.token
        return {"Authorization": f"{prefix} {token}"} if token else {}

    def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        headers: dict[str, str] | None = None,
        operation_name: str | None = None,
    ) -> Response:
        payload: dict[str, Any] = {"query": query}
        if variables is not None:
            payload["variables"] = variables
        if operation_name:
            payload["operationName"] = operation_name
        response = self.http.post(
            ENDPOINT,
            data=json.dumps(payload),
            content_type="application/json",
            headers=self.headers() if headers is None else headers,
        )
        return Response.of(response)

    def mutate(self, name: str, query: str, variables: dict[str, Any] | None = None) -> dict:
        """Run a mutation and answer its payload (whichever union member it is)."""
        return self.execute(query, variables).data[name]


def multipart_operation(
    client: "GraphQLClient",
    query: str,
    variables: dict[str, Any],
    files: dict[str, tuple[str, bytes, str]],
    *,
    headers: dict[str, str] | None = None,
) -> Response:
    """POST the GraphQL multipart request spec, the way `curl -F` and apollo-upload-client do.

    `files` maps a variable path ("input.file") to (filename, bytes, content type); each
    becomes a form part "0", "1", ... with the `map` pointing the path at it.
    """
    from django.core.files.uploadedfile import SimpleUploadedFile

    variables = json.loads(json.dumps(variables))
    file_map, parts = {}, {}
    for index, (path, (filename, content, content_type)) in enumerate(files.items()):
        target = variables
        *parents, leaf = path.split(".")
        for key in parents:
            target = target[key]
        target[leaf] = None  # the spec: the file's place in variables is null
        file_map[str(index)] = [f"variables.{path}"]
        parts[str(index)] = SimpleUploadedFile(filename, content, content_type=content_type)
    response = client.http.post(
        ENDPOINT,
        data={
            "operations": json.dumps({"query": query, "variables": variables}),
            "map": json.dumps(file_map),
            **parts,
        },
        headers=client.headers() if headers is None else headers,
    )
    return Response.of(response)
