"""GraphQL over HTTP through Django's test client, the way apps and scripts call it."""

import json
from dataclasses import dataclass
from typing import Any

from django.test import Client

ENDPOINT = "/graphql/"


@dataclass
class Response:
    status: int
    body: dict[str, Any]

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
        return Response(response.status_code, response.json())

    def mutate(self, name: str, query: str, variables: dict[str, Any] | None = None) -> dict:
        """Run a mutation and answer its payload (whichever union member it is)."""
        return self.execute(query, variables).data[name]
