"""Access tokens for scripts and CI, through the API as a CI job uses them."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from schema.core.nodes import global_id
from tests.support.client import codes
from tests.support.query_counts import counts
from users.models import AccessToken
from users.services.access_tokens import MAX_TOKENS_PER_USER

CREATE = """
mutation Create($input: CreateAccessTokenInput!) {
  createAccessToken(input: $input) {
    __typename
    ... on NewAccessToken { token accessToken { id name scopes prefix expiresAt lastUsedAt } }
    ... on OperationInfo { messages { code field message } }
  }
}
"""
REVOKE = """
mutation Revoke($id: ID!) {
  revokeAccessToken(input: {id: $id}) {
    __typename ... on DeletedNode { id } ... on OperationInfo { messages { code field } }
  }
}
"""
CREATE_ALBUM = """
mutation { createAlbum(input: {title: "CI"}) {
  __typename ... on Album { title } ... on OperationInfo { messages { code field } } } }
"""
FOLLOW = """
mutation { followUser(input: {username: "bob"}) {
  __typename ... on User { username } ... on OperationInfo { messages { code field } } } }
"""


@pytest.fixture
def make_token(gql, alice, login, settings):
    """A new token of alice's, made through the API from her password login."""
    login(alice)
    settings.RATE_ACCESS_TOKENS_PER_HOUR = 1000  # some tests make more than an hour's

    def make(*scopes: str, name: str = "ci", expires_in_days: int | None = None) -> dict:
        payload = gql.mutate(
            "createAccessToken",
            CREATE,
            {"input": {"name": name, "scopes": list(scopes), "expiresInDays": expires_in_days}},
        )
        assert payload["__typename"] == "NewAccessToken", payload
        return payload

    return make


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_is_shown_once_and_only_its_hash_is_kept(make_token):
    made = make_token("READ", "PUBLISH", expires_in_days=30)
    token = made["token"]
    assert token.startswith("pgat_") and len(token) >= 40
    assert made["accessToken"]["prefix"] == token[:12]
    assert made["accessToken"]["scopes"] == ["PUBLISH", "READ"]
    assert made["accessToken"]["lastUsedAt"] is None
    row = AccessToken.objects.get()
    assert token not in (row.digest, row.prefix, row.name)
    assert row.expires_at - timezone.now() > timedelta(days=29)


def test_scopes_decide_what_a_token_may_do(gql, bob, make_token):
    publish = make_token("PUBLISH")["token"]
    social = make_token("SOCIAL")["token"]
    created = gql.execute(CREATE_ALBUM, headers=bearer(publish)).data["createAlbum"]
    assert created == {"__typename": "Album", "title": "CI"}
    refused = gql.execute(CREATE_ALBUM, headers=bearer(social)).data["createAlbum"]
    assert codes(refused) == [(None, "permission_denied")]

    followed = gql.execute(FOLLOW, headers=bearer(social)).data["followUser"]
    assert followed == {"__typename": "User", "username": "bob"}
    refused = gql.execute(FOLLOW, headers=bearer(publish)).data["followUser"]
    assert codes(refused) == [(None, "permission_denied")]


def test_without_read_a_token_queries_as_a_stranger(gql, make_token):
    publish = make_token("PUBLISH")["token"]
    read = make_token("READ")["token"]
    me = "{ me { username email } }"
    assert gql.execute(me, headers=bearer(read)).data == {
        "me": {"username": "alice", "email": "alice@example.com"}
    }
    assert gql.execute(me, headers=bearer(publish)).data == {"me": None}
    refused = gql.execute("{ accessTokens { totalCount } }", headers=bearer(publish))
    assert refused.error_codes == ["UNAUTHENTICATED"]
    assert "READ scope" in refused.errors[0]["message"]


def test_a_token_cannot_make_or_revoke_tokens_or_edit_the_profile(gql, make_token):
    made = make_token("READ", "PUBLISH", "SOCIAL")
    every_scope = bearer(made["token"])
    variables = {"input": {"name": "x", "scopes": ["READ"]}}
    minted = gql.execute(CREATE, variables, headers=every_scope).data["createAccessToken"]
    assert codes(minted) == [(None, "permission_denied")]
    revoke = {"id": made["accessToken"]["id"]}
    revoked = gql.execute(REVOKE, revoke, headers=every_scope).data["revokeAccessToken"]
    assert codes(revoked) == [(None, "permission_denied")]
    profile = """mutation { updateProfile(input: {bio: "x"}) {
      ... on OperationInfo { messages { code } } } }"""
    edited = gql.execute(profile, headers=every_scope).data["updateProfile"]
    assert edited["messages"][0]["code"] == "permission_denied"
    assert AccessToken.objects.count() == 1


