"""Bad requests get a clear, coded answer: never a 500, never a traceback in the log."""

import json
import logging

import pytest
from django.conf import settings

from tests.support.client import ENDPOINT


def test_malformed_json_body_is_http_400(gql):
    response = gql.http.post(ENDPOINT, data="{not json", content_type="application/json")
    assert response.status_code == 400


def test_syntax_error_is_parse_failed(gql):
    response = gql.execute("query { me { id ")
    assert response.error_codes == ["GRAPHQL_PARSE_FAILED"]


def test_unknown_field_is_validation_failed_without_suggestions(gql):
    response = gql.execute("query { me { usernam } }")
    assert response.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert "Did you mean" not in response.errors[0]["message"]


def test_wrong_variable_type_is_bad_user_input(gql):
    response = gql.execute("query($u: String!) { user(username: $u) { id } }", {"u": 5})
    assert response.error_codes[0] in {"BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"}


def test_too_deep_a_query_is_refused(gql):
    # Each followers level is three deep (followers, edges, node).
    nested = "username"
    for _ in range(4):
        nested = f"followers {{ edges {{ node {{ {nested} }} }} }}"
    response = gql.execute(f"query Deep {{ me {{ {nested} }} }}")
    assert response.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert "'Deep' exceeds maximum operation depth of 10" in response.errors[0]["message"]


def test_too_deep_is_one_error_however_many_fields_are_past_the_limit(gql):
    # Apollo Client adds __typename to every selection set: two fields past the limit.
    nested = "username __typename"
    for _ in range(4):
        nested = f"followers {{ edges {{ node {{ {nested} }} __typename }} __typename }}"
    response = gql.execute(f"query Deep {{ me {{ {nested} __typename }} }}")
    assert response.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert response.errors[0]["message"] == "'Deep' exceeds maximum operation depth of 10"
    # One per operation too deep: a second one is a second violation.
    two = f"query Deep {{ me {{ {nested} }} }} query Deeper {{ me {{ {nested} }} }}"
    response = gql.execute(two, operation_name="Deep")
    assert [error["message"][:8] for error in response.errors] == ["'Deep' e", "'Deeper'"]


def test_a_query_at_the_depth_limit_runs(gql, alice, login):
    login(alice)
    nested = "username"
    for _ in range(3):  # me + 3 levels of 3 = depth 10 (small pages: within the cost limit)
        nested = f"followers(first: 5) {{ edges {{ node {{ {nested} }} }} }}"
    assert gql.execute(f"{{ me {{ {nested} }} }}").data["me"]["followers"]["edges"] == []


def test_too_many_aliases_are_refused(gql):
    aliases = " ".join(f"a{i}: me {{ id }}" for i in range(settings.GRAPHQL_MAX_ALIASES + 1))
    response = gql.execute(f"query {{ {aliases} }}")
    assert response.error_codes == ["GRAPHQL_VALIDATION_FAILED"]


def test_too_many_tokens_are_refused(gql):
    fields = " ".join(["__typename"] * settings.GRAPHQL_MAX_TOKENS)
    response = gql.execute(f"query {{ {fields} }}")
    assert response.error_codes == ["GRAPHQL_PARSE_FAILED"]


def test_introspection_is_not_limited_by_depth(gql, settings):
    from graphql import get_introspection_query

    settings.GRAPHQL_INTROSPECTION = True
    response = gql.execute(get_introspection_query(descriptions=True))
    assert response.data["__schema"]["queryType"]["name"] == "Query"


@pytest.mark.parametrize("argument", ["first: 1000", "last: 101", "first: -1", 'after: "bogus"'])
def test_page_arguments_out_of_range_are_bad_user_input(gql, argument):
    # Any connection will do; the rule is the same for all of them.
    response = gql.execute(f"query {{ photos({argument}) {{ totalCount }} }}")
    assert response.error_codes == ["BAD_USER_INPUT"]


def test_unexpected_errors_are_masked_and_logged_once(gql, alice, login, monkeypatch, caplog):
    from users.services import accounts as services

    def broken(**kwargs):
        raise RuntimeError("database exploded: secret detail")

    monkeypatch.setattr(services, "user_update_profile", broken)
    login(alice)
    with caplog.at_level(logging.INFO):
        response = gql.execute('mutation Edit { updateProfile(input: {bio: "x"}) { __typename } }')
    assert response.status == 200
    assert response.error_codes == ["INTERNAL_SERVER_ERROR"]
    assert "secret detail" not in json.dumps(response.body)
    logged = [r for r in caplog.records if r.exc_info]
    assert len(logged) == 1
    assert "Edit" in logged[0].getMessage()
    assert "secret detail" in str(logged[0].exc_info[1])


def test_expected_errors_are_not_logged_as_tracebacks(gql, alice, caplog):
    with caplog.at_level(logging.INFO):
        gql.execute("query { me { usernam } }")
        gql.execute('mutation { tokenAuth(username: "alice", password: "x") { token } }')
        gql.execute(
            'mutation { register(input: {username: "", email: "", password: ""}) { __typename } }'
        )
    assert [r for r in caplog.records if r.exc_info] == []


def test_internal_errors_keep_their_message_in_debug(gql, alice, login, monkeypatch, settings):
    from users.services import accounts as services

    settings.DEBUG = True
    monkeypatch.setattr(services, "user_update_profile", lambda **kw: 1 / 0)
    login(alice)
    response = gql.execute('mutation { updateProfile(input: {bio: "x"}) { __typename } }')
    assert response.error_codes == ["INTERNAL_SERVER_ERROR"]
    assert "division by zero" in response.errors[0]["message"]


def test_graphiql_is_off_outside_debug(gql):
    response = gql.http.get(ENDPOINT, headers={"Accept": "text/html"})
    assert response.status_code == 404
