"""GET requests: every one runs its operation, except a browser's page load (GraphiQL).

A persisted query sent by hash alone over GET with `Accept: */*` (curl's default, fetch()
without headers) once got the GraphiQL page in DEBUG and a 404 outside it.
"""

import json

import pytest

from tests.schema.server.test_persisted_queries import empty_cache, persisted, post, sha
from tests.support.client import ENDPOINT, without_cost

pytestmark = pytest.mark.usefixtures(empty_cache.__name__)


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize("graphiql", [True, False], ids=["graphiql-on", "graphiql-off"])
@pytest.mark.parametrize("accept", ["*/*", None, BROWSER], ids=["any", "none", "browser"])
def test_a_hash_alone_over_get_runs_whatever_the_accept_header(
    gql, alice, settings, graphiql, accept
):
    # curl's default and fetch() without headers send */*; a browser's address bar asks
    # for text/html, but a request with `extensions` is an operation, not a page load.
    settings.GRAPHIQL = graphiql
    query = "query User($username: String!) { user(username: $username) { username } }"
    post(gql, {"query": query, "extensions": persisted(sha(query))})
    params = {"extensions": json.dumps(persisted(sha(query))), "variables": '{"username": "alice"}'}
    headers = {"Accept": accept} if accept else {}
    response = gql.http.get(ENDPOINT, params, headers=headers)
    assert response.status_code == 200
    assert without_cost(response.json()) == {"data": {"user": {"username": "alice"}}}


def test_graphiql_is_for_a_browser_asking_for_html_with_no_operation(gql, settings):
    settings.GRAPHIQL = True
    page = gql.http.get(ENDPOINT, headers={"Accept": BROWSER})
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    for accept in ("*/*", "application/json"):
        response = gql.http.get(ENDPOINT, headers={"Accept": accept})
        assert response.status_code == 400, accept
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    ran = gql.http.get(ENDPOINT, {"query": "{ __typename }"}, headers={"Accept": BROWSER})
    assert without_cost(ran.json()) == {"data": {"__typename": "Query"}}
