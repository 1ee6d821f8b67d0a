"""The database gone while a request signs its viewer in (before any resolver runs):
a 503 with a code and Retry-After, never Django's 500 page. The real fault (the
PostgreSQL primary restarted under load) is tests/cluster/test_primary_restarted.py;
here the same error is raised where the cluster met it, which no test database can do
on cue."""

import json
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_database_error_outside_resolvers_is_a_coded_503(gql, error):
    with mock.patch("schema.server.view.authenticate", side_effect=error("connection refused")):
        response = gql.http.post(
            "/graphql/",
            json.dumps({"query": "{ me { username } }"}),
            content_type="application/json",
            HTTP_AUTHORIZATION="JWT whatever",
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    body = json.loads(response.content)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["INTERNAL_SERVER_ERROR"]
    assert "connection refused" not in response.content.decode()