def test_a_revoked_token_stops_working_at_once(gql, make_token):
    made = make_token("READ")
    assert gql.mutate("revokeAccessToken", REVOKE, {"id": made["accessToken"]["id"]}) == {
        "__typename": "DeletedNode",
        "id": made["accessToken"]["id"],
    }
    response = gql.execute("{ me { username } }", headers=bearer(made["token"]))
    assert response.error_codes == ["UNAUTHENTICATED"]
    assert "Invalid access token" in response.errors[0]["message"]


def test_expired_unknown_and_disabled_users_tokens_never_authenticate(gql, alice, make_token):
    token = make_token("READ", expires_in_days=1)["token"]
    AccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = gql.execute("{ me { username } }", headers=bearer(token))
    assert "expired" in response.errors[0]["message"]

    AccessToken.objects.update(expires_at=None)
    alice.is_active = False
    alice.save()
    assert gql.execute("{ me { id } }", headers=bearer(token)).error_codes == ["UNAUTHENTICATED"]
    unknown = bearer("pgat_" + "A" * 43)
    assert gql.execute("{ me { id } }", headers=unknown).error_codes == ["UNAUTHENTICATED"]


def test_last_used_is_written_at_most_once_a_minute(gql, make_token):
    token = make_token("READ")["token"]

    def use() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            gql.execute("{ me { username } }", headers=bearer(token))
        return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]

    assert len(use()) == 1
    first = AccessToken.objects.get().last_used_at
    assert use() == []
    assert AccessToken.objects.get().last_used_at == first
    AccessToken.objects.update(last_used_at=first - timedelta(minutes=2))
    assert len(use()) == 1
    assert AccessToken.objects.get().last_used_at > first


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"scopes": []}, "scopes"),
        ({"expiresInDays": 0}, "expiresInDays"),
        ({"expiresInDays": -5}, "expiresInDays"),
        ({"expiresInDays": 3651}, "expiresInDays"),
    ],
)
def test_bad_input_is_invalid_on_its_field_and_makes_nothing(gql, alice, login, fields, field):
    login(alice)
    values = {"name": "ci", "scopes": ["READ"], **fields}
    payload = gql.mutate("createAccessToken", CREATE, {"input": values})
    assert codes(payload) == [(field, "invalid")]
    assert not AccessToken.objects.exists()


def test_an_account_holds_a_bounded_number_of_tokens(gql, make_token):
    for n in range(MAX_TOKENS_PER_USER):
        make_token("READ", name=f"t{n}")
    payload = gql.mutate(
        "createAccessToken", CREATE, {"input": {"name": "one more", "scopes": ["READ"]}}
    )
    assert codes(payload) == [(None, "invalid")]
    assert AccessToken.objects.count() == MAX_TOKENS_PER_USER


def test_tokens_are_listed_to_their_owner_only_newest_first(gql, bob, login, make_token):
    for name in ("old", "new"):
        make_token("READ", name=name)
    listing = "{ accessTokens { totalCount edges { node { name } } } }"
    data = gql.execute(listing).data["accessTokens"]
    assert [e["node"]["name"] for e in data["edges"]] == ["new", "old"]
    mine = data["edges"][0]
    login(bob)
    assert gql.execute(listing).data["accessTokens"]["totalCount"] == 0
    alices = AccessToken.objects.filter(name="new").get()
    revoked = gql.mutate("revokeAccessToken", REVOKE, {"id": global_id("AccessToken", alices.pk)})
    assert codes(revoked) == [("id", "not_found")]
    assert mine and AccessToken.objects.count() == 2
    gql.token = None
    assert gql.execute(listing).error_codes == ["UNAUTHENTICATED"]


def test_listing_tokens_costs_the_same_queries_at_any_page_size(gql, make_token):
    for n in range(50):
        make_token("READ", name=f"t{n}")
    document = "{ accessTokens(first: $N) { edges { node { name scopes prefix lastUsedAt } } } }"

    def check(data, size):
        assert len(data["accessTokens"]["edges"]) == size

    small, large = counts(gql, document, check)
    assert small == large
