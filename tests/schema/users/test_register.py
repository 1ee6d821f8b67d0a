import pytest

from users.models import User

REGISTER = """
mutation Register($input: RegisterInput!) {
  register(input: $input) {
    __typename
    ... on User { id username displayName email bio followersCount photosCount }
    ... on OperationInfo { messages { kind code field message } }
  }
}
"""


def register(gql, **fields):
    values = {"username": "carol", "email": "carol@example.com", "password": "a-long-passphrase-7"}
    values.update(fields)
    return gql.mutate("register", REGISTER, {"input": values})


def test_register_creates_an_account_that_can_sign_in(gql):
    payload = register(gql, displayName="Carol C.")
    assert payload["__typename"] == "User"
    assert payload["username"] == "carol"
    assert payload["displayName"] == "Carol C."
    assert payload["email"] == "carol@example.com"  # the new account's own, shown to its owner
    user = User.objects.get(username="carol")
    assert user.check_password("a-long-passphrase-7")
    assert user.followers_count == user.photos_count == 0


def test_each_registration_shows_only_its_own_accounts_email(gql):
    two = """
    mutation {
      dave: register(input: {username: "dave", email: "dave@example.com",
                             password: "a-long-passphrase-7"}) { ... on User { email } }
      erin: register(input: {username: "erin", email: "erin@example.com",
                             password: "a-long-passphrase-7"}) { ... on User { email } }
    }
    """
    data = gql.execute(two).data
    assert data == {"dave": {"email": "dave@example.com"}, "erin": {"email": "erin@example.com"}}
    # Later requests are strangers again.
    assert gql.execute('{ user(username: "dave") { email } }').data == {"user": {"email": None}}


def test_display_name_defaults_to_username(gql):
    assert register(gql)["displayName"] == "carol"


@pytest.mark.parametrize(
    ("password", "fragment"),
    [("short", "too short"), ("password123", "too common"), ("1234567890123", "entirely numeric")],
)
def test_weak_password_is_invalid_on_the_password_field(gql, password, fragment):
    payload = register(gql, password=password)
    assert payload["__typename"] == "OperationInfo"
    messages = [m for m in payload["messages"] if m["field"] == "password"]
    assert messages and all(m["code"] == "invalid" for m in messages)
    assert any(fragment in m["message"] for m in messages)
    assert not User.objects.filter(username="carol").exists()


@pytest.mark.parametrize("username", ["alice", "ALICE", " Alice "])
def test_duplicate_username_is_duplicate_whatever_its_case(gql, alice, username):
    payload = register(gql, username=username)
    assert payload["__typename"] == "OperationInfo"
    assert [(m["field"], m["code"]) for m in payload["messages"]] == [("username", "duplicate")]


@pytest.mark.parametrize("email", ["alice@example.com", "Alice@Example.com"])
def test_duplicate_email_is_duplicate_whatever_its_case(gql, alice, email):
    payload = register(gql, email=email)
    assert [(m["field"], m["code"]) for m in payload["messages"]] == [("email", "duplicate")]


def test_duplicate_username_and_email_are_reported_together(gql, alice):
    payload = register(gql, username="alice", email="alice@example.com")
    fields = {(m["field"], m["code"]) for m in payload["messages"]}
    assert fields == {("username", "duplicate"), ("email", "duplicate")}


def test_a_race_lost_at_the_database_names_the_field_taken(gql, alice, monkeypatch):
    """Both checks passed, then a concurrent registration took the email first."""
    from users.querysets import UserQuerySet
    from users.services import accounts as services

    checked = UserQuerySet.exists
    calls = []

    def exists_before_the_race(queryset):
        calls.append(1)
        return False if len(calls) <= 2 else checked(queryset)

    monkeypatch.setattr(UserQuerySet, "exists", exists_before_the_race)
    with pytest.raises(services.ValidationError) as caught:
        services.user_register(
            username="carol", email="ALICE@example.com", password="a-long-passphrase-7"
        )
    assert {f: [e.code for e in errors] for f, errors in caught.value.error_dict.items()} == {
        "email": ["duplicate"]
    }


def test_bad_username_and_email_are_reported_together(gql):
    payload = register(gql, username="no spaces!", email="not-an-email")
    fields = {(m["field"], m["code"]) for m in payload["messages"]}
    assert fields == {("username", "invalid"), ("email", "invalid")}


def test_display_name_over_the_limit_is_invalid(gql):
    payload = register(gql, displayName="x" * 65)
    assert [(m["field"], m["code"]) for m in payload["messages"]] == [("displayName", "invalid")]
