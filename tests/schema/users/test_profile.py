ME = "query { me { id username email displayName bio } }"

UPDATE = """
mutation Update($input: UpdateProfileInput!) {
  updateProfile(input: $input) {
    __typename
    ... on User { displayName bio }
    ... on OperationInfo { messages { code field } }
  }
}
"""

USER = """
query User($username: String!) {
  user(username: $username) {
    id username email displayName bio dateJoined followersCount followingCount photosCount
  }
}
"""


def test_me_is_null_when_anonymous(gql):
    assert gql.execute(ME).data == {"me": None}


def test_me_with_a_jwt_header(gql, alice, login):
    login(alice)
    me = gql.execute(ME).data["me"]
    assert me["username"] == "alice"
    assert me["email"] == "alice@example.com"


def test_bearer_prefix_is_accepted_too(gql, alice, login):
    token = login(alice)["token"]
    response = gql.execute(ME, headers={"Authorization": f"Bearer {token}"})
    assert response.data["me"]["username"] == "alice"


def test_user_lookup_hides_email_from_others(gql, alice, bob, login):
    login(bob)
    found = gql.execute(USER, {"username": "ALICE"}).data["user"]
    assert found["username"] == "alice"
    assert found["email"] is None
    assert found["displayName"] == "Alice"
    assert found["dateJoined"].endswith("+00:00")


def test_unknown_and_inactive_users_are_null(gql, make_user):
    make_user("ghost", is_active=False)
    assert gql.execute(USER, {"username": "nobody"}).data == {"user": None}
    assert gql.execute(USER, {"username": "ghost"}).data == {"user": None}


def test_user_is_reachable_as_a_node(gql, alice):
    user_id = gql.execute(USER, {"username": "alice"}).data["user"]["id"]
    node = gql.execute(
        "query($id: ID!) { node(id: $id) { id ... on User { username } } }", {"id": user_id}
    ).data["node"]
    assert node == {"id": user_id, "username": "alice"}


def test_update_profile(gql, alice, login):
    login(alice)
    payload = gql.mutate("updateProfile", UPDATE, {"input": {"bio": "  I take photos.  "}})
    assert payload == {"__typename": "User", "displayName": "Alice", "bio": "I take photos."}
    alice.refresh_from_db()
    assert alice.bio == "I take photos."


def test_update_profile_rejects_a_too_long_bio(gql, alice, login):
    login(alice)
    payload = gql.mutate("updateProfile", UPDATE, {"input": {"bio": "b" * 501}})
    assert payload["messages"] == [{"code": "invalid", "field": "bio"}]
    alice.refresh_from_db()
    assert alice.bio == ""


def test_update_profile_needs_a_viewer(gql):
    payload = gql.mutate("updateProfile", UPDATE, {"input": {"bio": "x"}})
    assert payload == {
        "__typename": "OperationInfo",
        "messages": [{"code": "unauthenticated", "field": None}],
    }


EMAIL_SETTING = """
mutation($input: UpdateProfileInput!) {
  updateProfile(input: $input) {
    ... on User { emailNotifications unreadNotificationsCount displayName }
    ... on OperationInfo { messages { code field } }
  }
}
"""


def test_email_notifications_are_on_until_update_profile_turns_them_off(gql, alice, login):
    login(alice)
    assert gql.execute("{ me { emailNotifications } }").data["me"] == {"emailNotifications": True}
    off = gql.mutate("updateProfile", EMAIL_SETTING, {"input": {"emailNotifications": False}})
    assert off == {
        "emailNotifications": False,
        "unreadNotificationsCount": 0,
        "displayName": "Alice",
    }
    alice.refresh_from_db()
    assert alice.email_notifications is False
    # Leaving it out leaves it as it is.
    same = gql.mutate("updateProfile", EMAIL_SETTING, {"input": {"displayName": "Ada"}})
    assert same["emailNotifications"] is False
    on = gql.mutate("updateProfile", EMAIL_SETTING, {"input": {"emailNotifications": True}})
    assert on["emailNotifications"] is True


def test_email_notifications_must_be_a_boolean(gql, alice, login):
    login(alice)
    response = gql.execute(EMAIL_SETTING, {"input": {"emailNotifications": "no"}})
    assert response.error_codes == ["BAD_USER_INPUT"]
    alice.refresh_from_db()
    assert alice.email_notifications is True
